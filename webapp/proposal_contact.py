"""Contact where the deal is: the other parties of a proposal, how to reach them, what next.

For each other party: the contact person, a WhatsApp link whose prefilled message is in
*that party's* language (``pesantren.language``), naming every flow with its quantity in the
listing's own trade unit and in the base unit, the value and a link for that party (its view
link; a facilitator's message carries its personal answer link: :mod:`webapp.answer_links`),
and a ``mailto:`` link with the same text. And one
sentence per proposal state saying what happens next (:data:`NEXT_STEPS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matcher.units import UnitError, to_base

from .answer_links import answer_url, response_deadline, view_url
from .contact import mailto_link, wa_number, whatsapp_link
from .formatting import moment, rupiah
from .formatting import quantity as fmt_qty
from .labels import KIND_LABELS
from .models import Listing, Pesantren, Proposal, ProposalLeg
from .proposals import ANSWERABLE_STATES

__all__ = [
    "NEXT_STEPS",
    "PartyContact",
    "deadline_text",
    "leg_text",
    "next_step",
    "party_contacts",
    "proposal_message",
    "quantity_text",
    "trade_quantity",
]

#: What happens next, one sentence per state.
NEXT_STEPS = {
    "draft": _l("A facilitator checks this proposal before it is sent to the pesantren."),
    "published": _l(
        "Each pesantren accepts or declines by the deadline; when all accept, the deal is "
        "confirmed."
    ),
    "accepted_by_some": _l(
        "Some pesantren have accepted; once the others accept by the deadline, the deal is "
        "confirmed."
    ),
    "confirmed": _l(
        "The deal is agreed: arrange the delivery with the other parties, then mark it completed."
    ),
    "completed": _l("The goods have been delivered; this deal counts in each pesantren's record."),
    "declined": _l(
        "A pesantren declined; nothing is reserved, and the next round looks for other partners."
    ),
    "expired": _l(
        "Not every pesantren answered in time; nothing is reserved, and the next round looks again."
    ),
    "cancelled": _l("The proposal was called off; nothing is reserved."),
}


def next_step(state: str) -> str:
    return str(NEXT_STEPS.get(state, ""))


def deadline_text(proposal: Proposal) -> str | None:
    """The response deadline in Western Indonesian Time, in the current locale
    (``10 Des 2026 02.23 WIB``); None for a proposal never published."""
    deadline = response_deadline(proposal)
    if deadline is None:
        return None
    return moment(deadline)


@dataclass(frozen=True)
class PartyContact:
    pesantren: Pesantren
    contact_name: str
    phone: str  # as wa.me wants it, without "+", or ""
    whatsapp: str | None
    email: str
    mailto: str | None
    language: str


def _listing_for(leg: ProposalLeg, reader_id: int | None) -> Listing:
    """The listing whose trade unit the reader knows: their own, else the offer."""
    if reader_id is not None and reader_id == leg.receiver_id:
        return leg.need
    return leg.offer


def trade_quantity(leg: ProposalLeg, listing: Listing) -> str | None:
    """The leg's monthly quantity in ``listing``'s own unit (``31,8 karung``); None when the
    listing is kept in the base unit or its unit no longer converts."""
    base = leg.product.base_unit
    if listing.unit == base:
        return None
    try:
        size = to_base(
            1.0,
            listing.unit,
            base,
            unit_size=float(listing.unit_size) if listing.unit_size is not None else None,
        )
    except (UnitError, KeyError, ValueError):
        return None
    return f"{fmt_qty(float(leg.quantity) / size)} {listing.unit}"


def quantity_text(leg: ProposalLeg, reader_id: int | None) -> str:
    """``31,8 karung (1.589 kg)``: the reader's trade unit first, then the base unit."""
    base = f"{fmt_qty(leg.quantity)} {leg.product.base_unit}"
    trade = trade_quantity(leg, _listing_for(leg, reader_id))
    return f"{trade} ({base})" if trade else base


def leg_text(leg: ProposalLeg, language: str, reader_id: int | None) -> str:
    """One flow in the current locale, in trade unit and base unit."""
    return _(
        "%(giver)s supplies %(quantity)s per month of %(product)s to %(receiver)s",
        giver=leg.giver.name,
        quantity=quantity_text(leg, reader_id),
        product=leg.product.name(language),
        receiver=leg.receiver.name,
    )


def proposal_message(
    proposal: Proposal, recipient: Pesantren, link: str | None, sender: str | None = None
) -> str:
    """The WhatsApp / email text for ``recipient``, in the recipient's language, ending with
    ``link`` (none: the recipient's own email carries it)."""
    language = recipient.language or "id"
    with force_locale(language):
        deadline = deadline_text(proposal)
        lines = [
            _(
                "Assalamu'alaikum, %(contact)s.",
                contact=recipient.contact_name or recipient.name,
            )
        ]
        if sender:
            lines.append(sender)
        lines.append(
            _(
                "OPOP Match proposes %(kind)s #%(id)s, worth %(value)s per month:",
                kind=str(KIND_LABELS.get(proposal.kind, proposal.kind)),
                id=proposal.id,
                value=rupiah(proposal.value_idr),
            )
        )
        lines += ["- " + leg_text(leg, language, recipient.id) for leg in proposal.legs]
        if deadline is not None and proposal.state in ANSWERABLE_STATES:
            if link:
                lines.append(_("Please answer by %(date)s:", date=deadline) + " " + link)
            else:
                lines.append(_("Please answer by %(date)s.", date=deadline))
        elif link:
            lines.append(_("The proposal: %(link)s", link=link))
        return "\n".join(lines)


def party_contacts(
    proposal: Proposal,
    viewer_id: int | None,
    *,
    sender: Callable[[Pesantren], str | None] = lambda _p: None,
    fallback_url: Callable[[int], str] | None = None,
    personal_links: bool = False,
) -> list[PartyContact]:
    """Every party except ``viewer_id``'s, with contact links carrying a prefilled message.

    Once the proposal is published the message ends with the recipient's view link: it
    shows the proposal and emails the recipient its own answer link, so a party cannot
    answer for another with what its page hands it. Only a facilitator's messages
    (``personal_links``) carry the recipient's answer link itself: that is how a pesantren
    without an email address answers. Before publication the message ends with
    ``fallback_url(proposal.id)`` (the proposal page), else with no link. ``sender(recipient)``
    (called in the recipient's locale) introduces the writer.
    """
    published = response_deadline(proposal) is not None
    out = []
    for party in proposal.parties:
        p = party.pesantren
        if p.id == viewer_id:
            continue
        link: str | None = None
        if published:
            link = (answer_url if personal_links else view_url)(proposal.id, p.id)
        elif fallback_url is not None:
            link = fallback_url(proposal.id)
        with force_locale(p.language or "id"):
            text = proposal_message(proposal, p, link, sender(p))
            subject = _(
                "%(kind)s #%(id)s on OPOP Match",
                kind=str(KIND_LABELS.get(proposal.kind, proposal.kind)),
                id=proposal.id,
            )
        out.append(
            PartyContact(
                pesantren=p,
                contact_name=p.contact_name,
                phone=whatsapp_number(p.whatsapp),
                whatsapp=whatsapp_link(p.whatsapp, text),
                email=p.email,
                mailto=mailto_link(p.email, subject, text),
                language=p.language,
            )
        )
    return out


def whatsapp_number(phone: str) -> str:
    number = wa_number(phone)
    return number if len(number) >= 8 else ""
