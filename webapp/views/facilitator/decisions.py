"""The facilitator's standing decisions (``/fasilitator/keputusan``): every veto and cap in
force, with who took it, when and why, and a button to lift it (see :mod:`webapp.decisions`)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ... import decisions
from ...models import PairingDecision, db
from . import bp


@bp.get("/keputusan")
def decisions_list() -> str:
    return render_template(
        "facilitator/decisions.html",
        decisions=decisions.active_decisions(db.session),
        veto_weeks=decisions.veto_period().days // 7,
    )


@bp.post("/keputusan/<int:decision_id>/cabut")
def lift_decision(decision_id: int) -> Any:
    decision = db.session.get(PairingDecision, decision_id) or abort(404)
    decisions.lift(db.session, decision, current_user)  # type: ignore[arg-type]
    label = _("Veto") if decision.kind == "veto" else _("Cap")
    flash(
        _(
            "%(kind)s lifted: the next round may propose %(product)s from %(giver)s to "
            "%(receiver)s again.",
            kind=label,
            product=decision.offer.product.name(str(get_locale() or "id")),
            giver=decision.offer.pesantren.name,
            receiver=decision.need.pesantren.name,
        ),
        "info",
    )
    return redirect(url_for(".decisions_list"))
