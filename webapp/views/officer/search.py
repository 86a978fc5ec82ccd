"""Supplier search: ranked suppliers with their reasons and a ready-to-send WhatsApp message.

Signed-in users only: results carry contact details. Distances are measured from the
officer's own pesantren (facilitators have none, so their results have no distance filter).
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ...contact import mailto_link, whatsapp_link
from ...curation import parse_filter
from ...forms import CERT_LABELS, CURATION_FILTERS, REGION_LABELS, SearchForm
from ...listings import NotANumber, allowed_units, check_unit, read_number
from ...models import Pesantren, Product, db
from . import bp
from .common import locale, localised
from .engine import resolve_product, suppliers_for

RESULTS = 20


@bp.get("/cari")
@login_required
def search() -> tuple[str, int]:
    found = _search(SearchForm(request.args))
    status = 400 if found["form"].errors else 200
    return render_template(
        "officer/search.html",
        **found,
        units=allowed_units(found["product"]) if found["product"] else [],
        cert_labels=CERT_LABELS,
        region_labels=REGION_LABELS,
    ), status


@bp.get("/cari/lembar.pdf")
@login_required
def search_sheet() -> Any:
    """The result sheet to print (A4 PDF); without a valid search, back to the search page."""
    from ...sheets import supplier_sheet
    from ..public import pdf_response, public_url

    found = _search(SearchForm(request.args))
    form, product = found["form"], found["product"]
    if product is None or form.errors:
        args: dict[str, Any] = request.args.to_dict(flat=False)
        return redirect(url_for(".search", **args))
    conditions = [(_("Product"), product.name(locale()))]
    if form.quantity.data:
        conditions.append(
            (_("Quantity"), f"{form.quantity.data} {form.unit.data or product.base_unit}")
        )
    if found["me"] is not None:
        conditions.append((_("Delivered to"), found["me"].name))
        if form.radius.data:
            conditions.append((_("Within"), f"{form.radius.data} km"))
    if form.region_type.data:
        conditions.append((_("Region type"), str(REGION_LABELS.get(form.region_type.data, ""))))
    if form.curation_status.data:
        conditions.append((_("Curation"), str(dict(CURATION_FILTERS)[form.curation_status.data])))
    if form.certs.data:
        conditions.append(
            (_("Certificates"), ", ".join(str(CERT_LABELS.get(c, c)) for c in form.certs.data))
        )
    pdf = supplier_sheet(
        product,
        found["rows"],
        conditions=conditions,
        public_url=public_url("public.pesantren_directory", product=product.slug, kind="offer"),
        language=locale(),
    )
    return pdf_response(pdf, f"opop-pemasok-{product.slug}.pdf")


def _search(form: SearchForm) -> dict[str, Any]:
    """What the search page shows for ``form``: the product, choices, ranked rows."""
    me = db.session.get(Pesantren, current_user.pesantren_id) if current_user.pesantren_id else None
    product: Product | None = None
    choices: list[Product] = []
    rows: list[dict[str, Any]] = []
    searched = bool(form.q.data and form.q.data.strip())
    base_quantity: float | None = None
    if searched and form.validate():
        resolved = resolve_product(form.q.data or "")
        product, choices = resolved.product, resolved.choices
        if product is None:
            if resolved.ambiguous:
                message = _("Several products match “%(text)s”: choose one.", text=form.q.data)
            elif choices:
                message = _(
                    "We do not know the product “%(text)s”. Did you mean one of these?",
                    text=form.q.data,
                )
            else:
                message = _(
                    "We do not know the product “%(text)s”. Try another name.", text=form.q.data
                )
            form.q.errors = [message]
        else:
            base_quantity = _base_quantity(form, product)
        if product is not None and not form.errors:
            rows = _results(form, product, me, base_quantity)
    return {
        "form": form,
        "product": product,
        "choices": choices,
        "rows": rows,
        "searched": searched,
        "me": me,
    }


def _base_quantity(form: SearchForm, product: Product) -> float | None:
    from matcher.units import UnitError, to_base

    text = (form.quantity.data or "").strip()
    try:
        number = read_number(text, locale())
    except NotANumber:
        form.quantity.errors = [_("“%(text)s” is not a number.", text=text)]
        return None
    if number is None:
        return None
    quantity = float(number)
    if not quantity > 0:
        form.quantity.errors = [_("The quantity must be more than zero.")]
        return None
    unit_text = (form.unit.data or "").strip() or product.base_unit
    unit, problem = check_unit(product, unit_text, locale())
    if unit is None:
        form.unit.errors = [problem or ""]
        return None
    try:
        return float(to_base(quantity, unit, product.base_unit))
    except (UnitError, ValueError):
        form.unit.errors = [
            _("%(unit)s cannot be converted to %(base)s.", unit=unit_text, base=product.base_unit)
        ]
        return None


def _query(form: SearchForm, product: Product, me: Pesantren | None, quantity: float | None) -> Any:
    from matcher.search import SupplierQuery

    radius = form.radius.data
    return SupplierQuery(
        product=product.slug,
        quantity=quantity,  # already in the product's base unit
        pesantren_id=me.id if me else None,  # where to deliver; its own offers left out
        radius_km=float(radius) if radius and radius.isdigit() and me else None,
        required_certs=tuple(form.certs.data or ()),
        region_type=form.region_type.data or None,
    )


def _results(
    form: SearchForm, product: Product, me: Pesantren | None, quantity: float | None
) -> list[dict[str, Any]]:
    frame = suppliers_for(
        _query(form, product, me, quantity),
        k=RESULTS,
        curation=parse_filter(form.curation_status.data),  # the form's choices all parse
    )
    if frame.empty:
        return []
    ids = [int(i) for i in frame["pesantren_id"].tolist()]
    suppliers = {
        p.id: p for p in db.session.scalars(select(Pesantren).where(Pesantren.id.in_(ids)))
    }
    language = locale()
    products = {
        p.slug: p
        for p in db.session.scalars(select(Product).where(Product.slug.in_(set(frame["product"]))))
    }
    rows = []
    for record in frame.to_dict("records"):
        supplier = suppliers.get(int(record["pesantren_id"]))
        if supplier is None:
            continue
        offered = products.get(str(record["product"]), product)
        text = request_text(offered.name(language), quantity, product.base_unit, me, supplier)
        rows.append(
            {
                "pesantren": supplier,
                "product": offered,
                "quantity": record.get("quantity"),
                "price": record.get("price"),
                "distance_km": record.get("distance_km"),
                "certs": _certs(record.get("certs")),
                "score": record.get("score"),
                "why": localised(
                    {"id": record.get("why_id"), "en": record.get("why_en")}, language
                ),
                "whatsapp": whatsapp_link(supplier.whatsapp, text),
                "mailto": mailto_link(
                    supplier.email, _("Request: %(product)s", product=offered.name(language)), text
                ),
            }
        )
    return rows


def _certs(value: Any) -> list[str]:
    if value is None or value != value:
        return []
    if isinstance(value, str):
        return [c for c in value.replace(",", ";").split(";") if c]
    return [str(c) for c in value]


def request_text(
    product_name: str,
    quantity: float | None,
    unit: str,
    me: Pesantren | None,
    supplier: Pesantren,
) -> str:
    """The message a buyer sends a supplier, in the reader's language."""
    from ...formatting import quantity as fmt_quantity

    who = (
        _("I am %(name)s from %(pesantren)s.", name=current_user.name, pesantren=me.name)
        if me
        else _("I am %(name)s, OPOP facilitator.", name=current_user.name)
    )
    if quantity:
        ask = _(
            "We are looking for %(quantity)s %(unit)s of %(product)s per month.",
            quantity=fmt_quantity(quantity),
            unit=unit,
            product=product_name,
        )
    else:
        ask = _("We are looking for %(product)s.", product=product_name)
    return " ".join(
        [
            _("Assalamu'alaikum, %(contact)s.", contact=supplier.contact_name or supplier.name),
            who,
            ask,
            _("Can %(supplier)s supply it? (via OPOP Match)", supplier=supplier.name),
        ]
    )
