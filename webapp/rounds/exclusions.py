"""The pairings a new round must not propose: those of standing proposals and those a
party declined recently (the facilitator's vetoes are in :mod:`webapp.decisions`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from ..models import (
    ANSWERABLE_STATES,
    DbSession,
    Proposal,
    ProposalEvent,
    ProposalLeg,
)

__all__ = ["declined_pairs", "standing_pairs"]


def standing_pairs(session: DbSession) -> frozenset[tuple[int, int]]:
    """``(offer_id, need_id)`` of every leg of the standing proposals: the new round must not
    propose them again beside the open proposal (it plans around their quantities)."""
    rows = session.execute(
        select(ProposalLeg.offer_id, ProposalLeg.need_id)
        .join(Proposal, Proposal.id == ProposalLeg.proposal_id)
        .where(Proposal.state.in_(ANSWERABLE_STATES))
        .distinct()
    )
    return frozenset((int(offer), int(need)) for offer, need in rows)


def declined_pairs(session: DbSession, since: dt.datetime) -> frozenset[tuple[int, int]]:
    """``(offer_id, need_id)`` of the declined legs of proposals declined at or after ``since``.

    A party that declined a pairing should not see it proposed again next week: the round
    passes these to the engine (``matcher.run_round(..., exclude_pairs=...)``), which drops
    them before ranking, so other partners take their place. Only the legs the declining
    pesantren takes part in (gives or receives) count as declined: in a barter ring
    A → B → C → A declined by B, C's sale to A was not refused and may be proposed again.
    A decline with no pesantren recorded excludes every leg.
    """
    rows = session.execute(
        select(ProposalLeg.offer_id, ProposalLeg.need_id)
        .join(Proposal, Proposal.id == ProposalLeg.proposal_id)
        .join(ProposalEvent, ProposalEvent.proposal_id == Proposal.id)
        .where(
            Proposal.state == "declined",
            ProposalEvent.action == "decline",
            ProposalEvent.at >= since,
            or_(
                ProposalEvent.pesantren_id.is_(None),
                ProposalLeg.giver_id == ProposalEvent.pesantren_id,
                ProposalLeg.receiver_id == ProposalEvent.pesantren_id,
            ),
        )
        .distinct()
    )
    return frozenset((int(offer), int(need)) for offer, need in rows)
