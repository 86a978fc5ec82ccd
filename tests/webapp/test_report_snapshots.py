"""Snapshot tests of the rendered weekly reports: subject, text and HTML.

The engine's candidates are pinned (``pinned_snapshot``) so the snapshots change with the
templates and translations, not with scoring. The stored snapshots live in ``tests/webapp/snapshots/``. After an intended change to a
template or a translation, regenerate them and review the diff::

    OPOP_UPDATE_SNAPSHOTS=1 pytest tests/webapp/test_report_snapshots.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.webapp.report_helpers import NOW, WEEK, build_week, pinned_snapshot
from webapp.models import db
from webapp.report import SnapshotCache, collect_report, parse_week, recipients, render_report
from webapp.report.render import build_message

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("OPOP_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config.update(
        BASE_URL="https://opop.example.id", MAIL_FROM="OPOP Match <laporan@opop-match.test>"
    )
    return app_config


def assert_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {name} did not exist: written, review and commit it")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs (OPOP_UPDATE_SNAPSHOTS=1 to accept)"


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("kontak@alhikmah-batu.sch.id", "report_officer_id"),
        ("office@nurulhuda-sumenep.sch.id", "report_officer_en"),
        ("fasilitator@opop.jatimprov.go.id", "report_facilitator_id"),
    ],
)
def test_rendered_report_matches_its_snapshot(app, who, name):
    build_week()
    week = parse_week(WEEK)
    recipient = next(r for r in recipients(db.session) if r.address == who)

    report = collect_report(
        db.session, recipient, week, SnapshotCache(db.session, week, pinned_snapshot)
    )
    rendered = render_report(report)
    msg = build_message(report, rendered, message_id="<fixed@opop-match.test>", now=NOW)

    assert_snapshot(f"{name}.txt", f"Subject: {msg['Subject']}\n\n{rendered.text}")
    assert_snapshot(f"{name}.html", rendered.html)


@pytest.mark.browser
@pytest.mark.parametrize(
    "name", ["report_officer_id", "report_officer_en", "report_facilitator_id"]
)
def test_email_html_fits_a_phone_screen_without_sideways_scrolling(name, tmp_path, browser):
    html = (SNAPSHOTS / f"{name}.html").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 360, "height": 740})
    try:
        page.set_content(html)
        width = page.evaluate("document.documentElement.scrollWidth")
        smallest = page.evaluate(
            "Math.min(...[...document.querySelectorAll('p,td,span,a,h1,h2,h3')]"
            ".filter(e => e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))"
        )
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    finally:
        page.close()
    assert width <= 360, f"{name} scrolls sideways on a phone ({width}px)"
    assert smallest >= 12, f"{name} has text smaller than 12px ({smallest}px)"
