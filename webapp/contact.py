"""Contact links: WhatsApp (``wa.me``) with a prefilled message, and ``mailto:``.

One place for both, used by the supplier search, the proposal page and the answer-link page.
Numbers are stored as E.164 digits (``62812…``) but older rows and spreadsheets carry
``0812-…`` or ``+62 812 …``; :func:`wa_number` reads them all.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["mailto_link", "masked_email", "wa_number", "whatsapp_link"]


def wa_number(phone: str) -> str:
    """WhatsApp wants international digits without ``+``.

    >>> wa_number("0812-3456-7890")
    '6281234567890'
    >>> wa_number("+62 812 3456 7890")
    '6281234567890'
    >>> wa_number("6281234567890")
    '6281234567890'
    >>> wa_number("812 3456 7890")
    '6281234567890'
    """
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits


def whatsapp_link(phone: str, text: str) -> str | None:
    """``https://wa.me/62…?text=…``, or None when there is no usable number.

    >>> whatsapp_link("0812 3456 7890", "Halo & salam")
    'https://wa.me/6281234567890?text=Halo%20%26%20salam'
    >>> whatsapp_link("", "Halo") is None
    True
    """
    number = wa_number(phone)
    if len(number) < 8:
        return None
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


def mailto_link(email: str, subject: str, body: str) -> str | None:
    """``mailto:`` with subject and body, or None without an address.

    >>> mailto_link("a@b.id", "Usulan #1", "Halo")
    'mailto:a@b.id?subject=Usulan%20%231&body=Halo'
    """
    if not email or "@" not in email:
        return None
    return (
        f"mailto:{quote(email, safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    )


def masked_email(address: str) -> str:
    """Enough of an address for its owner to recognise it, too little to harvest it.

    >>> masked_email("ahmad.fauzi@pesantren.id")
    'a•••i@pesantren.id'
    >>> masked_email("ab@x.id")
    'a•••@x.id'
    """
    local, _at, domain = (address or "").partition("@")
    if not local or not domain:
        return ""
    tail = local[-1] if len(local) > 3 else ""
    return f"{local[0]}•••{tail}@{domain}"
