"""Two people acting at once, on PostgreSQL with two real connections.

Each worker thread pushes its own app context, so it has its own session and connection.
To make the overlap certain rather than lucky, the first transaction is paused while it
holds its locks, and the second is started and seen waiting on a lock (``pg_stat_activity``)
before the first is let go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from tests.factories import make_listing, make_pesantren, make_product
from tests.webapp.concurrency_helpers import (  # noqa: F401
    PauseFirstCall,
    _postgres_only,
    confirmations,
    reload,
    run_in_thread,
    wait_until_a_transaction_waits_for_a_lock,
)
from tests.webapp.plan_helpers import add_plan
from tests.webapp.proposal_helpers import make_pair
from webapp import proposal_checks, proposals
from webapp.models import Listing, Proposal, db
from webapp.proposals import ConflictError


def test_both_sides_accepting_a_barter_pair_at_once_confirm_it_exactly_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = make_pair()
    pid, version = pair.proposal.id, reload(pair.proposal.id).version
    coast, hills = pair.coast.id, pair.hills.id
    paused = PauseFirstCall(proposals.record_transition)
    monkeypatch.setattr(proposals, "record_transition", paused)

    first, first_out = run_in_thread(app, pid, lambda p: proposals.accept(p, coast))
    assert paused.entered.wait(30)
    second, second_out = run_in_thread(app, pid, lambda p: proposals.accept(p, hills))
    wait_until_a_transaction_waits_for_a_lock()
    paused.release.set()
    first.join(60)
    second.join(60)

    assert "error" not in first_out, first_out
    assert "error" not in second_out, second_out
    assert (first_out["state"], second_out["state"]) == ("accepted_by_some", "confirmed")
    p = reload(pid)
    assert p.state == "confirmed"
    assert {pt.response for pt in p.parties} == {"accepted"}
    assert p.version == version + 2
    assert confirmations(pid) == 1
    assert [e.action for e in p.events] == ["create", "publish", "accept", "accept"]


@pytest.mark.parametrize("attempt", range(5))
def test_racing_acceptances_without_a_pause_still_end_confirmed_once(
    app: Flask, attempt: int
) -> None:
    pair = make_pair()
    pid, version = pair.proposal.id, reload(pair.proposal.id).version
    start = threading.Barrier(2)
    coast, hills = pair.coast.id, pair.hills.id

    def accept_for(pesantren_id: int) -> Callable[[Proposal], Any]:
        def action(p: Proposal) -> Any:
            start.wait(30)
            return proposals.accept(p, pesantren_id)

        return action

    threads = [run_in_thread(app, pid, accept_for(x)) for x in (coast, hills)]
    for thread, _ in threads:
        thread.join(60)
    outcomes = [out for _, out in threads]
    assert all("error" not in out for out in outcomes), outcomes
    p = reload(pid)
    assert p.state == "confirmed"
    assert p.version == version + 2
    assert confirmations(pid) == 1


def competing_trades() -> tuple[int, int, int, list[int]]:
    """Two published trades each wanting 20 of an offer that has 30; buyers still to accept."""
    seller = make_pesantren("3529")
    buyers = [make_pesantren("3579"), make_pesantren("3578")]
    make_product("ikan-asin")
    offer = make_listing(seller, "offer", quantity=Decimal("30"))
    ids = []
    for buyer in buyers:
        need = make_listing(buyer, "need", quantity=Decimal("50"))
        ids.append(add_plan("trade", [(offer, need, 20)]).id)
    db.session.commit()
    for pid in ids:
        p = reload(pid)
        proposals.publish(p)
        proposals.accept(p, seller.id)
    return ids[0], ids[1], offer.id, [b.id for b in buyers]


def test_two_proposals_racing_for_an_offers_last_quantity_confirm_only_one(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_id, second_id, offer_id, (buyer_1, buyer_2) = competing_trades()
    paused = PauseFirstCall(proposal_checks.listing_capacities)
    monkeypatch.setattr(proposal_checks, "listing_capacities", paused)

    first, first_out = run_in_thread(app, first_id, lambda p: proposals.accept(p, buyer_1))
    assert paused.entered.wait(30)  # first holds the offer's row lock now
    second, second_out = run_in_thread(app, second_id, lambda p: proposals.accept(p, buyer_2))
    wait_until_a_transaction_waits_for_a_lock()
    paused.release.set()
    first.join(60)
    second.join(60)

    assert first_out.get("state") == "confirmed", first_out
    error = second_out.get("error")
    assert isinstance(error, ConflictError), second_out
    offer = db.session.get(Listing, offer_id)
    assert f"The listing of {offer.product.name('en')}, {offer.pesantren.name}" in str(error)
    assert "only 10" in str(error)
    loser = reload(second_id)
    assert loser.state == "accepted_by_some"
    assert {pt.pesantren_id: pt.response for pt in loser.parties}[buyer_2] == "pending"
    assert confirmations(first_id) == 1
    assert confirmations(second_id) == 0
    from webapp.market_io import reserved_quantities

    assert reserved_quantities(db.session, [offer_id]) == {offer_id: 20.0}


@pytest.mark.parametrize("attempt", range(3))
def test_racing_for_the_last_quantity_without_a_pause_never_over_commits(
    app: Flask, attempt: int
) -> None:
    first_id, second_id, offer_id, buyers = competing_trades()
    start = threading.Barrier(2)

    def accept_for(pesantren_id: int) -> Callable[[Proposal], Any]:
        def action(p: Proposal) -> Any:
            start.wait(30)
            return proposals.accept(p, pesantren_id)

        return action

    threads = [
        run_in_thread(app, pid, accept_for(buyer))
        for pid, buyer in zip((first_id, second_id), buyers, strict=True)
    ]
    for thread, _ in threads:
        thread.join(60)
    outcomes = [out for _, out in threads]
    assert sorted(out.get("state", "conflict") for out in outcomes) == ["confirmed", "conflict"]
    assert sum(isinstance(out.get("error"), ConflictError) for out in outcomes) == 1
    from webapp.market_io import reserved_quantities

    assert reserved_quantities(db.session, [offer_id]) == {offer_id: 20.0}


def test_an_answer_based_on_an_outdated_page_is_a_conflict(app: Flask) -> None:
    pair = make_pair()
    pid = pair.proposal.id
    seen_version = reload(pid).version
    coast, hills = pair.coast.id, pair.hills.id
    thread, out = run_in_thread(app, pid, lambda p: proposals.decline(p, coast, None, "price"))
    thread.join(60)
    assert out["state"] == "declined"
    thread, out = run_in_thread(
        app, pid, lambda p: proposals.accept(p, hills, expected_version=seen_version)
    )
    thread.join(60)
    assert isinstance(out["error"], ConflictError)
    assert reload(pid).state == "declined"
