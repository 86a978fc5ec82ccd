"""The public "Daftar" form: a pesantren asks to join OPOP Match (``/daftar``).

No account needed. The form checks what it can at once (the NSPP, the WhatsApp number, the
email, the product and its numbers, by the rules the rest of the app uses) and refuses an
NSPP or email already in use (:func:`webapp.joining.conflicts`); a facilitator then reviews
the request. Posts are rate-limited per address (``RATELIMIT_JOIN``) and carry a CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from ..charts.map import MapLabel, render_picker
from ..extensions import limiter
from ..joining import conflicts
from ..listings import ListingInput, check_listing
from ..models import JoinRequest, Product, Regency, db
from ..pesantren_forms import JoinForm, regency_choices
from .officer.common import locale
from .officer.listings import resolve_typed_product

__all__ = ["bp"]

bp = Blueprint("join", __name__)


def _join_limit() -> str:
    return str(current_app.config.get("RATELIMIT_JOIN", "10 per hour;30 per day"))


@bp.route("/daftar", methods=["GET", "POST"])
@limiter.limit(_join_limit, methods=["POST"])
def join() -> ResponseReturnValue:
    form = JoinForm(language=locale())
    form.regency_code.choices = regency_choices()
    product: Product | None = None
    choices: list[Product] = []
    if request.method == "POST":
        valid = form.validate()
        product, choices = resolve_typed_product(form.product)
        verdict = None
        if product is not None:
            verdict = check_listing(
                ListingInput(
                    kind="offer",
                    quantity=form.quantity.data,
                    unit=form.unit.data,
                    unit_size=form.unit_size.data,
                    period=form.period.data,
                    price=form.price.data,
                ),
                product,
                locale(),
            )
            for name, message in verdict.by_field().items():
                field = form._fields.get(name) or form.quantity
                if not field.errors:
                    field.errors = [message]
        taken = conflicts(db.session, form.nspp.data or "", form.email.data or "")
        for name, message in taken.items():
            if not form._fields[name].errors:
                form._fields[name].errors = [message]
        if valid and verdict is not None and verdict.ok and not taken and product is not None:
            regency = db.session.get(Regency, form.regency_code.data)
            assert regency is not None  # the form's choices are the regencies
            located = form.latitude.data is not None and form.longitude.data is not None
            db.session.add(
                JoinRequest(
                    nspp=form.nspp.data,
                    name=(form.name.data or "").strip(),
                    regency_code=regency.code,
                    latitude=form.latitude.data if located else regency.latitude,
                    longitude=form.longitude.data if located else regency.longitude,
                    contact_name=(form.contact_name.data or "").strip(),
                    whatsapp=form.whatsapp.data,
                    email=form.email.data,
                    language=form.language.data or "id",
                    product_id=product.id,
                    quantity=verdict.values["quantity"],
                    unit=verdict.values["unit"],
                    unit_size=verdict.values["unit_size"],
                    period=verdict.values["period"],
                    price=verdict.values["price"],
                )
            )
            db.session.commit()
            return redirect(url_for(".sent"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "public/join.html", form=form, product=product, choices=choices, picker=_picker(form)
    ), status


def _picker(form: JoinForm) -> Markup:
    """The map to click for the coordinates, marking those typed (if both are)."""
    capitals = [
        MapLabel(r.capital or r.short_name, r.latitude, r.longitude)
        for r in db.session.scalars(select(Regency).order_by(Regency.code))
    ]
    lat, lon = form.latitude.data, form.longitude.data
    typed = lat is not None and lon is not None
    picked = (lat, lon) if typed and not (form.latitude.errors or form.longitude.errors) else None
    return render_picker(
        capitals, title=_("Map of East Java: click to place the pesantren"), picked=picked
    )


@bp.get("/daftar/terkirim")
def sent() -> str:
    return render_template("public/join_sent.html")
