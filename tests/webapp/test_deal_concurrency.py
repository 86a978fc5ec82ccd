"""Two people ending the same deal at once (PostgreSQL, two real connections): one completes,
the other cancels; exactly one wins, the other is refused, and the deal ends once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from tests.webapp.concurrency_helpers import _postgres_only, reload, run_in_thread  # noqa: F401
from tests.webapp.proposal_helpers import make_pair
from webapp import proposals
from webapp.models import Proposal, ProposalEvent, db
from webapp.proposals import ProposalError


@pytest.mark.parametrize("attempt", range(3))
def test_completing_and_cancelling_at_once_end_the_deal_exactly_once(
    app: Flask, attempt: int
) -> None:
    pair = make_pair("confirmed")
    pid = pair.proposal.id
    leg_id = reload(pid).legs[0].id
    start = threading.Barrier(2)
    coast, hills = pair.officer_coast.id, pair.officer_hills.id

    def as_user(user_id: int, act: Callable[[Proposal, Any], Any]) -> Callable[[Proposal], Any]:
        def action(p: Proposal) -> Any:
            from webapp.models import User

            user = db.session.get(User, user_id)
            start.wait(30)
            return act(p, user)

        return action

    threads = [
        run_in_thread(
            app,
            pid,
            as_user(coast, lambda p, u: proposals.complete(p, u, {leg_id: Decimal("5")})),
        ),
        run_in_thread(app, pid, as_user(hills, lambda p, u: proposals.cancel(p, u, "batal"))),
    ]
    for thread, _ in threads:
        thread.join(60)
    outcomes = [out for _, out in threads]
    winners = [out for out in outcomes if "error" not in out]
    losers = [out for out in outcomes if "error" in out]
    assert len(winners) == 1, outcomes
    assert isinstance(losers[0]["error"], ProposalError)
    p = reload(pid)
    assert p.state == winners[0]["state"]
    endings = db.session.scalars(
        db.select(ProposalEvent.action).where(
            ProposalEvent.proposal_id == pid, ProposalEvent.action.in_(("complete", "cancel"))
        )
    ).all()
    assert endings == ["complete" if p.state == "completed" else "cancel"]
    delivered = {leg.id: leg.delivered_quantity for leg in p.legs}
    if p.state == "completed":
        assert delivered[leg_id] == Decimal("5")
    else:
        assert set(delivered.values()) == {None}
