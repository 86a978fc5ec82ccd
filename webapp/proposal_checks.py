"""The rules a proposal action checks before it changes anything: the reasons and notes it
records, the delivered quantities, and whether the listings can still cover the legs (the
capacity check that runs, with the listings locked, before a proposal is confirmed).

Every entry point (the officer pages, the answer link, the facilitator's bulk actions, the
API) reaches these through :mod:`webapp.proposals`; a refusal is a :class:`ProposalError`
in the user's language.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from flask import has_request_context
from sqlalchemy import select

from .formatting import quantity, request_language
from .formatting import request_gettext as _
from .market_io import listing_capacities, reserved_quantities
from .models import DECLINE_REASONS, DbSession, Listing, Proposal, ProposalLeg
from .plausible import MAX_NOTE_LENGTH

__all__ = [
    "OTHER_REASON",
    "ConflictError",
    "DeliveryError",
    "ProposalError",
    "check_capacity",
    "check_note",
    "decline_problem",
    "delivered_quantities",
    "leg_name",
    "quantize_quantity",
    "required_reason",
    "shown_quantity",
]

_QTY = Decimal("0.001")


class ProposalError(ValueError):
    """An action the proposal's state, parties or the acting user do not allow."""


class ConflictError(ProposalError):
    """Someone else changed the proposal first, or a listing no longer has the quantity."""


class DeliveryError(ProposalError):
    """A delivered quantity that is not allowed; ``leg_id`` names the leg."""

    def __init__(self, message: str, leg_id: int) -> None:
        super().__init__(message)
        self.leg_id = leg_id


#: The decline reason that says nothing by itself: it needs a note.
OTHER_REASON = "other"


def decline_problem(reason: str | None, note: str | None = "") -> str | None:
    """Why a decline with ``reason`` and ``note`` cannot be recorded (None: it can). The one
    rule for the web form, the answer link and the API: a reason from the list, and "other"
    says in a few words what it is."""
    if reason not in DECLINE_REASONS:
        return _(
            "Unknown decline reason %(reason)r; choose one of %(choices)s.",
            reason=reason,
            choices=", ".join(DECLINE_REASONS),
        )
    if reason == OTHER_REASON and not (note or "").strip():
        return _("You chose “Other”: say in a few words why you decline.")
    return None


def required_reason(reason: str) -> str:
    """The reason for a veto or a cancellation, stripped; :class:`ProposalError` when it is
    empty or too long (every entry point: one proposal, a bulk veto, the API)."""
    reason = (reason or "").strip()
    if not reason:
        raise ProposalError(_("Give a reason."))
    return check_note(reason)


def _listing_name(listing: Listing) -> str:
    """A listing as its owner knows it: ``Ikan asin, Pondok A`` (its id means nothing)."""
    return f"{listing.product.name(request_language())}, {listing.pesantren.name}"


def leg_name(leg: ProposalLeg) -> str:
    """A leg as its parties know it: ``Ikan asin, Pondok A → Pondok B`` (its id means
    nothing to them)."""
    return f"{leg.product.name(request_language())}, {leg.giver.name} → {leg.receiver.name}"


def shown_quantity(value: float | Decimal) -> str:
    return quantity(float(value)) if has_request_context() else f"{float(value):g}"


def check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ProposalError(
            _("The note is too long (at most %(n)s characters).", n=MAX_NOTE_LENGTH)
        )
    return note


def delivered_quantities(
    p: Proposal, delivered: Mapping[int, float | Decimal]
) -> dict[int, Decimal]:
    """Leg id → delivered quantity (the agreed one where not given), each checked."""
    legs = {leg.id: leg for leg in p.legs}
    for leg_id in delivered:
        if leg_id not in legs:
            raise DeliveryError(
                _("Leg %(leg)s is not part of proposal %(id)s.", leg=leg_id, id=p.id), leg_id
            )
    out: dict[int, Decimal] = {}
    for leg_id, leg in legs.items():
        wanted = delivered.get(leg_id)
        if wanted is None:
            out[leg_id] = Decimal(leg.quantity)
            continue
        value = float(wanted)
        ok = math.isfinite(value) and 0 < value <= float(leg.quantity) + 1e-9
        if not ok or quantize_quantity(value) <= 0:
            raise DeliveryError(
                _(
                    "Leg %(leg)s: the delivered quantity must be more than 0 and at most "
                    "the agreed %(max)s.",
                    leg=leg_name(leg),
                    max=shown_quantity(leg.quantity),
                ),
                leg_id,
            )
        out[leg_id] = min(quantize_quantity(value), Decimal(leg.quantity))
    return out


def quantize_quantity(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(_QTY, ROUND_HALF_UP)


def check_capacity(session: DbSession, p: Proposal) -> None:
    """Lock the listings ``p`` draws on and make sure they can still cover its legs."""
    need: dict[int, float] = defaultdict(float)
    for leg in p.legs:
        need[leg.offer_id] += float(leg.quantity)
        need[leg.need_id] += float(leg.quantity)
    ids = sorted(need)
    listings = {
        listing.id: listing
        for listing in session.scalars(
            select(Listing)
            .where(Listing.id.in_(ids))
            .order_by(Listing.id)
            .with_for_update(of=Listing)
        )
    }
    try:
        capacity = listing_capacities(session, ids)
    except ValueError as exc:  # a unit that no longer converts
        raise ConflictError(str(exc)) from exc
    held = reserved_quantities(session, ids, exclude_proposal_id=p.id)
    for listing_id in ids:
        listing = listings.get(listing_id)
        if listing is None or listing.status != "active":
            raise ConflictError(
                _(
                    "The listing of %(listing)s is no longer active; the proposal cannot be "
                    "confirmed.",
                    listing=_listing_name(listing) if listing is not None else f"#{listing_id}",
                )
            )
        free = capacity[listing_id] - held.get(listing_id, 0.0)
        if need[listing_id] > free + 1e-6:
            raise ConflictError(
                _(
                    "The listing of %(listing)s has only %(free)s %(unit)s a month left; this "
                    "proposal needs %(need)s.",
                    listing=_listing_name(listing),
                    free=shown_quantity(max(free, 0.0)),
                    unit=listing.product.base_unit,
                    need=shown_quantity(need[listing_id]),
                )
            )
