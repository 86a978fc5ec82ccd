"""Plausible values beyond the listing rules: pesantren records, certificates, dates and text.

One set of limits for every entry point that writes these values: the facilitator's
pesantren form and the spreadsheet import (the JSON API only reads pesantren). The listing
rules (:mod:`webapp.listings.rules`) use the same text and date checks. Each check returns
``{field: message}`` (the form field and the spreadsheet column share the names), the
message in the reader's language; an empty dict when all is well.

- names, contact names and addresses are one line: no control characters, CR and LF
  included (a CR/LF in a contact name breaks every email addressed to it), at most the
  lengths below;
- ``santri_count`` is a whole number from 0 to :data:`MAX_SANTRI`;
- dates that record the past (a listing's ``last_confirmed``, a certificate's ``issued_on``)
  are at most :data:`FUTURE_TOLERANCE` after today (time zones).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _

__all__ = [
    "FUTURE_TOLERANCE",
    "MAX_ADDRESS_LENGTH",
    "MAX_CONTACT_NAME_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_NOTE_LENGTH",
    "MAX_SANTRI",
    "MAX_TOKEN_NAME",
    "check_past_date",
    "check_pesantren",
    "check_text",
    "has_control_characters",
]

#: The largest pesantren have some tens of thousands of santri; more is a typing mistake.
MAX_SANTRI = 100_000
#: Longest pesantren name, contact name and address (as the database stores them).
MAX_NAME_LENGTH = 160
MAX_CONTACT_NAME_LENGTH = 120
MAX_ADDRESS_LENGTH = 255
#: Longest note: on a listing, a veto, a decline or a cancelled deal.
MAX_NOTE_LENGTH = 500
#: Longest API token name (what the token list shows).
MAX_TOKEN_NAME = 80
#: How far after today a date of the past may lie (the reader may be a time zone ahead).
FUTURE_TOLERANCE = dt.timedelta(days=1)

_TEXT_LIMITS = {
    "name": MAX_NAME_LENGTH,
    "contact_name": MAX_CONTACT_NAME_LENGTH,
    "address": MAX_ADDRESS_LENGTH,
}


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds control characters (NUL, ESC, DEL ...; CR and LF too unless
    ``multiline``, as in a note). A tab is whitespace, allowed everywhere.

    >>> has_control_characters("Ust. Ahmad\\r\\nBcc: x@y"), has_control_characters("a\\nb", multiline=True)
    (True, False)
    """
    allowed = "\r\n\t" if multiline else "\t"
    return any((ord(c) < 32 or 127 <= ord(c) < 160) and c not in allowed for c in text)


def check_text(text: str, limit: int, *, multiline: bool = False) -> str | None:
    """The problem with one typed text (too long, control characters), or ``None``."""
    if len(text) > limit:
        return str(_("At most %(n)s characters.", n=limit))
    if has_control_characters(text, multiline=multiline):
        return str(_("Remove the control characters from this text."))
    return None


def check_past_date(day: dt.date | None, today: dt.date | None = None) -> str | None:
    """The problem with a date that records the past (it lies in the future), or ``None``."""
    today = today or dt.date.today()
    if day is not None and day > today + FUTURE_TOLERANCE:
        return str(
            _(
                "%(date)s is in the future; this date records what has happened.",
                date=day.isoformat(),
            )
        )
    return None


def check_pesantren(values: Mapping[str, object]) -> dict[str, str]:
    """The problems of a pesantren's values; only the fields present in ``values`` are
    checked (``name``, ``contact_name``, ``address``, ``santri_count``)."""
    problems: dict[str, str] = {}
    for name, limit in _TEXT_LIMITS.items():
        if name in values:
            problem = check_text(str(values[name] or ""), limit)
            if problem:
                problems[name] = problem
    if "santri_count" in values:
        santri = values["santri_count"]
        if santri is not None and not (
            isinstance(santri, int) and not isinstance(santri, bool) and 0 <= santri <= MAX_SANTRI
        ):
            problems["santri_count"] = _(
                "The number of santri is a whole number from 0 to %(max)s.",
                max=format_decimal(MAX_SANTRI, locale=str(get_locale() or "id")),
            )
    return problems
