"""Checks for the listing form that need the catalogue: product, unit, size, quantity, price.

Every problem is attached to its field (``field.errors``) in the reader's language; a check
returns ``None`` when anything failed, so the caller saves nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import request
from flask_babel import gettext as _
from sqlalchemy import exists, select

from ...forms import ListingForm
from ...models import Listing, Pesantren, Product, ProposalLeg, db
from .common import locale
from .engine import resolve_product, units_for_product

__all__ = [
    "MAX_BASE_PER_MONTH",
    "MAX_PRICE",
    "MAX_UNIT_SIZE",
    "check_listing",
    "referenced",
    "resolve_field",
]

#: Largest quantity a listing may hold, in base units per month (1,000 t of rice is already
#: far beyond the biggest pesantren kitchen); larger numbers are typing mistakes.
MAX_BASE_PER_MONTH = 1_000_000
#: Largest price per base unit (rupiah); more is a typing mistake.
MAX_PRICE = 100_000_000
MAX_UNIT_SIZE = 10_000


def _parse_number(text: str | None) -> float | None:
    from matcher.units import parse_number

    if text is None or not text.strip():
        return None
    try:
        value = float(parse_number(text))
    except (ValueError, TypeError, ArithmeticError):
        raise ValueError(text) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def resolve_field(form: ListingForm) -> tuple[Product | None, list[Product]]:
    chosen = request.form.get("product_slug", "")
    if chosen:
        product = db.session.scalar(select(Product).where(Product.slug == chosen))
        if product is not None:
            return product, []
    text = (form.product.data or "").strip()
    if not text or form.product.errors:
        return None, []
    resolved = resolve_product(text)
    if resolved.product is not None:
        return resolved.product, []
    if resolved.ambiguous:
        form.product.errors = [_("Several products match “%(text)s”: choose one.", text=text)]
    elif resolved.choices:
        form.product.errors = [
            _("We do not know the product “%(text)s”. Did you mean one of these?", text=text)
        ]
    else:
        form.product.errors = [
            _("We do not know the product “%(text)s”. Try another name.", text=text)
        ]
    return None, resolved.choices


def check_listing(
    form: ListingForm, kind: str, pesantren: Pesantren, product: Product, listing: Listing | None
) -> dict[str, Any] | None:
    """Catalogue-aware checks; errors go next to their field. ``None`` when anything failed."""
    from matcher.units import UnitError, normalise_unit, per_month, to_base

    ok = True
    allowed = units_for_product(product)
    unit = None
    try:
        unit = normalise_unit(form.unit.data or "")
    except (UnitError, ValueError):
        form.unit.errors = [_("Unknown unit “%(unit)s”.", unit=form.unit.data or "")]
        ok = False
    if unit is not None and unit not in allowed:
        form.unit.errors = [
            _(
                "%(product)s is not measured in %(unit)s. Use one of: %(units)s.",
                product=product.name(locale()),
                unit=unit,
                units=", ".join(allowed),
            )
        ]
        ok = False

    numbers: dict[str, float | None] = {}
    for name in ("quantity", "unit_size", "price"):
        field = getattr(form, name)
        try:
            numbers[name] = _parse_number(field.data)
        except ValueError:
            field.errors = [_("“%(text)s” is not a number.", text=field.data)]
            ok = False
    quantity = numbers.get("quantity")
    if "quantity" in numbers and (quantity is None or quantity <= 0):
        form.quantity.errors = [_("The quantity must be more than zero.")]
        ok = False
    size = numbers.get("unit_size")
    if size is not None and not 0 < size <= MAX_UNIT_SIZE:
        form.unit_size.errors = [
            _("The unit size must be more than zero and at most %(n)s.", n=MAX_UNIT_SIZE)
        ]
        ok = False
    price = numbers.get("price")
    if price is not None and price < 0:
        form.price.errors = [_("The price cannot be negative.")]
        ok = False
    elif price is not None and price > MAX_PRICE:
        form.price.errors = [_("That price is too high; check the number.")]
        ok = False
    if not ok or unit is None or quantity is None:
        return None

    if size is None:
        size = _stated_size(product, unit)
    try:
        base = to_base(quantity, unit, product.base_unit, unit_size=size)
    except (UnitError, ValueError):
        form.unit_size.errors = [
            _(
                "Say how many %(base)s one %(unit)s holds.",
                base=product.base_unit,
                unit=unit,
            )
        ]
        return None
    monthly = per_month(base, form.period.data or "month")
    if monthly > MAX_BASE_PER_MONTH:
        form.quantity.errors = [
            _(
                "That is more than %(max)s %(base)s a month; check the number.",
                max=f"{MAX_BASE_PER_MONTH:,}".replace(",", "." if locale() == "id" else ","),
                base=product.base_unit,
            )
        ]
        return None

    duplicate = db.session.scalar(
        select(Listing).where(
            Listing.pesantren_id == pesantren.id,
            Listing.kind == kind,
            Listing.product_id == product.id,
            Listing.status != "archived",
        )
    )
    if duplicate is None and listing is not None and listing.product_id != product.id:
        archived = db.session.scalar(
            select(Listing).where(
                Listing.pesantren_id == pesantren.id,
                Listing.kind == kind,
                Listing.product_id == product.id,
                Listing.status == "archived",
            )
        )
        if archived is not None and referenced(archived.id):
            duplicate = archived
    if duplicate is not None and (listing is None or duplicate.id != listing.id):
        form.product.errors = [
            _(
                "You already list %(product)s; edit that listing instead.",
                product=product.name(locale()),
            )
        ]
        return None
    return {
        "product_id": product.id,
        "quantity": Decimal(str(quantity)),
        "unit": unit,
        "unit_size": Decimal(str(size)) if size is not None else None,
        "period": form.period.data or "month",
        "price": Decimal(str(price)) if price is not None else None,
        "required_certs": ";".join(form.required_certs.data or []) if kind == "need" else "",
        "available_from": form.available_from.data,
        "available_until": form.available_until.data,
        "note": (form.note.data or "").strip(),
    }


def _stated_size(product: Product, unit: str) -> float | None:
    """The size the catalogue states for a unit of this product ("karung 50 kg" → 50)."""
    from matcher.units import UnitError, parse_alt_unit

    for entry in (product.alt_units or "").split("|"):
        try:
            alt = parse_alt_unit(entry, product.base_unit) if entry.strip() else None
        except UnitError:
            continue
        if alt is not None and alt.code == unit and alt.size:
            return float(alt.size)
    return None


def referenced(listing_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    (ProposalLeg.offer_id == listing_id) | (ProposalLeg.need_id == listing_id)
                )
            )
        )
    )
