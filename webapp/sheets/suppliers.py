"""The supplier-search result sheet: the ranked suppliers of one product, as the search page
shows them to a signed-in user (with contact), and a QR code to the public list of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _

from ..formatting import day, quantity, rupiah
from ..labels import CERT_LABELS
from ..models import Product
from .pdf import Sheet, made_on, qr_code

__all__ = ["supplier_sheet"]


def supplier_sheet(
    product: Product,
    rows: Sequence[dict[str, Any]],
    *,
    conditions: Sequence[tuple[str, str]],
    public_url: str,
    language: str,
) -> bytes:
    """``rows`` as :func:`webapp.views.officer.search` builds them; ``conditions`` are the
    search's label/value pairs; the QR code opens ``public_url``."""
    name = product.name(language)
    sheet = Sheet(
        title=_("Suppliers of %(product)s", product=name),
        subtitle=_(
            "Reference price %(low)s – %(high)s per %(unit)s (OPOP Match catalogue)",
            low=rupiah(product.price_min),
            high=rupiah(product.price_max),
            unit=product.base_unit,
        ),
        footer=_("OPOP Match supplier search, printed %(day)s", day=day(made_on())),
    )
    sheet.facts([*conditions, (_("Suppliers"), str(len(rows)))], aside=qr_code(public_url))
    sheet.space()
    if not rows:
        sheet.paragraph(_("No supplier matches these conditions."))
        return sheet.render()
    table = []
    for rank, r in enumerate(rows, start=1):
        supplier = r["pesantren"]
        offered: Product = r["product"]
        what = offered.name(language)
        if offered.id != product.id:
            what += f" ({_('substitute')})"
        contact = [supplier.contact_name or ""]
        if supplier.whatsapp:
            contact.append("WA +" + supplier.whatsapp.replace("+", ""))
        if supplier.email:
            contact.append(supplier.email)
        distance = r.get("distance_km")
        table.append(
            [
                f"{rank}. {supplier.name}",
                supplier.regency.short_name
                + (
                    f" · {quantity(distance)} km"
                    if distance is not None and distance == distance
                    else ""
                ),
                what,
                f"{rupiah(r.get('price'))}/{offered.base_unit}",
                f"{quantity(r.get('quantity'))} {offered.base_unit} {_('per month')}",
                ", ".join(str(CERT_LABELS.get(c, c)) for c in r.get("certs") or []) or "–",
                "\n".join(c for c in contact if c) or "–",
            ]
        )
    sheet.table(
        [
            _("Pesantren"),
            _("Where"),
            _("Product"),
            _("Price"),
            _("Available"),
            _("Certificates"),
            _("Contact"),
        ],
        table,
        [0.2, 0.13, 0.14, 0.11, 0.13, 0.11, 0.18],
    )
    return sheet.render()
