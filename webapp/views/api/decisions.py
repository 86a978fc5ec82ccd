"""API: the facilitator's standing vetoes and caps (:mod:`webapp.decisions`), listed and
lifted. Facilitators and admins only, like the pages under ``/fasilitator/keputusan``."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select

from ... import decisions
from ...models import PairingDecision, db, utcnow
from . import bp
from .auth import require_network_user
from .errors import ApiError

__all__: list[str] = []


def decision_json(d: PairingDecision) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind,
        "offer_id": d.offer_id,
        "need_id": d.need_id,
        "product": d.offer.product.slug,
        "giver_id": d.offer.pesantren_id,
        "receiver_id": d.need.pesantren_id,
        "quantity": float(d.quantity) if d.quantity is not None else None,
        "reason": d.reason,
        "proposal_id": d.proposal_id,
        "created_by": d.created_by.name if d.created_by is not None else None,
        "created_at": d.created_at.isoformat(),
        "expires_at": d.expires_at.isoformat() if d.expires_at else None,
        "lifted_at": d.lifted_at.isoformat() if d.lifted_at else None,
        "active": d.active_at(utcnow()),
    }


@bp.get("/decisions")
def decision_list() -> Any:
    """The vetoes and caps in force, newest first."""
    require_network_user()
    return jsonify({"data": [decision_json(d) for d in decisions.active_decisions(db.session)]})


@bp.post("/decisions/<int:decision_id>/lift")
def decision_lift(decision_id: int) -> Any:
    user = require_network_user()
    decision = db.session.scalar(select(PairingDecision).where(PairingDecision.id == decision_id))
    if decision is None:
        raise ApiError(404, f"No veto or cap with id {decision_id}.")
    decisions.lift(db.session, decision, user)
    return jsonify(decision_json(decision))
