"""Proposals stored straight from engine plans, for tests that need one in a given state."""

from __future__ import annotations

import datetime as dt

from matcher.results import Leg, Plan
from webapp.models import MatchRound, Proposal, db
from webapp.rounds import store_plans


def make_round() -> MatchRound:
    round_ = MatchRound(status="draft", as_of=dt.date(2026, 11, 30))
    db.session.add(round_)
    db.session.flush()
    return round_


def add_plan(kind: str, legs: list[tuple], state: str = "draft") -> Proposal:
    """Store a proposal from ``(offer, need, quantity)`` triples and force its state."""
    plan = Plan(
        kind=kind,  # type: ignore[arg-type]
        score=0.8,
        legs=tuple(
            Leg(
                giver_id=offer.pesantren_id,
                receiver_id=need.pesantren_id,
                offer_id=offer.id,
                need_id=need.id,
                product=offer.product.slug,
                quantity=float(qty),
                unit_price=float(offer.price),
                distance_km=10.0,
                score=0.8,
            )
            for offer, need, qty in legs
        ),
    )
    (proposal_id,), _ = store_plans(db.session, make_round(), [plan])
    proposal = db.session.get(Proposal, proposal_id)
    proposal.state = state
    db.session.flush()
    return proposal
