"""The facilitator's weekly report flags confirmed deals not completed in time, with a link
to the page that completes or cancels them."""

from __future__ import annotations

import datetime as dt

from tests.webapp.report_helpers import (
    WEEK,
    app_config,  # noqa: F401 - fixture
    build_week,
    parts,
)
from webapp.models import ProposalEvent, db


def _confirmed_on(proposal_id: int, when: dt.datetime) -> None:
    event = db.session.scalars(
        db.select(ProposalEvent).filter_by(proposal_id=proposal_id, to_state="confirmed")
    ).one()
    event.at = when
    db.session.commit()


def test_a_deal_confirmed_too_long_ago_is_flagged_with_its_link(app, cli, smtp):  # noqa: F811
    s = build_week()
    _confirmed_on(502, dt.datetime(2026, 10, 1, 3, 0, tzinfo=dt.UTC))
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0
    text, html = parts(smtp.handler.by_recipient()[s.emails["facilitator"]][0])
    assert "Kesepakatan yang belum diselesaikan" in text
    assert "1 kesepakatan terkonfirmasi belum diselesaikan dalam 6 minggu" in text
    assert "Usulan 502: " in text
    assert "Selesaikan atau batalkan: https://opop.example.id/usulan/502#deal" in text
    assert 'href="https://opop.example.id/usulan/502#deal"' in html
    # the next week has no other news, but the deal is still open: the report still goes
    before = len(smtp.handler.received)
    assert cli("report", "weekly", "--week", "2026-W49").exit_code == 0
    assert s.emails["facilitator"] in {
        rcpt for rcpts, _ in smtp.handler.received[before:] for rcpt in rcpts
    }


def test_a_recent_deal_is_not_flagged(app, cli, smtp):  # noqa: F811
    s = build_week()  # trade 502 was confirmed this week
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0
    text, _ = parts(smtp.handler.by_recipient()[s.emails["facilitator"]][0])
    assert "Kesepakatan yang belum diselesaikan" not in text
