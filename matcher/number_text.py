"""Numbers as people type them in Indonesia and in English: ``1.250,5`` and ``1,250.5``.

Numbers come from forms and spreadsheets typed in Indonesia: ``1.250,5`` and ``1,250.5`` are
both 1250.5. A single dot followed by exactly three digits (``1.250``) is a thousands
separator, as Indonesians write it; a single comma is a decimal comma (``1,5`` = 1.5). In
English the lone separators read the other way round. Every entry point (forms, API,
import, alternative units) reads numbers through :func:`parse_number`.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Literal

__all__ = ["parse_number"]


_GROUPED = re.compile(r"^\d{1,3}([.,  ]\d{3})+$")


def parse_number(text: str | float, language: Literal["id", "en"] = "id") -> float:
    """Parse a number typed the Indonesian or the English way.

    ``Rp`` / ``IDR`` and spaces are ignored. With both separators the last one is the
    decimal mark; repeated separators are thousands; a lone dot followed by exactly three
    digits is a thousands dot (``1.250`` = 1250), any other lone dot is a decimal point, and a
    lone comma is a decimal comma (``1,5`` = 1.5). Numbers (not booleans) pass through.

    ``language="en"`` reads a lone separator the English way round: a lone comma followed by
    exactly three digits groups thousands (``1,250`` = 1250) and a lone dot is a decimal point
    (``1.250`` = 1.25), so whatever an English page prints parses back to the same number.

    Raises
    ------
    ValueError
        Naming the text, when it is not a number.

    Examples
    --------
    >>> [parse_number(t) for t in ("1.250,5", "1,250.5", "1250", " 1 250 ", "Rp 55.000", "0,75")]
    [1250.5, 1250.5, 1250.0, 1250.0, 55000.0, 0.75]
    >>> parse_number("dua")
    Traceback (most recent call last):
    ...
    ValueError: not a number: 'dua'
    >>> [parse_number(t, "en") for t in ("1,250", "1.250", "1,250.5", "1,5", "1.250,5")]
    [1250.0, 1.25, 1250.5, 1.5, 1250.5]
    """
    if isinstance(text, bool):
        raise ValueError(f"not a number: {text!r}")
    if isinstance(text, numbers.Real):
        if not math.isfinite(text):
            raise ValueError(f"not a finite number: {text!r}")
        return float(text)
    raw = str(text)
    cleaned = raw.replace("\u00a0", " ").replace("\u202f", " ").strip()
    cleaned = re.sub(r"^(rp\.?|idr)\s*", "", cleaned, flags=re.IGNORECASE).strip()
    sign = 1.0
    if cleaned[:1] in ("-", "+"):
        sign, cleaned = (-1.0 if cleaned[0] == "-" else 1.0), cleaned[1:].strip()
    cleaned = re.sub(r",-$", "", cleaned)  # "55.000,-" is how prices end on receipts
    value = _parse_unsigned(cleaned, "," if language == "en" else ".")
    if value is None:
        raise ValueError(f"not a number: {raw.strip()!r}")
    return sign * value


def _parse_unsigned(text: str, grouping: str) -> float | None:
    if not text or not re.fullmatch(r"[\d., ]+", text) or not text[0].isdigit():
        return None
    if " " in text:
        if not re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d+)?", text):
            return None
        text = text.replace(" ", "")
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        whole, _, fraction = text.rpartition(decimal)
        if text.count(decimal) > 1 or not fraction.isdigit():
            return None
        if not re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})+", whole):
            return None
        return float(whole.replace(thousands, "") + "." + fraction)
    separator = "." if dots else "," if commas else ""
    if not separator:
        return float(text)
    count = dots or commas
    if count > 1:
        return float(text.replace(separator, "")) if _GROUPED.match(text) else None
    whole, fraction = text.split(separator)
    if not whole or not fraction:
        return None
    if separator == grouping and len(fraction) == 3 and len(whole) <= 3 and whole != "0":
        return float(whole + fraction)
    return float(whole + "." + fraction)
