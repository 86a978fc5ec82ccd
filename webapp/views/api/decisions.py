"""API: the facilitator's standing vetoes and caps (:mod:`webapp.decisions`), listed and
lifted. Facilitators and admins only, like the pages under ``/fasilitator/keputusan``."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select

from ... import decisions
from ...models import PairingDecision, db
from . import bp
from .auth import require_network_user
from .errors import ApiError
from .serialize import decision_json

__all__: list[str] = []


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
