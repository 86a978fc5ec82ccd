"""Confirmed deals that should have ended: the facilitator's list of overdue completions.

A confirmed proposal is expected to end (completed, with what was delivered, or cancelled with
a reason) within ``DEAL_COMPLETION_WEEKS`` weeks (app config, default 6) of its confirmation.
One still ``confirmed`` after that is *overdue*: :func:`overdue_deals` lists it for the
facilitator dashboard and the facilitator's weekly report, each with the proposal's page where
the deal can be completed or cancelled. The transitions themselves live in
:mod:`webapp.proposals`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .models import DbSession, Proposal, ProposalEvent, utcnow

__all__ = ["DEFAULT_COMPLETION_WEEKS", "OverdueDeal", "completion_weeks", "overdue_deals"]

DEFAULT_COMPLETION_WEEKS = 6


@dataclass(frozen=True)
class OverdueDeal:
    proposal_id: int
    kind: str
    value_idr: Decimal
    confirmed_at: dt.datetime
    days: int  # since confirmation
    parties: tuple[str, ...]


def completion_weeks() -> int:
    """``DEAL_COMPLETION_WEEKS`` from the app config (a positive whole number of weeks)."""
    weeks = int(current_app.config.get("DEAL_COMPLETION_WEEKS", DEFAULT_COMPLETION_WEEKS))
    if weeks < 1:
        raise ValueError(f"DEAL_COMPLETION_WEEKS must be at least 1, not {weeks}")
    return weeks


def overdue_deals(
    session: DbSession,
    as_of: dt.datetime | None = None,
    weeks: int | None = None,
    limit: int | None = None,
) -> list[OverdueDeal]:
    """Proposals still ``confirmed`` more than ``weeks`` weeks after their confirmation (the
    last event that made them ``confirmed``) at ``as_of`` (default now), oldest first."""
    as_of = as_of or utcnow()
    weeks = completion_weeks() if weeks is None else weeks
    cutoff = as_of - dt.timedelta(weeks=weeks)
    confirmed_at = (
        select(ProposalEvent.proposal_id, func.max(ProposalEvent.at).label("at"))
        .where(ProposalEvent.to_state == "confirmed")
        .group_by(ProposalEvent.proposal_id)
        .subquery()
    )
    query = (
        select(Proposal, confirmed_at.c.at)
        .join(confirmed_at, confirmed_at.c.proposal_id == Proposal.id)
        .where(Proposal.state == "confirmed", confirmed_at.c.at <= cutoff)
        .order_by(confirmed_at.c.at, Proposal.id)
        .options(selectinload(Proposal.parties))
    )
    if limit is not None:
        query = query.limit(limit)
    out = []
    for proposal, at in session.execute(query).all():
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        out.append(
            OverdueDeal(
                proposal_id=proposal.id,
                kind=proposal.kind,
                value_idr=Decimal(proposal.value_idr),
                confirmed_at=at,
                days=(as_of - at).days,
                parties=tuple(p.pesantren.name for p in proposal.parties),
            )
        )
    return out
