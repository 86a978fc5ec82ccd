"""Cell parsers: each turns spreadsheet text into a typed value or raises :class:`CellError`.

The messages are the *reason* part of a row error, in the reader's language; the row,
column and value are added by the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from matcher.vocabulary import CERT_KINDS, EAST_JAVA_BOUNDS, REGION_TYPES

from ..listings.numbers import NotADate, NotANumber, read_date, read_number

__all__ = [
    "CellError",
    "parse_cert_kind",
    "parse_coordinate",
    "parse_date",
    "parse_decimal",
    "parse_email",
    "parse_int",
    "parse_language",
    "parse_period",
    "parse_region_types",
    "parse_whatsapp",
]


class CellError(ValueError):
    """A cell whose text cannot be used; the message says why."""


def parse_decimal(text: str, *, positive: bool = False, allow_zero: bool = True) -> Decimal:
    """A number in Indonesian (``1.250,5``) or English (``1,250.5``) notation, read by the
    service's one number parser (:func:`webapp.listings.read_number`, the Indonesian way).

    >>> parse_decimal("1.250,5")
    Decimal('1250.5')
    """
    try:
        number = read_number(text, "id")
    except NotANumber as exc:
        raise CellError(_("not a number")) from exc
    if number is None:
        raise CellError(_("not a number"))
    if number < 0:
        raise CellError(_("must not be negative"))
    if (positive or not allow_zero) and number == 0:
        raise CellError(_("must be greater than zero"))
    return number


def parse_int(text: str) -> int:
    number = parse_decimal(text)
    if number != number.to_integral_value():
        raise CellError(_("must be a whole number"))
    return int(number)


def parse_coordinate(text: str, axis: str) -> float:
    """Latitude or longitude in decimal degrees, inside East Java (incl. Madura and islands)."""
    raw = text.strip().replace("\u2212", "-").replace(" ", "")
    negative = raw.startswith("-")
    digits = raw.lstrip("+-")
    # A coordinate has one decimal separator: "-7,8707" is Indonesian notation for -7.8707.
    if digits.count(",") == 1 and "." not in digits:
        digits = digits.replace(",", ".")
    try:
        value = float(digits)
    except ValueError as exc:
        raise CellError(_("not a coordinate in decimal degrees (e.g. -7.8707)")) from exc
    value = -value if negative else value
    lat_min, lat_max, lon_min, lon_max = EAST_JAVA_BOUNDS
    low, high = (lat_min, lat_max) if axis == "lat" else (lon_min, lon_max)
    if not low <= value <= high:
        if axis == "lat":
            raise CellError(
                _("latitude outside East Java (expected %(low)s to %(high)s)", low=low, high=high)
            )
        raise CellError(
            _("longitude outside East Java (expected %(low)s to %(high)s)", low=low, high=high)
        )
    return value


def parse_date(text: str) -> dt.date:
    """``2025-08-17``, ``17/08/2025``, ``17-08-2025`` or ``17 Agustus 2025`` (day first), read
    by the service's one date reader (:func:`webapp.listings.read_date`).

    >>> parse_date("17 Agustus 2025")
    datetime.date(2025, 8, 17)
    """
    try:
        value = read_date(text)
    except NotADate as exc:
        if exc.impossible:
            raise CellError(_("no such date")) from exc
        raise CellError(_("not a date (use YYYY-MM-DD, e.g. 2025-08-17)")) from exc
    if value is None:
        raise CellError(_("not a date (use YYYY-MM-DD, e.g. 2025-08-17)"))
    return value


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


def parse_period(text: str) -> str:
    """``month``, ``week``, ``day`` or ``year`` from English or Indonesian (``per bulan``)."""
    from matcher.units import UnitError, normalise_period

    try:
        return normalise_period(text)
    except UnitError as exc:
        raise CellError(str(exc)) from exc


_CERT_KINDS = {
    "halal": "halal", "sertifikat_halal": "halal", "pirt": "pirt", "p_irt": "pirt",
    "spp_irt": "pirt", "sppirt": "pirt", "bpom": "bpom_md", "bpom_md": "bpom_md", "md": "bpom_md",
    "bpom_ri_md": "bpom_md", "ml": "bpom_md", "sni": "sni",
}  # fmt: skip


def parse_cert_kind(text: str) -> str:
    kind = _CERT_KINDS.get(_key(text))
    if kind is None or kind not in CERT_KINDS:
        raise CellError(
            _("unknown certificate kind; use one of %(kinds)s", kinds=", ".join(CERT_KINDS))
        )
    return kind


def parse_language(text: str) -> str:
    key = _key(text)
    if key in ("id", "ind", "indonesia", "indonesian", "bahasa_indonesia", "bahasa"):
        return "id"
    if key in ("en", "eng", "english", "inggris", "bahasa_inggris"):
        return "en"
    raise CellError(_("unknown language; use id (Bahasa Indonesia) or en (English)"))


def parse_region_types(text: str) -> list[str]:
    values = [_key(v) for v in re.split(r"[;,|]", text) if v.strip()]
    unknown = [v for v in values if v not in REGION_TYPES]
    if unknown:
        raise CellError(
            _(
                "unknown region type %(type)s; use %(types)s",
                type=repr(unknown[0]),
                types=", ".join(REGION_TYPES),
            )
        )
    return list(dict.fromkeys(values))


def parse_whatsapp(text: str) -> str:
    """An Indonesian mobile number as E.164 digits without ``+``: ``0812-3456-7890`` → ``6281234567890``.

    >>> parse_whatsapp("0812-3456-7890")
    '6281234567890'
    """
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise CellError(_("not a phone number")) from exc
    if not phonenumbers.is_valid_number(number):
        raise CellError(_("not a valid phone number (e.g. 0812-3456-7890 or +62 812 3456 7890)"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def parse_email(text: str) -> str:
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise CellError(_("not a valid email address (%(reason)s)", reason=str(exc))) from exc
    return str(result.normalized)


def decimal_or_none(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
