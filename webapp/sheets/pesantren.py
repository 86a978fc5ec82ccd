"""A pesantren's product sheet: its offers with their certificates, contact, and a QR code
to its public profile. It shows what the public profile shows (contact details only when
the caller says the reader may see them)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from ..formatting import day, quantity, rupiah
from ..labels import CERT_LABELS, CURATION_LABELS, PERIOD_LABELS, REGION_LABELS
from ..models import Pesantren
from .pdf import Sheet, made_on, qr_code

__all__ = ["pesantren_sheet"]


def pesantren_sheet(
    pesantren: Pesantren, *, profile_url: str, language: str, show_contact: bool
) -> bytes:
    """The sheet as PDF bytes; ``profile_url`` is what the QR code opens."""
    today = made_on()
    sheet = Sheet(
        title=pesantren.name,
        subtitle=" · ".join(
            part
            for part in (
                pesantren.regency.name,
                _("%(n)s santri", n=quantity(pesantren.santri_count)),
                f"NSPP {pesantren.nspp}" if pesantren.nspp else "",
            )
            if part
        ),
        footer=_(
            "OPOP Match product sheet, printed %(day)s · %(url)s", day=day(today), url=profile_url
        ),
    )
    facts = [
        (
            _("Region type"),
            ", ".join(str(REGION_LABELS.get(r, r)) for r in pesantren.region_types) or "–",
        ),
        (
            _("Curation"),
            str(CURATION_LABELS.get(pesantren.curation_status, pesantren.curation_status)),
        ),
    ]
    if show_contact:
        contact = [pesantren.contact_name or "–"]
        if pesantren.whatsapp:
            contact.append("WhatsApp +" + pesantren.whatsapp.replace("+", ""))
        if pesantren.email:
            contact.append(pesantren.email)
        facts.append((_("Contact"), " · ".join(contact)))
    else:
        facts.append(
            (
                _("Contact"),
                _("Scan the QR code or open the profile and sign in to see the contact details."),
            )
        )
    facts.append((_("Profile"), profile_url))
    sheet.facts(facts, aside=qr_code(profile_url))

    offers = sorted(
        (item for item in pesantren.listings if item.kind == "offer" and item.status == "active"),
        key=lambda item: item.product.name(language),
    )
    sheet.heading(_("Offers"))
    if offers:
        sheet.table(
            [_("Product"), _("Quantity"), _("Reference price"), _("Certificates")],
            [
                [
                    listing.product.name(language),
                    f"{quantity(listing.quantity)} {listing.unit} {PERIOD_LABELS.get(listing.period, listing.period)}",
                    f"{rupiah(listing.product.price_min)} – {rupiah(listing.product.price_max)}/{listing.product.base_unit}",
                    _certificates(pesantren, listing.product_id, today),
                ]
                for listing in offers
            ],
            [0.28, 0.2, 0.22, 0.3],
        )
        sheet.paragraph(
            _(
                "Reference prices: the OPOP Match catalogue's price range per base unit, mostly estimates (see the catalogue page)."
            ),
            "small",
        )
    else:
        sheet.paragraph(_("No active offers."))
    needs = sorted(
        (item for item in pesantren.listings if item.kind == "need" and item.status == "active"),
        key=lambda item: item.product.name(language),
    )
    if needs:
        sheet.heading(_("Needs"))
        sheet.table(
            [_("Product"), _("Quantity")],
            [
                [
                    listing.product.name(language),
                    f"{quantity(listing.quantity)} {listing.unit} {PERIOD_LABELS.get(listing.period, listing.period)}",
                ]
                for listing in needs
            ],
            [0.5, 0.5],
        )
    return sheet.render()


def _certificates(pesantren: Pesantren, product_id: int, today: dt.date) -> str:
    found = sorted(
        (c for c in pesantren.certificates if c.product_id == product_id),
        key=lambda c: (c.kind, c.number),
    )
    parts = []
    for c in found:
        label = f"{CERT_LABELS.get(c.kind, c.kind)} {c.number}"
        if c.expires_on is None:
            label += f" ({_('no expiry')})"
        elif c.expires_on < today:
            label += f" ({_('expired')} {day(c.expires_on)})"
        else:
            label += f" ({_('valid until %(day)s', day=day(c.expires_on))})"
        parts.append(label)
    return "; ".join(parts) or "–"
