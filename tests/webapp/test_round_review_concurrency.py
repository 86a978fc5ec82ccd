"""A bulk veto and a publish of the same round at once, on PostgreSQL with two real
connections: they are serialised on the round's row, so the publish sends exactly what
the veto left, and a bulk action that comes second is refused."""

from __future__ import annotations

from tests.webapp.concurrency_helpers import (
    PauseFirstCall,
    _postgres_only,  # noqa: F401  (autouse: these tests need two real connections)
    in_thread,
    wait_until_a_transaction_waits_for_a_lock,
)
from tests.webapp.facilitator_data import build_network, stored_round
from webapp import rounds
from webapp.models import MatchRound, User, db
from webapp.rounds import bulk


def test_a_publish_waits_for_a_bulk_veto_and_sends_only_what_it_left(app, monkeypatch):
    net = build_network()
    round_ = stored_round(net)
    round_id, user_id = round_.id, net.facilitator.id
    trade = next(p.id for p in round_.proposals if p.kind == "trade")
    paused = PauseFirstCall(bulk.record_vetoes)
    monkeypatch.setattr(bulk, "record_vetoes", paused)
    db.session.remove()

    def veto() -> int:
        return bulk.bulk_review(
            db.session.get(MatchRound, round_id),
            db.session.get(User, user_id),
            "veto",
            [trade],
            "x",
        )

    vetoing, vetoed = in_thread(app, veto)
    assert paused.entered.wait(30)
    publishing, published = in_thread(
        app, lambda: rounds.publish_round(db.session.get(MatchRound, round_id)).status
    )
    wait_until_a_transaction_waits_for_a_lock()
    paused.release.set()
    vetoing.join(30)
    publishing.join(30)
    assert vetoed == {"result": 1}
    assert published == {"result": "published"}
    db.session.expire_all()
    states = {p.kind: p.state for p in db.session.get(MatchRound, round_id).proposals}
    assert states == {"barter_pair": "published", "barter_cycle": "published", "trade": "cancelled"}


def test_a_bulk_keep_that_waits_for_a_publish_is_refused(app, monkeypatch):
    from webapp.rounds import publish as publish_module

    net = build_network()
    round_ = stored_round(net)
    round_id, user_id = round_.id, net.facilitator.id
    ids = [p.id for p in round_.proposals]
    paused = PauseFirstCall(publish_module._expire_overdue)
    monkeypatch.setattr(publish_module, "_expire_overdue", paused)
    db.session.remove()

    publishing, published = in_thread(
        app, lambda: rounds.publish_round(db.session.get(MatchRound, round_id)).status
    )
    assert paused.entered.wait(30)
    keeping, kept = in_thread(
        app,
        lambda: bulk.bulk_review(
            db.session.get(MatchRound, round_id), db.session.get(User, user_id), "keep", ids
        ),
    )
    wait_until_a_transaction_waits_for_a_lock()
    paused.release.set()
    publishing.join(30)
    keeping.join(30)
    assert published == {"result": "published"}
    assert isinstance(kept.get("error"), rounds.RoundError)
    assert "published, not draft" in str(kept["error"])
