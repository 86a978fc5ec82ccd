"""My listings: create, edit, pause, delete and confirm offers and needs.

The product is typed and resolved by the catalogue (aliases and typos work; an ambiguous text
shows its choices); the unit must be one of the product's units; quantities are checked in
the product's base unit per month against a sane maximum. Every error is attached to its
field and nothing is saved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import Field, SelectChoice

from ...engine_settings import resting_before
from ...formatting import editable
from ...forms import ListingForm, PostForm
from ...labels import CERT_LABELS, PERIOD_LABELS
from ...listings import (
    MAX_BASE_PER_MONTH,
    ListingInput,
    allowed_units,
    check_listing,
    duplicate_of,
    referenced,
)
from ...market_cache import resolve_product, suggest_products
from ...market_io import remaining_quantities, reserved_quantities
from ...models import Listing, Pesantren, Product, db, utcnow
from ...security import require_act_for, roles_required
from . import bp
from .common import locale, my_pesantren


def _load_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.status == "archived":
        abort(404)
    require_act_for(listing.pesantren_id)
    return listing


def _back_to(listing_pesantren_id: int) -> str:
    if current_user.role == "officer":
        return url_for("officer.listings")
    return url_for("public.pesantren_detail", pesantren_id=listing_pesantren_id)


@bp.get("/saya/listing")
@roles_required("officer")
def listings() -> str:
    pesantren = my_pesantren()
    rows = db.session.scalars(
        select(Listing)
        .where(Listing.pesantren_id == pesantren.id, Listing.status != "archived")
        .join(Product)
        .order_by(Listing.kind.desc(), Product.name_id)
    ).all()
    ids = [r.id for r in rows]
    return render_template(
        "officer/listings.html",
        held=reserved_quantities(db.session, ids),
        remaining=remaining_quantities(db.session, ids),
        pesantren=pesantren,
        offers=[r for r in rows if r.kind == "offer"],
        needs=[r for r in rows if r.kind == "need"],
        stale_before=resting_before(),
        action_form=PostForm(),
        period_labels=PERIOD_LABELS,
        cert_labels=CERT_LABELS,
    )


@bp.route("/saya/listing/baru/<any(offer,need):kind>", methods=["GET", "POST"])
@roles_required("officer")
def listing_new(kind: str) -> ResponseReturnValue:
    pesantren = my_pesantren()
    form = ListingForm()
    return _edit(form, kind, pesantren, None)


@bp.route("/saya/listing/<int:listing_id>/ubah", methods=["GET", "POST"])
@login_required
def listing_edit(listing_id: int) -> ResponseReturnValue:
    listing = _load_listing(listing_id)
    if request.method == "GET":
        form = ListingForm(obj=listing)
        form.product.data = listing.product.name(locale())
        form.quantity.data = editable(listing.quantity)
        form.unit_size.data = editable(listing.unit_size)
        form.price.data = editable(listing.price)
        form.required_certs.data = listing.required_cert_list
    else:
        form = ListingForm()
    return _edit(form, listing.kind, listing.pesantren, listing)


def resolve_typed_product(field: Field) -> tuple[Product | None, list[Product]]:
    """The product chosen from the suggestions (``product_slug``), or the one the typed text
    of ``field`` names; when neither, the field gets the reason (and the choices come back).
    The listing form and the public join form both read their product this way."""
    chosen = request.form.get("product_slug", "")
    if chosen:
        product = db.session.scalar(select(Product).where(Product.slug == chosen))
        if product is not None:
            return product, []
    text = (field.data or "").strip()
    if not text or field.errors:
        return None, []
    resolved = resolve_product(text)
    if resolved.product is not None:
        return resolved.product, []
    if resolved.ambiguous:
        field.errors = [_("Several products match “%(text)s”: choose one.", text=text)]
    elif resolved.choices:
        field.errors = [
            _("We do not know the product “%(text)s”. Did you mean one of these?", text=text)
        ]
    else:
        field.errors = [_("We do not know the product “%(text)s”. Try another name.", text=text)]
    return None, resolved.choices


def _check(
    form: ListingForm, kind: str, pesantren: Pesantren, product: Product, listing: Listing | None
) -> dict[str, Any] | None:
    """The listing rules on the form; each problem goes next to its field. ``None`` when
    anything failed (then nothing is saved)."""
    verdict = check_listing(
        ListingInput(
            kind=kind,
            quantity=form.quantity.data,
            unit=form.unit.data,
            unit_size=form.unit_size.data,
            period=form.period.data,
            price=form.price.data,
            min_lot=listing.min_lot if listing is not None else None,  # not on the form
            available_from=form.available_from.data,
            available_until=form.available_until.data,
            note=form.note.data,
        ),
        product,
        locale(),
        committed=_committed(listing),
    )
    for name, message in verdict.by_field().items():
        field = getattr(form, name, None) or form.quantity  # the minimum lot is not on the form
        if not field.errors:
            field.errors = [message]
    if not verdict.ok:
        return None
    if duplicate_of(pesantren.id, kind, product.id, listing) is not None:
        form.product.errors = [
            _(
                "You already list %(product)s; edit that listing instead.",
                product=product.name(locale()),
            )
        ]
        return None
    return {
        **verdict.values,
        "product_id": product.id,
        "required_certs": ";".join(form.required_certs.data or []) if kind == "need" else "",
    }


def _committed(listing: Listing | None) -> float:
    """Base units a month that confirmed proposals hold of ``listing`` (0 for a new one)."""
    if listing is None:
        return 0.0
    return reserved_quantities(db.session, [listing.id]).get(listing.id, 0.0)


def _edit(
    form: ListingForm, kind: str, pesantren: Pesantren, listing: Listing | None
) -> ResponseReturnValue:
    product: Product | None = listing.product if listing is not None else None
    choices: list[Product] = []
    if request.method == "POST":
        valid = form.validate()
        product, choices = resolve_typed_product(form.product)
        values = _check(form, kind, pesantren, product, listing) if product else None
        if valid and values is not None:
            saved = _save(values, kind, pesantren, listing)
            flash(
                _("Saved: %(product)s.", product=saved.product.name(locale())),
                "info",
            )
            return redirect(_back_to(pesantren.id))
    units = allowed_units(product) if product is not None else []
    if units and form.unit.data and form.unit.data not in units:
        units = [*units, form.unit.data]  # keep what was typed or stored, so it is not lost
    form.unit.choices = [SelectChoice(u) for u in units] or [
        SelectChoice(form.unit.data or "", form.unit.data or "—")
    ]
    status = 400 if request.method == "POST" else 200
    return render_template(
        "officer/listing_form.html",
        form=form,
        kind=kind,
        listing=listing,
        pesantren=pesantren,
        product=product,
        choices=choices,
        units=units,
        max_quantity=MAX_BASE_PER_MONTH,
    ), status


def _save(
    values: dict[str, Any], kind: str, pesantren: Pesantren, listing: Listing | None
) -> Listing:
    if listing is None:
        # A deleted (archived) listing of the same product comes back rather than colliding
        # with the one-listing-per-product rule.
        listing = db.session.scalar(
            select(Listing).where(
                Listing.pesantren_id == pesantren.id,
                Listing.kind == kind,
                Listing.product_id == values["product_id"],
            )
        )
        if listing is None:
            listing = Listing(pesantren_id=pesantren.id, kind=kind, min_lot=Decimal(0))
            db.session.add(listing)
    elif listing.product_id != values["product_id"]:
        # Changing the product onto one with an archived twin would break uniqueness.
        twin = db.session.scalar(
            select(Listing).where(
                Listing.pesantren_id == pesantren.id,
                Listing.kind == kind,
                Listing.product_id == values["product_id"],
                Listing.id != listing.id,
            )
        )
        if twin is not None:  # only an unreferenced archived twin gets here (see _check)
            db.session.delete(twin)
            db.session.flush()
    for name, value in values.items():
        setattr(listing, name, value)
    listing.status = "active" if listing.status == "archived" else listing.status
    listing.last_confirmed_at = utcnow()
    db.session.commit()
    return listing


@bp.post("/saya/listing/<int:listing_id>/jeda")
@login_required
def listing_pause(listing_id: int) -> Response:
    listing = _load_listing(listing_id)
    if not PostForm().validate_on_submit():
        abort(400)
    listing.status = "active" if listing.status == "paused" else "paused"
    db.session.commit()
    name = listing.product.name(locale())
    flash(
        _("%(product)s is paused.", product=name)
        if listing.status == "paused"
        else _("%(product)s is active again.", product=name),
        "info",
    )
    return redirect(_back_to(listing.pesantren_id))


@bp.post("/saya/listing/<int:listing_id>/hapus")
@login_required
def listing_delete(listing_id: int) -> Response:
    listing = _load_listing(listing_id)
    if not PostForm().validate_on_submit():
        abort(400)
    name = listing.product.name(locale())
    pesantren_id = listing.pesantren_id
    if referenced(listing.id):
        listing.status = "archived"  # proposals keep their history
    else:
        db.session.delete(listing)
    db.session.commit()
    flash(_("%(product)s has been deleted.", product=name), "info")
    return redirect(_back_to(pesantren_id))


@bp.post("/saya/listing/<int:listing_id>/konfirmasi")
@login_required
def listing_confirm(listing_id: int) -> Response:
    listing = _load_listing(listing_id)
    if not PostForm().validate_on_submit():
        abort(400)
    listing.last_confirmed_at = utcnow()
    db.session.commit()
    flash(
        _("Thank you: %(product)s is still available.", product=listing.product.name(locale())),
        "info",
    )
    target = request.form.get("back", "")
    if target == "dashboard" and current_user.role == "officer":
        return redirect(url_for("officer.dashboard"))
    return redirect(_back_to(listing.pesantren_id))


@bp.get("/produk/saran")
@login_required
def product_suggest() -> Response:
    """JSON for the product autocomplete: ``[{"slug", "name", "units"}]``."""
    text = request.args.get("q", "")[:120]
    language = locale()
    return jsonify(
        [
            {
                "slug": p.slug,
                "name": p.name(language),
                "base_unit": p.base_unit,
                "units": allowed_units(p),
            }
            for p in suggest_products(text)
        ]
    )
