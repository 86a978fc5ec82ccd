"""What publishing a round will send, and the signed token that confirms it.

The facilitator sees :func:`publish_summary` (how many draft proposals go out, to how many
pesantren, their total value per month) before publishing; the page carries a token from
:func:`confirmation_token`, and the publish only goes ahead when :func:`check_confirmation`
accepts it. The token (``itsdangerous``, keyed by ``SECRET_KEY``) names the round and a
fingerprint of its drafts (their number and the sum of their versions): a veto, keep or
reduction after the summary was shown changes the fingerprint, so the facilitator confirms
what is actually sent. It lasts ``PUBLISH_CONFIRMATION_SECONDS`` (default an hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..models import MatchRound, Proposal, ProposalParty, db

__all__ = [
    "CONFIRMATION_MAX_AGE",
    "PublishSummary",
    "check_confirmation",
    "confirmation_token",
    "publish_summary",
]

CONFIRMATION_MAX_AGE = 3600
_SALT = "publish-round"


@dataclass(frozen=True)
class PublishSummary:
    """What publishing ``round_id`` sends now."""

    round_id: int
    proposals: int
    pesantren: int
    value_idr: Decimal
    by_kind: dict[str, int]
    vetoed: int
    fingerprint: tuple[int, int]


def publish_summary(round_: MatchRound) -> PublishSummary:
    """Count the round's draft proposals, their distinct pesantren and total value."""
    session = db.session
    drafts = (Proposal.round_id == round_.id) & (Proposal.state == "draft")
    count, value, versions = session.execute(
        select(
            func.count(Proposal.id),
            func.coalesce(func.sum(Proposal.value_idr), 0),
            func.coalesce(func.sum(Proposal.version), 0),
        ).where(drafts)
    ).one()
    pesantren = session.scalar(
        select(func.count(func.distinct(ProposalParty.pesantren_id)))
        .join(Proposal, Proposal.id == ProposalParty.proposal_id)
        .where(drafts)
    )
    by_kind = dict(
        session.execute(
            select(Proposal.kind, func.count()).where(drafts).group_by(Proposal.kind)
        ).all()
    )
    vetoed = session.scalar(
        select(func.count(Proposal.id)).where(
            Proposal.round_id == round_.id, Proposal.state == "cancelled"
        )
    )
    return PublishSummary(
        round_id=round_.id,
        proposals=int(count or 0),
        pesantren=int(pesantren or 0),
        value_idr=Decimal(value or 0),
        by_kind={str(k): int(v) for k, v in by_kind.items()},
        vetoed=int(vetoed or 0),
        fingerprint=(int(count or 0), int(versions or 0)),
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def confirmation_token(summary: PublishSummary) -> str:
    """A token that confirms publishing exactly what ``summary`` describes."""
    return str(_serializer().dumps([summary.round_id, *summary.fingerprint]))


def check_confirmation(token: str, summary: PublishSummary) -> str | None:
    """``None`` when ``token`` confirms ``summary`` (the round as it is now); otherwise why
    not: ``"missing"``, ``"invalid"``, ``"expired"`` or ``"changed"``."""
    if not token:
        return "missing"
    max_age = int(current_app.config.get("PUBLISH_CONFIRMATION_SECONDS", CONFIRMATION_MAX_AGE))
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return "expired"
    except BadSignature:
        return "invalid"
    if not isinstance(payload, list) or len(payload) != 3 or payload[0] != summary.round_id:
        return "invalid"
    if tuple(payload[1:]) != summary.fingerprint:
        return "changed"
    return None
