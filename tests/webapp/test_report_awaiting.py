"""The weekly report counts the proposals awaiting an answer truly, beyond the lines shown."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from tests.factories import make_listing, make_pesantren
from tests.webapp.plan_helpers import add_plan
from tests.webapp.report_helpers import WEEK, build_week, pinned_snapshot
from webapp.models import Pesantren, db
from webapp.report import SnapshotCache, collect_report, parse_week, recipients, render_report
from webapp.report.officer import MAX_LINES


def test_the_report_says_the_true_number_awaiting_and_shows_the_first_ones(app: Flask) -> None:
    build_week()
    batu = db.session.get(Pesantren, 101)
    seller = make_pesantren("3529")
    offer = make_listing(seller, "offer", "terasi", quantity=Decimal("10000"))
    need = make_listing(batu, "need", "terasi", quantity=Decimal("10000"))
    extra = MAX_LINES + 5
    for _ in range(extra):
        add_plan("trade", [(offer, need, 1)], state="published")
    db.session.commit()
    week = parse_week(WEEK)
    recipient = next(r for r in recipients(db.session) if r.address == batu.email.lower())
    report = collect_report(
        db.session, recipient, week, SnapshotCache(db.session, week, pinned_snapshot)
    )
    section = next(s for s in report.sections if s.pesantren_id == batu.id)
    assert len(section.awaiting) == MAX_LINES
    assert section.awaiting_total > MAX_LINES
    rendered = render_report(report)
    assert f"{section.awaiting_total} usulan menunggu jawaban Anda" in rendered.subject
    assert f"{MAX_LINES} paling mendesak dari {section.awaiting_total}" in rendered.text
