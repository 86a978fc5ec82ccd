"""Reading numbers and dates the way people type them, in Indonesian or English.

One parser for every number field of the service (the listing form, the facilitator's
"reduce" form, the supplier search, the JSON API and the spreadsheet import): it is
:func:`matcher.number_text.parse_number` with the reader's language deciding what a lone
separator means. In Indonesian ``1.250`` is 1250 and ``1,5`` is 1.5; in English ``1,250`` is
1250 and ``1.5`` is 1.5; with both separators (``1.250,5`` / ``1,250.5``) the last one is the
decimal mark in either language. What :mod:`webapp.formatting` prints in a language parses
back to the same number in that language (tested).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Literal

from matcher.number_text import parse_number

__all__ = ["NotADate", "NotANumber", "language_of", "read_date", "read_number"]

Language = Literal["id", "en"]


class NotANumber(ValueError):
    """The text is not a number (the message is the text)."""


class NotADate(ValueError):
    """The text is not a date; ``impossible`` when it names no real day (31/02)."""

    def __init__(self, text: str, *, impossible: bool = False) -> None:
        super().__init__(text)
        self.text, self.impossible = text, impossible


def language_of(value: str | None) -> Language:
    """``"en"`` for English, else Indonesian (the service's first language).

    >>> language_of("en"), language_of("id"), language_of(None)
    ('en', 'id', 'id')
    """
    return "en" if str(value or "").lower().startswith("en") else "id"


def read_number(raw: object, language: str | None = "id") -> Decimal | None:
    """A typed or sent number as a :class:`~decimal.Decimal`; ``None`` for nothing typed.

    Text is read in ``language`` (see the module docstring); JSON numbers pass through.

    >>> read_number("1.250"), read_number("1.250", "en"), read_number("Rp 55.000,-")
    (Decimal('1250'), Decimal('1.25'), Decimal('55000'))
    >>> read_number(" ") is None
    True
    >>> read_number("banyak")
    Traceback (most recent call last):
    ...
    webapp.listings.numbers.NotANumber: banyak
    """
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NotANumber(str(raw))
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise NotANumber(str(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, str) and not raw.strip():
        return None
    try:
        value = parse_number(raw, language_of(language))
    except (ValueError, TypeError, ArithmeticError):
        raise NotANumber(str(raw).strip()) from None
    if not math.isfinite(value):
        raise NotANumber(str(raw).strip())
    number = Decimal(repr(value))
    return number.to_integral_value() if number == number.to_integral_value() else number


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}


def read_date(raw: object) -> dt.date | None:
    """``2025-08-17``, ``17/08/2025``, ``17-08-2025`` or ``17 Agustus 2025`` (day first).

    Dates pass through; ``None`` for nothing typed.

    >>> read_date("17 Agustus 2025")
    datetime.date(2025, 8, 17)
    """
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    value = str(raw).strip()
    if not value:
        return None
    try:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = re.fullmatch(r"(\d{1,2})[\s-]+([A-Za-z]+)\.?[\s-]+(\d{4})", value)
        if match and match.group(2).lower() in _MONTHS:
            return dt.date(
                int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1))
            )
    except ValueError:
        raise NotADate(value, impossible=True) from None
    raise NotADate(value)
