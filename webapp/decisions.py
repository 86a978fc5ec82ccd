"""A facilitator's decisions that outlive the round they were taken in: vetoes and caps.

A round is re-planned from scratch every week; without memory, a pairing a facilitator
vetoed comes back identical next week, and a trade they trimmed comes back at full size.
So the two decisions are recorded per *pairing* (an offer listing matched to a need
listing: one proposal leg) in :class:`~webapp.models.PairingDecision`:

- a **veto** (:func:`record_veto`, called by :func:`webapp.proposals.veto`) keeps every
  pairing of the vetoed proposal out of the rounds for ``VETO_WEEKS`` (default 8) weeks, or
  until a facilitator lifts it (:func:`lift`). The round hands the vetoed pairings to the
  engine with the declined ones (``exclude_pairs``), so other partners take their place;
- a **cap** (:func:`record_caps`, called by :func:`webapp.proposals.reduce`) limits the
  quantity of that pairing in every later round until lifted. The round applies the caps to
  the engine's plans before storing them (:func:`apply_caps`): a trade leg is cut to its
  cap; a barter is scaled as a whole by its smallest ratio, so it stays value-balanced.

Both are listed, with who and why, on the facilitator's "decisions" page, and the round
comparison names them as the facilitator's decision rather than as re-optimisation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from flask import current_app, has_app_context
from sqlalchemy import insert, or_, select

from matcher.results import Plan

from .models import DbSession, PairingDecision, Proposal, ProposalLeg, User, utcnow

__all__ = [
    "Pairing",
    "active_decisions",
    "apply_caps",
    "lift",
    "pair_caps",
    "record_caps",
    "record_veto",
    "record_vetoes",
    "vetoed_pairs",
]

#: ``(offer_id, need_id)``: one offer listing matched to one need listing.
Pairing = tuple[int, int]
DEFAULT_VETO_WEEKS = 8


def veto_period() -> dt.timedelta:
    """How long a veto holds (``VETO_WEEKS``)."""
    weeks = current_app.config.get("VETO_WEEKS", DEFAULT_VETO_WEEKS) if has_app_context() else None
    return dt.timedelta(weeks=float(weeks or DEFAULT_VETO_WEEKS))


def record_veto(session: DbSession, p: Proposal, user: User | None, reason: str) -> None:
    """Keep each pairing of ``p`` out of the rounds for :func:`veto_period` (no commit)."""
    now = utcnow()
    pairings = dict.fromkeys(((leg.offer_id, leg.need_id) for leg in p.legs), None)
    _record(session, p, user, reason, "veto", pairings, now, expires_at=now + veto_period())


def record_vetoes(
    session: DbSession, proposal_ids: list[int], user: User | None, reason: str
) -> int:
    """:func:`record_veto` for many proposals at once, set-based (a bulk veto of a filtered
    round can cover thousands); returns how many pairings were recorded (no commit)."""
    if not proposal_ids:
        return 0
    now = utcnow()
    pairings = session.execute(
        select(ProposalLeg.proposal_id, ProposalLeg.offer_id, ProposalLeg.need_id)
        .where(ProposalLeg.proposal_id.in_(proposal_ids))
        .distinct()
        .order_by(ProposalLeg.proposal_id, ProposalLeg.offer_id, ProposalLeg.need_id)
    ).all()
    rows = [
        {
            "kind": "veto",
            "offer_id": offer_id,
            "need_id": need_id,
            "quantity": None,
            "reason": reason,
            "proposal_id": pid,
            "created_at": now,
            "created_by_id": user.id if user is not None else None,
            "expires_at": now + veto_period(),
        }
        for pid, offer_id, need_id in pairings
    ]
    if rows:
        session.execute(insert(PairingDecision), rows)
    return len(rows)


def record_caps(session: DbSession, p: Proposal, user: User | None, reason: str) -> None:
    """Cap each pairing of ``p`` at its (just reduced) leg quantity (no commit).

    An earlier active cap on the same pairing is replaced (lifted by this one)."""
    now = utcnow()
    pairings: dict[Pairing, Decimal | None] = {
        (leg.offer_id, leg.need_id): leg.quantity for leg in p.legs
    }
    for old in _active(session, now, "cap"):
        if (old.offer_id, old.need_id) in pairings:
            old.lifted_at, old.lifted_by_id = now, user.id if user is not None else None
    _record(session, p, user, reason, "cap", pairings, now, expires_at=None)


def _record(
    session: DbSession,
    p: Proposal,
    user: User | None,
    reason: str,
    kind: str,
    pairings: dict[Pairing, Decimal | None],
    now: dt.datetime,
    *,
    expires_at: dt.datetime | None,
) -> None:
    for (offer_id, need_id), quantity in sorted(pairings.items()):
        session.add(
            PairingDecision(
                kind=kind,
                offer_id=offer_id,
                need_id=need_id,
                quantity=quantity,
                reason=reason,
                proposal_id=p.id,
                created_at=now,
                created_by_id=user.id if user is not None else None,
                expires_at=expires_at,
            )
        )


def lift(session: DbSession, decision: PairingDecision, user: User | None) -> None:
    """End ``decision`` now (commits): the pairing is free again from the next round on."""
    if decision.lifted_at is None:
        decision.lifted_at = utcnow()
        decision.lifted_by_id = user.id if user is not None else None
    session.commit()


def active_decisions(
    session: DbSession, now: dt.datetime | None = None, kind: str | None = None
) -> list[PairingDecision]:
    """The decisions in force at ``now`` (default: now), newest first."""
    return _active(session, now or utcnow(), kind)


def vetoed_pairs(session: DbSession, now: dt.datetime | None = None) -> frozenset[Pairing]:
    """The pairings no round may propose at ``now``."""
    return frozenset((d.offer_id, d.need_id) for d in _active(session, now or utcnow(), "veto"))


def pair_caps(session: DbSession, now: dt.datetime | None = None) -> dict[Pairing, float]:
    """The largest quantity (base unit per month) a round may propose per capped pairing."""
    caps: dict[Pairing, float] = {}
    for d in _active(session, now or utcnow(), "cap"):
        key = (d.offer_id, d.need_id)
        caps[key] = min(caps.get(key, float("inf")), float(d.quantity or 0))
    return caps


def apply_caps(plans: Iterable[Plan], caps: dict[Pairing, float]) -> tuple[list[Plan], int]:
    """``plans`` with every capped leg cut to its cap; how many plans were cut.

    A trade's legs are cut one by one; a barter is scaled as a whole by the smallest ratio
    of its legs, so every party still gives as much value as it receives.
    """
    out: list[Plan] = []
    cut = 0
    for plan in plans:
        ratios = [
            caps[(leg.offer_id, leg.need_id)] / leg.quantity
            for leg in plan.legs
            if (leg.offer_id, leg.need_id) in caps
            and leg.quantity > caps[(leg.offer_id, leg.need_id)] + 1e-9
        ]
        if not ratios:
            out.append(plan)
            continue
        cut += 1
        if plan.kind == "trade":
            legs = tuple(
                dataclasses.replace(leg, quantity=min(leg.quantity, caps[key]))
                if (key := (leg.offer_id, leg.need_id)) in caps
                else leg
                for leg in plan.legs
            )
        else:
            scale = min(ratios)
            legs = tuple(
                dataclasses.replace(leg, quantity=leg.quantity * scale) for leg in plan.legs
            )
        out.append(dataclasses.replace(plan, legs=legs))
    return out, cut


def _active(session: DbSession, now: dt.datetime, kind: str | None) -> list[PairingDecision]:
    stmt = (
        select(PairingDecision)
        .where(
            PairingDecision.lifted_at.is_(None),
            or_(PairingDecision.expires_at.is_(None), PairingDecision.expires_at > now),
        )
        .order_by(PairingDecision.created_at.desc(), PairingDecision.id.desc())
    )
    if kind is not None:
        stmt = stmt.where(PairingDecision.kind == kind)
    return list(session.scalars(stmt))
