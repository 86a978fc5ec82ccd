"""API: end a confirmed deal, complete (with the delivered quantities) or cancel (with a reason).

An officer of a party or a facilitator/admin, with a bearer token. The rules live in
:mod:`webapp.proposals`; here the body is checked field by field (422 naming the field, see
``details``), the state machine answers 409 for a proposal in the wrong state, and nothing
changes on any error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import jsonify, request

from ...models import Proposal, User, db
from . import bp
from .auth import require_user
from .errors import ApiError
from .proposals import visible_proposals
from .serialize import proposal_json

__all__: list[str] = []


def _invalid(field: str, message: str, what: str = "The request has invalid fields.") -> ApiError:
    return ApiError(422, what, details=[{"field": field, "message": message}])


def _body() -> dict[str, Any]:
    """The JSON object sent (an empty body counts as ``{}``)."""
    if not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return data


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _version(body: dict[str, Any]) -> int | None:
    version = body.get("version")
    if version is not None and not _is_int(version):
        raise _invalid("version", "must be an integer")
    return version


def _deal(user: User, proposal_id: int) -> Proposal:
    proposal: Proposal | None = db.session.scalar(
        visible_proposals(user).where(Proposal.id == proposal_id)
    )
    if proposal is None:
        raise ApiError(404, f"No proposal with id {proposal_id}.")
    network = user.role in ("facilitator", "admin")
    if not network and user.pesantren_id not in {p.pesantren_id for p in proposal.parties}:
        raise ApiError(403, "Only an officer of a party or a facilitator may end this deal.")
    return proposal


def _delivered(body: dict[str, Any]) -> tuple[dict[int, Decimal], dict[int, int]]:
    """``legs`` → (leg id → delivered quantity, leg id → its index in the list)."""
    legs = body.get("legs", [])
    if not isinstance(legs, list):
        raise _invalid("legs", "must be a list of {leg_id, delivered_quantity}")
    values: dict[int, Decimal] = {}
    index: dict[int, int] = {}
    for i, item in enumerate(legs):
        if not isinstance(item, dict):
            raise _invalid(f"legs[{i}]", "must be an object {leg_id, delivered_quantity}")
        leg_id, quantity = item.get("leg_id"), item.get("delivered_quantity")
        if not isinstance(leg_id, int) or isinstance(leg_id, bool):
            raise _invalid(f"legs[{i}].leg_id", "must be an integer (a leg of this proposal)")
        if leg_id in values:
            raise _invalid(f"legs[{i}].leg_id", f"leg {leg_id} is given twice")
        if isinstance(quantity, bool) or not isinstance(quantity, (int, float)):
            raise _invalid(f"legs[{i}].delivered_quantity", "must be a number")
        values[leg_id] = (
            Decimal(repr(quantity)) if isinstance(quantity, float) else Decimal(quantity)
        )
        index[leg_id] = i
    return values, index


@bp.post("/proposals/<int:proposal_id>/complete")
def proposal_complete(proposal_id: int) -> Any:
    from ... import proposals as service

    user = require_user()
    proposal = _deal(user, proposal_id)
    body = _body()
    version = _version(body)
    values, index = _delivered(body)
    try:
        service.complete(proposal, user, values, expected_version=version, channel="api")
    except service.DeliveryError as exc:
        i = index.get(exc.leg_id)
        known = exc.leg_id in {leg.id for leg in proposal.legs}
        field = "legs" if i is None else f"legs[{i}].{'delivered_quantity' if known else 'leg_id'}"
        raise _invalid(field, str(exc), "The delivered quantities are invalid.") from None
    except service.ConflictError as exc:
        raise ApiError(409, str(exc)) from None
    except service.ProposalError as exc:
        raise ApiError(409, str(exc), code="invalid_state") from None
    return jsonify(proposal_json(proposal))


@bp.post("/proposals/<int:proposal_id>/cancel")
def proposal_cancel(proposal_id: int) -> Any:
    from ... import proposals as service

    user = require_user()
    proposal = _deal(user, proposal_id)
    body = _body()
    version = _version(body)
    reason = body.get("reason")
    if not isinstance(reason, str):
        raise _invalid("reason", "give a reason (text)")
    try:  # the one reason rule (empty, too long), as for the web pages and a bulk veto
        reason = service.required_reason(reason)
    except service.ProposalError as exc:
        raise _invalid("reason", str(exc)) from None
    try:
        service.cancel(proposal, user, reason, expected_version=version, channel="api")
    except service.ConflictError as exc:
        raise ApiError(409, str(exc)) from None
    except service.ProposalError as exc:
        raise ApiError(409, str(exc), code="invalid_state") from None
    return jsonify(proposal_json(proposal))
