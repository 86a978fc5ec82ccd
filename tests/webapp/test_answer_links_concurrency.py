"""On PostgreSQL: one answer link submitted twice at the same moment (a double tap, two
tabs) records one answer, and a link answer racing a web answer confirms once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import make_user
from tests.webapp.answer_data import build_deal
from tests.webapp.concurrency_helpers import (
    PauseFirstCall,
    _postgres_only,  # noqa: F401  (autouse: these tests need two real connections)
    confirmations,
    reload,
    wait_until_a_transaction_waits_for_a_lock,
)
from webapp import proposals
from webapp.answer_links import answer_token
from webapp.models import ProposalEvent, db, utcnow


def post_in_thread(
    app: Flask, url: str, data: dict[str, str] | None = None, user_id: int | None = None
) -> tuple[threading.Thread, dict[str, Any]]:
    """POST ``url`` from a new thread with its own client (and so its own session)."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        client = app.test_client()
        if user_id is not None:
            with client.session_transaction() as session:
                session["_user_id"] = f"{user_id}:1"  # User.get_id() of a fresh account
                session["_fresh"] = True
        response = client.post(url, data=data or {})
        outcome["status"] = response.status_code
        outcome["body"] = response.get_data(as_text=True)

    thread = threading.Thread(target=work)
    thread.start()
    return thread, outcome


def test_a_link_used_twice_at_once_records_one_answer(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = build_deal(respond_by=utcnow() + dt.timedelta(days=7))
    pid = deal.barter.id
    path = f"/jawab/{answer_token(pid, deal.batu.id)}"
    paused = PauseFirstCall(proposals.record_transition)
    monkeypatch.setattr(proposals, "record_transition", paused)

    first, first_out = post_in_thread(app, path + "/terima")
    assert paused.entered.wait(30)
    second, second_out = post_in_thread(app, path + "/tolak", {"reason": "price"})
    wait_until_a_transaction_waits_for_a_lock()
    paused.release.set()
    first.join(60)
    second.join(60)

    assert first_out["status"] == 200, first_out["body"][:500]
    assert second_out["status"] == 409, second_out["body"][:500]
    assert "You have already answered this proposal" in second_out["body"]
    p = reload(pid)
    assert p.state == "accepted_by_some"
    batu = next(pt for pt in p.parties if pt.pesantren_id == deal.batu.id)
    assert (batu.response, batu.decline_reason) == ("accepted", None)
    events = db.session.scalars(select(ProposalEvent).where(ProposalEvent.proposal_id == pid))
    assert [(e.action, e.channel) for e in events] == [("accept", "link")]


def test_a_link_answer_racing_a_web_answer_confirms_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = build_deal(respond_by=utcnow() + dt.timedelta(days=7))
    pid = deal.barter.id
    officer = make_user("officer", deal.sumenep)
    db.session.commit()
    paused = PauseFirstCall(proposals.record_transition)
    monkeypatch.setattr(proposals, "record_transition", paused)

    link, link_out = post_in_thread(app, f"/jawab/{answer_token(pid, deal.batu.id)}/terima")
    assert paused.entered.wait(30)
    web, web_out = post_in_thread(app, f"/usulan/{pid}/terima", user_id=officer.id)
    wait_until_a_transaction_waits_for_a_lock()
    paused.release.set()
    link.join(60)
    web.join(60)

    assert link_out["status"] == 200, link_out["body"][:500]
    assert web_out["status"] == 302  # back to the proposal page, answer saved
    p = reload(pid)
    assert p.state == "confirmed"
    assert {pt.response for pt in p.parties} == {"accepted"}
    assert confirmations(pid) == 1
    events = db.session.scalars(select(ProposalEvent).where(ProposalEvent.proposal_id == pid))
    assert sorted(e.channel for e in events) == ["link", "web"]
