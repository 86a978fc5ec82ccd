"""Ending a confirmed deal from its proposal page: mark it completed with what was delivered
(leg by leg, pre-filled with the agreed quantity) or cancel it with a reason.

An officer of a party or a facilitator/admin may do either (the same page serves both; the
form is the partial ``officer/_deal_actions.html``). The rules (who, which state, 0 < delivered
<= agreed) live in :mod:`webapp.proposals`; this module only reads the form and shows the
answer: bad input re-renders the page with the error next to its field and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...forms import CancelDealForm, CompleteDealForm
from ...models import Proposal, ProposalLeg, db
from ...security import is_network_user
from . import bp

__all__ = ["DeliveryRow", "can_end", "deal_context"]

FIELD_PREFIX = "delivered_"


@dataclass(frozen=True)
class DeliveryRow:
    """One leg in the completion form: the value to show, the error, the trade unit."""

    leg: ProposalLeg
    value: str
    error: str | None
    trade_unit: str | None  # the offer listing's own unit, when it is not the base unit
    agreed_in_trade_unit: float | None


def can_end(proposal: Proposal) -> bool:
    """May the signed-in user complete or cancel ``proposal`` now?"""
    if proposal.state != "confirmed" or not current_user.is_authenticated:
        return False
    if is_network_user():
        return True
    return current_user.role == "officer" and any(
        p.pesantren_id == current_user.pesantren_id for p in proposal.parties
    )


def _in_trade_unit(leg: ProposalLeg) -> tuple[str | None, float | None]:
    from matcher.units import UnitError, to_base

    listing, base_unit = leg.offer, leg.product.base_unit
    if listing.unit == base_unit:
        return None, None
    try:
        per_unit = to_base(
            1.0,
            listing.unit,
            base_unit,
            float(listing.unit_size) if listing.unit_size is not None else None,
        )
    except (UnitError, ValueError):
        return None, None
    return listing.unit, float(leg.quantity) / per_unit if per_unit else None


def deal_context(
    proposal: Proposal,
    complete_form: CompleteDealForm | None = None,
    cancel_form: CancelDealForm | None = None,
    values: dict[int, str] | None = None,
    errors: dict[int, str] | None = None,
) -> dict[str, Any]:
    """What ``officer/_deal_actions.html`` needs, as ``deal``."""
    rows = []
    for leg in proposal.legs:
        unit, agreed = _in_trade_unit(leg)
        value = (values or {}).get(leg.id, f"{float(leg.quantity):g}")
        rows.append(DeliveryRow(leg, value, (errors or {}).get(leg.id), unit, agreed))
    return {
        "deal": {
            "can_end": can_end(proposal),
            "rows": rows,
            "complete_form": complete_form or CompleteDealForm(),
            "cancel_form": cancel_form or CancelDealForm(),
        }
    }


def _version(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _parse_delivered(proposal: Proposal) -> tuple[dict[int, Decimal], dict[int, str], list[str]]:
    """``delivered_<leg id>`` fields → (values, errors by leg, errors for unknown legs)."""
    from ...proposals import leg_name

    legs = {leg.id: leg for leg in proposal.legs}
    values: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    unknown: list[str] = []
    for name, raw in request.form.items():
        if not name.startswith(FIELD_PREFIX):
            continue
        suffix = name.removeprefix(FIELD_PREFIX)
        leg_id = int(suffix) if suffix.isdigit() else None
        if leg_id is None or leg_id not in legs:
            unknown.append(
                _("Leg %(leg)s is not part of proposal %(id)s.", leg=suffix, id=proposal.id)
            )
            continue
        text = raw.strip().replace(",", ".")
        if not text:
            continue  # as agreed
        try:
            values[leg_id] = Decimal(text)
        except InvalidOperation:
            errors[leg_id] = _(
                "Leg %(leg)s: '%(value)s' is not a number.", leg=leg_name(legs[leg_id]), value=raw
            )
    return values, errors, unknown


def _load_for_ending(proposal_id: int) -> Proposal:
    from .proposals import _load

    proposal = _load(proposal_id)
    if proposal.state == "confirmed" and not can_end(proposal):
        abort(403)
    return proposal


def _refused(proposal_id: int, error: Exception) -> Response:
    db.session.rollback()
    flash(_("This deal cannot be changed now: %(why)s", why=str(error)), "error")
    return redirect(url_for("officer.proposal_detail", proposal_id=proposal_id))


@bp.post("/usulan/<int:proposal_id>/selesai")
@login_required
def proposal_complete(proposal_id: int) -> Any:
    from ... import proposals as service
    from .proposals import _render_detail

    proposal = _load_for_ending(proposal_id)
    form = CompleteDealForm()
    shown = {
        int(k.removeprefix(FIELD_PREFIX)): v
        for k, v in request.form.items()
        if k.startswith(FIELD_PREFIX) and k.removeprefix(FIELD_PREFIX).isdigit()
    }
    if not form.validate_on_submit():
        return _render_detail(proposal, status=400, complete_form=form, values=shown)
    values, errors, unknown = _parse_delivered(proposal)
    if unknown:
        flash(" ".join(unknown), "error")
    if errors or unknown:
        return _render_detail(proposal, status=400, values=shown, errors=errors)
    try:
        service.complete(
            proposal,
            current_user._get_current_object(),
            values,
            expected_version=_version(form.version.data),
        )
    except service.DeliveryError as error:
        db.session.rollback()
        return _render_detail(
            proposal,
            status=400,
            values=shown,
            errors={error.leg_id: str(error)},
        )
    except service.ProposalError as error:
        return _refused(proposal_id, error)
    flash(_("Deal marked completed. What was not delivered is free again."), "info")
    return redirect(url_for("officer.proposal_detail", proposal_id=proposal_id))


@bp.post("/usulan/<int:proposal_id>/batalkan")
@login_required
def proposal_cancel(proposal_id: int) -> Any:
    from ... import proposals as service
    from .proposals import _render_detail

    proposal = _load_for_ending(proposal_id)
    form = CancelDealForm()
    if not form.validate_on_submit():
        return _render_detail(proposal, status=400, cancel_form=form)
    try:
        service.cancel(
            proposal,
            current_user._get_current_object(),
            form.reason.data or "",
            expected_version=_version(form.version.data),
        )
    except service.ProposalError as error:
        return _refused(proposal_id, error)
    flash(_("Deal cancelled. Its quantities are free again."), "info")
    return redirect(url_for("officer.proposal_detail", proposal_id=proposal_id))
