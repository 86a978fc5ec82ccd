"""Bulk review of a draft round: veto (with one reason) or keep many proposals at once.

The proposals are the checked selection or the whole filtered set
(:func:`webapp.rounds.review.filtered_ids`); only the round's ``draft`` proposals change,
whatever else the ids name. A bulk veto is exactly the single veto applied to each: the same
reason rule (:func:`webapp.proposals.required_reason`), ``draft → cancelled`` with an event
each, and each pairing kept out of later rounds (:func:`webapp.decisions.record_vetoes`). A
keep records a ``keep`` event (the proposal stays ``draft``), so the review can tell what
has been looked at. Set-based, one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select, update

from ..decisions import record_vetoes
from ..formatting import request_gettext as _
from ..models import NETWORK_ROLES, MatchRound, Proposal, User, db, utcnow
from ..proposal_checks import ProposalError, required_reason
from .errors import RoundError
from .publish import _bulk_transition

__all__ = ["BULK_ACTIONS", "bulk_review"]

BULK_ACTIONS = ("veto", "keep")


def bulk_review(
    round_: MatchRound,
    user: User | None,
    action: str,
    targets: Select[Any] | Iterable[int],
    reason: str = "",
) -> int:
    """Veto or keep the round's draft proposals among ``targets`` (ids, or a ``SELECT`` of
    ids); returns how many changed.

    Raises :class:`ProposalError` for an unknown action, a veto without a valid reason or a
    user who is not a facilitator, and :class:`RoundError` when the round is no longer
    draft (checked under the same lock a publish takes, so the two never interleave).
    """
    if action not in BULK_ACTIONS:
        raise ProposalError(_("Unknown bulk action '%(action)s'.", action=action))
    if user is not None and user.role not in NETWORK_ROLES:
        what = _("veto") if action == "veto" else _("keep")
        raise ProposalError(_("Only a facilitator may %(action)s a proposal.", action=what))
    text = required_reason(reason) if action == "veto" else (reason or "").strip()[:500]
    ids: Any = targets if isinstance(targets, Select) else sorted({int(i) for i in targets})
    session = db.session
    try:
        # First write: on SQLite it takes the write lock; on PostgreSQL the row lock that
        # publish_round also takes. A round published meanwhile matches nothing here.
        claimed = session.execute(
            update(MatchRound)
            .where(MatchRound.id == round_.id, MatchRound.status == "draft")
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            status = session.scalar(select(MatchRound.status).where(MatchRound.id == round_.id))
            raise RoundError(
                _("Round %(id)s is %(status)s, not draft.", id=round_.id, status=status)
            )
        condition = (
            (Proposal.round_id == round_.id) & (Proposal.state == "draft") & Proposal.id.in_(ids)
        )
        if action == "veto":
            locked = list(
                session.scalars(
                    select(Proposal.id)
                    .where(condition)
                    .order_by(Proposal.id)
                    .with_for_update(of=Proposal)
                )
            )
            count = _bulk_transition(
                session, Proposal.id.in_(locked), "veto", "cancelled", user, text
            )
            record_vetoes(session, locked, user, text)
        else:
            count = _bulk_transition(session, condition, "keep", "draft", user, text)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return count
