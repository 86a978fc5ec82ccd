"""Publishing a round (answer deadlines, superseding older rounds) and expiring the
standing proposals whose deadline passed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy import insert, select, update

from ..formatting import request_gettext as _
from ..models import (
    ANSWERABLE_STATES,
    DbSession,
    MatchRound,
    Proposal,
    ProposalEvent,
    User,
    db,
    utcnow,
)
from ..proposal_checks import ProposalError
from .errors import RoundError

__all__ = ["expire_overdue", "publish_round", "response_period"]

DEFAULT_RESPONSE_DAYS = 14


def publish_round(round_: MatchRound, user: User | None = None) -> MatchRound:
    """``draft → published`` for the round and its draft proposals; supersede older rounds.

    Each published proposal gets its answer deadline (``respond_by``, ``PROPOSAL_RESPONSE_DAYS``
    from now). Older published rounds, and older draft rounds, become ``superseded``; their
    never-published proposals expire, their standing ones carry on (see the module
    docstring). Vetoed (cancelled) proposals stay cancelled. One transaction.

    Publishes are serialised: every open (draft or published) round is locked first, in id
    order, so two facilitators publishing at once never deadlock; the second waits, then
    finds its round published or superseded and gets a :class:`RoundError` saying so.
    """
    session = db.session
    if user is not None and user.role not in ("facilitator", "admin"):
        raise ProposalError(_("Only a facilitator may publish a round."))
    try:
        session.execute(
            select(MatchRound.id)
            .where(MatchRound.status.in_(("draft", "published")) | (MatchRound.id == round_.id))
            .order_by(MatchRound.id)
            .with_for_update(of=MatchRound)
        ).all()
        now = utcnow()
        # The round's own status change is the first write: on SQLite it takes the database's
        # write lock, so of two publishers exactly one sees the round still draft.
        claimed = session.execute(
            update(MatchRound)
            .where(MatchRound.id == round_.id, MatchRound.status == "draft")
            .values(status="published", published_at=now)
            .execution_options(synchronize_session=False)
        )
        locked = session.execute(
            select(MatchRound)
            .where(MatchRound.id == round_.id)
            .execution_options(populate_existing=True)
        ).scalar_one()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise RoundError(
                _("Round %(id)s is %(status)s, not draft.", id=locked.id, status=locked.status)
            )
        _bulk_transition(
            session,
            (Proposal.round_id == locked.id) & (Proposal.state == "draft"),
            "publish",
            "published",
            user,
            respond_by=now + response_period(),
        )
        older = session.scalars(
            select(MatchRound)
            .where(
                MatchRound.id != locked.id,
                (MatchRound.status == "published")
                | ((MatchRound.status == "draft") & (MatchRound.id < locked.id)),
            )
            .with_for_update(of=MatchRound)
        ).all()
        for old in older:
            old.status = "superseded"
        if older:
            _bulk_transition(
                session,
                Proposal.round_id.in_([old.id for old in older]) & (Proposal.state == "draft"),
                "expire",
                "expired",
                user,
                reason=f"superseded by round {locked.id}",
            )
        _expire_overdue(session, now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return locked


def response_period() -> dt.timedelta:
    """How long the parties of a published proposal have to answer (``PROPOSAL_RESPONSE_DAYS``)."""
    return dt.timedelta(
        days=float(current_app.config.get("PROPOSAL_RESPONSE_DAYS", DEFAULT_RESPONSE_DAYS))
    )


def expire_overdue(session: DbSession | None = None, now: dt.datetime | None = None) -> int:
    """Expire the standing proposals whose answer deadline has passed (commits); how many.

    Run as each round starts and is published (and by the weekly report), so an unanswered
    proposal holds its quantities exactly until its deadline."""
    session = session if session is not None else db.session
    try:
        count = _expire_overdue(session, now or utcnow())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return count


def _expire_overdue(session: DbSession, now: dt.datetime) -> int:
    return _bulk_transition(
        session,
        Proposal.state.in_(ANSWERABLE_STATES)
        & Proposal.respond_by.is_not(None)
        & (Proposal.respond_by < now),
        "expire",
        "expired",
        None,
        reason="no answer from every party by the deadline",
        channel="system",
    )


def _bulk_transition(
    session: DbSession,
    condition: Any,
    action: str,
    to_state: str,
    user: User | None,
    reason: str = "",
    *,
    channel: str = "web",
    respond_by: dt.datetime | None = None,
) -> int:
    """Move every proposal matching ``condition`` to ``to_state``, recording one event each
    (and setting ``respond_by`` when given).

    The rows are locked first (an officer answering one of them at the same moment either
    finishes before, and the condition is checked again on the new row, or waits).
    Set-based: a round can hold thousands of proposals.
    """
    rows = session.execute(
        select(Proposal.id, Proposal.state)
        .where(condition)
        .order_by(Proposal.id)
        .with_for_update(of=Proposal)
    ).all()
    if not rows:
        return 0
    now = utcnow()
    session.execute(
        update(Proposal)
        .where(Proposal.id.in_([pid for pid, _state in rows]))
        .values(
            state=to_state,
            version=Proposal.version + 1,
            updated_at=now,
            **({"respond_by": respond_by} if respond_by is not None else {}),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        insert(ProposalEvent),
        [
            {
                "proposal_id": pid,
                "at": now,
                "user_id": user.id if user is not None else None,
                "action": action,
                "from_state": state,
                "to_state": to_state,
                "reason": reason,
                "channel": channel,
            }
            for pid, state in rows
        ],
    )
    return len(rows)
