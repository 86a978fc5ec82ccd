"""The proposal state machine: publish, accept, decline, veto, reduce, complete, expire, cancel.

::

    draft ──publish──▶ published ──accept──▶ accepted_by_some ──last accept──▶ confirmed ──▶ completed
      │                   │   │                    │                               │
      └─veto/expire───────┴───┴──decline / expire──┴──▶ declined / expired         └─cancel─▶ cancelled
                          (veto/cancel ▶ cancelled)

Each function is one unit of work: it locks the proposal row (``SELECT … FOR UPDATE`` on
PostgreSQL), re-reads its state and parties, checks the transition, applies it, records a
:class:`~webapp.models.ProposalEvent` and commits. On any error it rolls back and changes
nothing. Two people answering the same proposal at once are therefore serialised: the second
sees the first's answer (so a barter pair accepted by both sides at the same moment ends
``confirmed``, once). A caller holding a copy loaded earlier can pass ``expected_version``
(the form's hidden ``version``) to refuse acting on a proposal that changed meanwhile; the
model's ``version_id_col`` guards every UPDATE as well, and a :class:`StaleDataError` becomes a
:class:`ConflictError`.

Confirming reserves quantities. Before the last accept turns a proposal ``confirmed``, the
listings it draws on are locked (in id order, so two confirmations never deadlock) and each
listing's quantity (base unit per month) minus what *other* confirmed proposals hold must
cover this proposal's legs; otherwise :class:`ConflictError` names the short listing and the
proposal stays as it was. Declined, expired and cancelled proposals hold nothing; a completed
one holds only what was delivered.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import has_request_context
from sqlalchemy import select
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import StaleDataError

from .decisions import record_caps, record_veto
from .formatting import request_gettext as _
from .formatting import state_label
from .models import (
    ANSWERABLE_STATES,
    DECLINE_REASONS,
    NETWORK_ROLES,
    RESERVING_STATES,
    DbSession,
    Proposal,
    ProposalEvent,
    ProposalLeg,
    ProposalParty,
    User,
    db,
    utcnow,
)
from .proposal_checks import (
    ConflictError,
    DeliveryError,
    ProposalError,
    check_capacity,
    check_note,
    decline_problem,
    delivered_quantities,
    leg_name,
    quantize_quantity,
    required_reason,
    shown_quantity,
)

__all__ = [
    "ANSWERABLE_STATES",
    "DECLINE_REASONS",
    "FINAL_STATES",
    "ConflictError",
    "DeliveryError",
    "ProposalError",
    "accept",
    "cancel",
    "complete",
    "decline",
    "expire",
    "history",
    "publish",
    "record_transition",
    "reduce",
    "required_reason",
    "reserving",
    "veto",
]

#: States nothing leaves.
FINAL_STATES = ("completed", "declined", "expired", "cancelled")
_IDR = Decimal("0.01")


# -- public transitions ------------------------------------------------------------------


def publish(
    p: Proposal, user: User | None = None, *, expected_version: int | None = None
) -> Proposal:
    """``draft → published`` (facilitator)."""
    with _transition(p, expected_version) as session:
        _require_network(user, _("publish"))
        _require_state(p, ("draft",), _("publish"))
        record_transition(session, p, "publish", "published", user)
    return p


def accept(
    p: Proposal,
    pesantren_id: int,
    user: User | None = None,
    *,
    expected_version: int | None = None,
    channel: str = "web",
) -> Proposal:
    """Record ``pesantren_id``'s acceptance; the last acceptance confirms (and reserves).

    Raises :class:`ConflictError` when a listing cannot cover the legs any more.
    """
    with _transition(p, expected_version) as session:
        party = _party(p, pesantren_id, user)
        _require_state(p, ANSWERABLE_STATES, _("accept"))
        _require_open(p)
        if party.response == "accepted":
            raise ProposalError(
                _("Pesantren %(id)s has already accepted this proposal.", id=pesantren_id)
            )
        _respond(party, "accepted", user)
        if all(pt.response == "accepted" for pt in p.parties):
            check_capacity(session, p)
            to_state = "confirmed"
        else:
            to_state = "accepted_by_some"
        record_transition(
            session, p, "accept", to_state, user, pesantren_id=pesantren_id, channel=channel
        )
    return p


def decline(
    p: Proposal,
    pesantren_id: int,
    user: User | None = None,
    reason: str = "",
    note: str = "",
    *,
    expected_version: int | None = None,
    channel: str = "web",
) -> Proposal:
    """``pesantren_id`` declines with ``reason`` (one of :data:`DECLINE_REASONS`): the
    proposal becomes ``declined`` and holds nothing; the next round re-solves around it."""
    with _transition(p, expected_version) as session:
        party = _party(p, pesantren_id, user)
        _require_state(p, ANSWERABLE_STATES, _("decline"))
        _require_open(p)
        problem = decline_problem(reason, note)
        if problem:
            raise ProposalError(problem)
        note = check_note(note)
        _respond(party, "declined", user, reason=reason)
        text = f"{reason}: {note}" if note else reason
        record_transition(
            session,
            p,
            "decline",
            "declined",
            user,
            pesantren_id=pesantren_id,
            reason=text,
            channel=channel,
        )
    return p


def veto(
    p: Proposal, user: User | None, reason: str, *, expected_version: int | None = None
) -> Proposal:
    """A facilitator withdraws a ``draft`` or ``published`` proposal: ``→ cancelled``.

    Its pairings stay out of later rounds for ``VETO_WEEKS`` (:mod:`webapp.decisions`)."""
    with _transition(p, expected_version) as session:
        _require_network(user, _("veto"))
        _require_state(p, ("draft", "published"), _("veto"))
        reason = required_reason(reason)
        record_transition(session, p, "veto", "cancelled", user, reason=reason)
        record_veto(session, p, user, reason)
    return p


def cancel(
    p: Proposal,
    user: User | None,
    reason: str,
    *,
    expected_version: int | None = None,
    channel: str = "web",
) -> Proposal:
    """Call a proposal off with ``reason``: ``→ cancelled``, releasing what it held.

    A facilitator may cancel any open or confirmed proposal; an officer of a party may
    cancel its own *confirmed* deal (the event names the pesantren, so the cancellation
    counts against its track record).
    """
    with _transition(p, expected_version) as session:
        pesantren_id = None
        if user is not None and user.role not in NETWORK_ROLES:
            pesantren_id = _party(p, user.pesantren_id or 0, user).pesantren_id
            _require_state(p, ("confirmed",), _("cancel"))
        else:
            _require_state(p, ("draft", "published", "accepted_by_some", "confirmed"), _("cancel"))
        record_transition(
            session,
            p,
            "cancel",
            "cancelled",
            user,
            pesantren_id=pesantren_id,
            reason=required_reason(reason),
            channel=channel,
        )
    return p


def complete(
    p: Proposal,
    user: User | None = None,
    delivered: Mapping[int, float | Decimal] | None = None,
    *,
    expected_version: int | None = None,
    channel: str = "web",
) -> Proposal:
    """``confirmed → completed``: the goods changed hands (a party or a facilitator).

    ``delivered`` maps leg id → the quantity that actually changed hands (base unit per
    month, more than 0 and at most the agreed quantity); a leg left out delivered what was
    agreed. Each leg's ``delivered_quantity`` is recorded, and from then on the proposal
    holds only that (:func:`webapp.market_io.reserved_quantities`): the rest is free for the
    next round. The event's reason lists leg:delivered/agreed. Raises
    :class:`DeliveryError` (naming the leg) for a bad quantity, and changes nothing.
    """
    with _transition(p, expected_version) as session:
        pesantren_id = None
        if user is not None and user.role not in NETWORK_ROLES:
            pesantren_id = _party(p, user.pesantren_id or 0, user).pesantren_id
        _require_state(p, ("confirmed",), _("complete"))
        amounts = delivered_quantities(p, delivered or {})
        for leg in p.legs:
            leg.delivered_quantity = amounts[leg.id]
        text = "delivered " + ", ".join(
            f"{leg.id}:{float(amounts[leg.id]):g}/{float(leg.quantity):g}" for leg in p.legs
        )
        record_transition(
            session,
            p,
            "complete",
            "completed",
            user,
            pesantren_id=pesantren_id,
            reason=text,
            channel=channel,
        )
    return p


def expire(
    p: Proposal, user: User | None = None, reason: str = "", *, expected_version: int | None = None
) -> Proposal:
    """An unanswered proposal runs out (a newer round superseded it, or its time passed)."""
    with _transition(p, expected_version) as session:
        _require_state(p, ("draft", *ANSWERABLE_STATES), _("expire"))
        record_transition(session, p, "expire", "expired", user, reason=reason)
    return p


def reduce(
    p: Proposal,
    user: User | None,
    quantities: Mapping[int, float | Decimal],
    reason: str = "",
    *,
    expected_version: int | None = None,
) -> Proposal:
    """A facilitator lowers leg quantities of a ``draft`` proposal.

    ``quantities`` maps leg id → new quantity (base units per month, more than 0 and at most
    the leg's current quantity). A trade's legs change individually; a barter is scaled as a
    whole by the smallest requested ratio, so every party still gives as much value as it
    receives. The new quantities cap the same pairings in later rounds
    (:mod:`webapp.decisions`).
    """
    with _transition(p, expected_version) as session:
        _require_network(user, _("edit"))
        _require_state(p, ("draft",), _("edit"))
        legs = {leg.id: leg for leg in p.legs}
        ratios: dict[int, float] = {}
        for leg_id, wanted in quantities.items():
            leg = legs.get(leg_id)
            if leg is None:
                raise ProposalError(
                    _("Leg %(leg)s is not part of proposal %(id)s.", leg=leg_id, id=p.id)
                )
            new = float(wanted)
            if not math.isfinite(new) or new <= 0 or new > float(leg.quantity) + 1e-9:
                raise ProposalError(
                    _(
                        "Leg %(leg)s: the quantity must be more than 0 and at most %(max)s.",
                        leg=leg_name(leg),
                        max=shown_quantity(leg.quantity),
                    )
                )
            ratios[leg_id] = new / float(leg.quantity)
        if not ratios:
            raise ProposalError(_("No quantity to change."))
        if p.kind == "trade":
            scale = {leg_id: ratios.get(leg_id, 1.0) for leg_id in legs}
        else:
            smallest = min(ratios.values())
            scale = dict.fromkeys(legs, smallest)
        before = ", ".join(f"{leg.id}:{float(leg.quantity):g}" for leg in p.legs)
        for leg in p.legs:
            quantity = quantize_quantity(float(leg.quantity) * scale[leg.id])
            if quantity <= 0:
                raise ProposalError(_("Leg %(leg)s would become empty.", leg=leg_name(leg)))
            leg.quantity = quantity
            leg.value_idr = (quantity * leg.unit_price).quantize(_IDR, ROUND_HALF_UP)
        p.value_idr = sum((leg.value_idr for leg in p.legs), Decimal(0))
        after = ", ".join(f"{leg.id}:{float(leg.quantity):g}" for leg in p.legs)
        text = f"{before} → {after}" + (f" ({reason.strip()})" if reason.strip() else "")
        record_transition(session, p, "reduce", "draft", user, reason=text)
        record_caps(session, p, user, reason.strip())
    return p


# -- helpers -----------------------------------------------------------------------------


@contextmanager
def _transition(p: Proposal, expected_version: int | None) -> Iterator[DbSession]:
    """Lock and refresh ``p``, run the block, commit; roll back on any error."""
    session = object_session(p) or db.session
    try:
        locked = session.execute(
            select(Proposal)
            .where(Proposal.id == p.id)
            .with_for_update(of=Proposal)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if locked is None:
            raise ProposalError(_("Proposal %(id)s no longer exists.", id=p.id))
        # Parties and legs as committed now (another transaction may have answered).
        for child in (ProposalParty, ProposalLeg):
            session.execute(
                select(child)
                .where(child.proposal_id == p.id)
                .execution_options(populate_existing=True)
            ).all()
        session.refresh(p, ["parties", "legs"])
        if expected_version is not None and p.version != expected_version:
            raise ConflictError(
                _(
                    "Proposal %(id)s was changed by someone else in the meantime; "
                    "reload it and try again.",
                    id=p.id,
                )
            )
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(
            _(
                "Proposal %(id)s was changed by someone else at the same time; "
                "reload it and try again.",
                id=p.id,
            )
        ) from exc
    except BaseException:
        session.rollback()
        raise


def record_transition(
    session: DbSession,
    p: Proposal,
    action: str,
    to_state: str,
    user: User | None,
    *,
    pesantren_id: int | None = None,
    reason: str = "",
    channel: str = "web",
) -> None:
    """Move ``p`` to ``to_state`` and record the event, without committing.

    ``channel`` says how the change reached us (one of :data:`webapp.models.CHANNELS`). For
    bulk callers (:func:`webapp.rounds.publish_round`) that hold their own transaction;
    checks are the caller's job.
    """
    from_state = p.state
    p.state = to_state
    p.updated_at = utcnow()  # always dirty, so every action bumps ``version``
    session.add(
        ProposalEvent(
            proposal_id=p.id,
            at=utcnow(),
            user_id=user.id if user is not None else None,
            pesantren_id=pesantren_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            channel=channel,
        )
    )


def _party(p: Proposal, pesantren_id: int, user: User | None) -> ProposalParty:
    if user is not None and user.role not in NETWORK_ROLES and user.pesantren_id != pesantren_id:
        raise ProposalError(_("%(user)s may only answer for their own pesantren.", user=user.email))
    for party in p.parties:
        if party.pesantren_id == pesantren_id:
            return party
    raise ProposalError(
        _("Pesantren %(pid)s is not a party to proposal %(id)s.", pid=pesantren_id, id=p.id)
    )


def _respond(
    party: ProposalParty, response: str, user: User | None, reason: str | None = None
) -> None:
    party.response = response
    party.decline_reason = reason
    party.responded_at = utcnow()
    party.responded_by_id = user.id if user is not None else None


def _require_state(p: Proposal, allowed: tuple[str, ...], action: str) -> None:
    if p.state not in allowed:
        raise ProposalError(
            _(
                "Cannot %(action)s proposal %(id)s: it is %(state)s.",
                action=action,
                id=p.id,
                # like _(): the reader's word in a request, the code in the CLI and logs
                state=state_label(p.state) if has_request_context() else p.state,
            )
        )


def _require_open(p: Proposal) -> None:
    """Answers close at the proposal's deadline, even before the next round expires it."""
    if p.respond_by is not None and utcnow() > p.respond_by:
        raise ProposalError(
            _(
                "Proposal %(id)s closed for answers on %(date)s; it will not be confirmed.",
                id=p.id,
                date=p.respond_by.date().isoformat(),
            )
        )


def _require_network(user: User | None, action: str) -> None:
    if user is not None and user.role not in NETWORK_ROLES:
        raise ProposalError(_("Only a facilitator may %(action)s a proposal.", action=action))


def reserving(p: Proposal) -> bool:
    """Does ``p`` hold its quantities?"""
    return p.state in RESERVING_STATES


def history(p: Proposal) -> list[dict[str, Any]]:
    """The recorded events, oldest first, as plain dicts (for views and the API)."""
    return [
        {
            "at": e.at,
            "action": e.action,
            "from": e.from_state,
            "to": e.to_state,
            "user_id": e.user_id,
            "pesantren_id": e.pesantren_id,
            "reason": e.reason,
        }
        for e in p.events
    ]
