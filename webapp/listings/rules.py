"""The listing rules: one set, used by the officer form, the JSON API and the spreadsheet import.

:func:`check_listing` takes what a person typed or sent for one offer or need (text, JSON
numbers or dates) and the product it is for, and returns a :class:`Verdict`: the values to
store, or the problems, each naming its field (the form field, the API field and the
spreadsheet column share the names) with a message in the reader's language.

The rules:

- ``quantity`` is a number above zero; in the product's base unit it is at most
  :data:`MAX_BASE_PER_MONTH` a month (more is a typing mistake);
- ``unit`` is one of the product's units (:func:`matcher.units.units_for`); a unit whose size
  varies takes its size from ``unit_size`` or, failing that, from the catalogue
  (``karung 50 kg``); ``unit_size`` is above zero and at most :data:`MAX_UNIT_SIZE`;
- ``period`` is day, week, month or year (Indonesian words too), month when not given;
- ``price`` (rupiah per base unit; for a need the most it pays) is above zero and at most
  :data:`MAX_PRICE`; **an offer needs a price** (the round cannot value an offer without one);
- ``min_lot`` is zero or more and not above the quantity (both in base units a month);
- a listing is worth at most :data:`MAX_VALUE_PER_MONTH` rupiah a month (quantity × price:
  more is a typing mistake, and no proposal built on it could be stored);
- ``available_until`` is not before ``available_from``;
- ``note`` has at most :data:`MAX_NOTE_LENGTH` characters and no control characters;
- an edit keeps at least what confirmed proposals already hold of the listing (``committed``).

:func:`unusable_listings` applies the same limits to stored listings (the round skips a
listing planted past them, whatever put it there).

Numbers are read by :func:`webapp.listings.numbers.read_number` in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from babel.numbers import format_decimal
from flask_babel import force_locale
from flask_babel import gettext as _

from matcher.units import (
    UnitError,
    normalise_period,
    normalise_unit,
    parse_alt_unit,
    per_month,
    to_base,
    units_for,
)

from ..plausible import MAX_NOTE_LENGTH, check_text
from .numbers import NotADate, NotANumber, language_of, read_date, read_number

__all__ = [
    "FIELDS",
    "MAX_BASE_PER_MONTH",
    "MAX_NOTE_LENGTH",
    "MAX_PRICE",
    "MAX_UNIT_SIZE",
    "MAX_VALUE_PER_MONTH",
    "ListingInput",
    "Problem",
    "Verdict",
    "allowed_units",
    "check_listing",
    "check_unit",
    "stated_size",
    "unusable_listings",
]

#: Largest quantity a listing may hold, in base units per month (1,000 t of rice is already
#: far beyond the biggest pesantren kitchen); larger numbers are typing mistakes.
MAX_BASE_PER_MONTH = 1_000_000
#: Largest price per base unit (rupiah); more is a typing mistake.
MAX_PRICE = 100_000_000
#: Largest size of one unit, in the product's base unit.
MAX_UNIT_SIZE = 10_000
#: Largest value of a listing, rupiah a month (quantity × price): a trillion rupiah is beyond
#: any pesantren's trade, and keeps every proposal's value within what the database stores.
MAX_VALUE_PER_MONTH = 1_000_000_000_000
#: The fields the rules check, in the order their problems are reported.
FIELDS = (
    "quantity",
    "unit",
    "unit_size",
    "period",
    "price",
    "min_lot",
    "available_from",
    "available_until",
    "note",
)
#: No number of a listing reaches this (the database keeps 11 digits before the point).
_LARGEST = Decimal("1e11")
#: Decimal places the database keeps for each number.
_PLACES = {"quantity": 3, "unit_size": 3, "price": 2, "min_lot": 3}
#: Rounding slack when base quantities are compared.
_EPSILON = 1e-6


class ProductLike(Protocol):
    slug: str
    base_unit: str
    alt_units: str

    def name(self, language: str) -> str: ...


@dataclass(frozen=True)
class Problem:
    """One broken rule: the field it is about and what to do, in the reader's language."""

    field: str
    message: str


@dataclass
class Verdict:
    """The values to store (model attribute names) when :attr:`ok`, else the problems."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_field(self) -> dict[str, str]:
        """The first problem of each field."""
        found: dict[str, str] = {}
        for problem in self.problems:
            found.setdefault(problem.field, problem.message)
        return found


@dataclass
class ListingInput:
    """One listing as typed or sent: text, numbers, dates or ``None`` for "not given"."""

    kind: str
    quantity: object = None
    unit: object = None
    unit_size: object = None
    period: object = None
    price: object = None
    min_lot: object = None
    available_from: object = None
    available_until: object = None
    note: object = None


def allowed_units(product: ProductLike) -> list[str]:
    """The unit codes a listing of ``product`` may use, base unit first."""
    return list(units_for(product.base_unit, product.alt_units or ""))


def check_unit(
    product: ProductLike | None, text: str, language: str
) -> tuple[str | None, str | None]:
    """The unit code ``text`` names for a listing of ``product``, or the reason it cannot be
    used (in the current language): unknown, or not one of the product's units. The message
    names the unit as typed ("gelas", not the "pcs" it stands for) and the units to use."""
    try:
        unit = normalise_unit(text)
    except (UnitError, ValueError):
        return None, _("Unknown unit “%(unit)s”.", unit=text)
    if product is None:
        return unit, None
    allowed = allowed_units(product)
    if unit not in allowed:
        return None, _(
            "%(product)s is not measured in %(unit)s. Use one of: %(units)s.",
            product=product.name(language),
            unit=text,
            units=", ".join(allowed),
        )
    return unit, None


def stated_size(product: ProductLike, unit: str) -> Decimal | None:
    """The size the catalogue states for one ``unit`` of the product ("karung 50 kg" → 50)."""
    for entry in (product.alt_units or "").split("|"):
        if not entry.strip():
            continue
        try:
            alt = parse_alt_unit(entry, product.base_unit)
        except UnitError:
            continue
        if alt.code == unit and alt.size:
            return Decimal(repr(alt.size))
    return None


@contextmanager
def _speaking(language: str | None) -> Iterator[None]:
    if language is None:
        yield
    else:
        with force_locale(language):
            yield


def check_listing(
    listing: ListingInput,
    product: ProductLike | None,
    language: str | None = None,
    *,
    reading: str | None = None,
    committed: float = 0.0,
) -> Verdict:
    """Check one listing against the rules; messages in ``language`` (default: the reader's).

    Numbers given as text are read in ``reading`` (default ``language``; spreadsheets are
    read the Indonesian way whoever imports them). Without a ``product`` (one the caller
    could not resolve, and reports itself) the rules that need it are left out.
    ``committed``: base units a month that confirmed proposals hold of the listing being
    edited (:func:`webapp.market_io.reserved_quantities`); the quantity may not go below it.
    """
    with _speaking(language):
        return _Check(listing, product, reading or language, committed).run()


class _Check:
    def __init__(
        self,
        listing: ListingInput,
        product: ProductLike | None,
        reading: str | None,
        committed: float = 0.0,
    ) -> None:
        from flask_babel import get_locale

        self.listing, self.product, self.committed = listing, product, committed
        self.speaking = language_of(str(get_locale() or "id"))
        self.reading = language_of(reading or self.speaking)
        self.verdict = Verdict()

    def fail(self, name: str, message: str) -> None:
        self.verdict.problems.append(Problem(name, message))

    def number(self, name: str) -> Decimal | None:
        raw = getattr(self.listing, name)
        try:
            value = read_number(raw, self.reading)
        except NotANumber as exc:
            self.fail(name, _("“%(text)s” is not a number.", text=str(exc)))
            return None
        if value is not None and abs(value) >= _LARGEST:
            if name == "price":
                self.fail(name, _("That price is too high; check the number."))
            else:
                self.fail(
                    name, _("“%(text)s” is too large a number; check it.", text=str(raw).strip())
                )
            return None
        if value is not None:
            value = value.quantize(Decimal(1).scaleb(-_PLACES[name])).normalize()
            value = value if value != value.to_integral_value() else value.quantize(Decimal(1))
        return value

    def date(self, name: str) -> dt.date | None:
        try:
            return read_date(getattr(self.listing, name))
        except NotADate as exc:
            if exc.impossible:
                self.fail(name, _("There is no date “%(text)s”.", text=exc.text))
            else:
                self.fail(
                    name, _("“%(text)s” is not a date; write it as 2026-08-17.", text=exc.text)
                )
            return None

    def shown(self, value: float) -> str:
        return format_decimal(round(value, 3), locale=self.speaking)

    def run(self) -> Verdict:
        values = self.verdict.values
        kind = self.listing.kind
        quantity = self.number("quantity")
        if quantity is None and not any(p.field == "quantity" for p in self.verdict.problems):
            self.fail("quantity", _("Enter a quantity."))
        elif quantity is not None and quantity <= 0:
            self.fail("quantity", _("The quantity must be more than zero."))
            quantity = None
        unit = self.unit()
        size = self.number("unit_size")
        if size is not None and not 0 < size <= MAX_UNIT_SIZE:
            self.fail(
                "unit_size",
                _(
                    "The unit size must be more than zero and at most %(n)s.",
                    n=self.shown(MAX_UNIT_SIZE),
                ),
            )
        period = self.period()
        price = self.number("price")
        if price is None and kind == "offer" and "price" not in self.verdict.by_field():
            self.fail("price", _("An offer needs a price per base unit."))
        elif price is not None and price <= 0:
            self.fail("price", _("The price must be more than zero."))
        elif price is not None and price > MAX_PRICE:
            self.fail("price", _("That price is too high; check the number."))
        min_lot = self.number("min_lot")
        if min_lot is not None and min_lot < 0:
            self.fail("min_lot", _("The minimum lot cannot be negative."))
        elif min_lot is not None and min_lot > MAX_BASE_PER_MONTH:
            self.fail(
                "min_lot",
                _("The minimum lot is at most %(max)s.", max=self.shown(MAX_BASE_PER_MONTH)),
            )
        start, end = self.date("available_from"), self.date("available_until")
        if start and end and end < start:
            self.fail("available_until", _("The end date is before the start date."))
        note = self.note()
        if (
            self.product is not None
            and quantity is not None
            and unit is not None
            and "unit_size" not in self.verdict.by_field()
        ):
            size = size if size is not None else stated_size(self.product, unit)
            monthly = self.volume(self.product, quantity, unit, size, period or "month")
            if monthly is not None:
                self.within(self.product.base_unit, monthly, min_lot, price)
        values.update(
            quantity=quantity,
            unit=unit,
            unit_size=size,
            period=period or "month",
            price=price,
            min_lot=min_lot if min_lot is not None else Decimal(0),
            available_from=start,
            available_until=end,
            note=note,
        )
        self.verdict.problems.sort(key=lambda p: FIELDS.index(p.field))
        return self.verdict

    def unit(self) -> str | None:
        text = str(self.listing.unit or "").strip()
        if not text:
            self.fail("unit", _("Choose a unit."))
            return None
        unit, problem = check_unit(self.product, text, self.speaking)
        if problem:
            self.fail("unit", problem)
        return unit

    def period(self) -> str | None:
        text = str(self.listing.period or "").strip()
        if not text:
            return "month"
        try:
            return normalise_period(text)
        except UnitError:
            self.fail("period", _("Choose a period: day, week, month or year."))
            return None

    def note(self) -> str:
        text = str(self.listing.note or "").strip()
        problem = check_text(text, MAX_NOTE_LENGTH, multiline=True)
        if problem:
            self.fail("note", problem)
        return text

    def within(
        self, base_unit: str, monthly: float, min_lot: Decimal | None, price: Decimal | None
    ) -> None:
        """The rules between fields, in base units a month: minimum lot, value, commitments."""
        if monthly > MAX_BASE_PER_MONTH:
            return  # already refused: the other comparisons would only repeat it
        problems = self.verdict.by_field()
        if min_lot is not None and "min_lot" not in problems and float(min_lot) > monthly:
            self.fail(
                "min_lot",
                _(
                    "The minimum lot is more than the quantity (%(quantity)s %(base)s a month).",
                    quantity=self.shown(monthly),
                    base=base_unit,
                ),
            )
        if (
            price is not None
            and "price" not in problems
            and float(price) * monthly > MAX_VALUE_PER_MONTH
        ):
            self.fail(
                "price",
                _(
                    "At this price the listing is worth more than Rp %(max)s a month; "
                    "check the quantity and the price.",
                    max=self.shown(MAX_VALUE_PER_MONTH),
                ),
            )
        if self.committed > 0 and monthly < self.committed - _EPSILON:
            self.fail(
                "quantity",
                _(
                    "Confirmed proposals already hold %(held)s %(base)s a month of this "
                    "listing; the quantity cannot go below that.",
                    held=self.shown(self.committed),
                    base=base_unit,
                ),
            )

    def volume(
        self, product: ProductLike, quantity: Decimal, unit: str, size: Decimal | None, period: str
    ) -> float | None:
        """The quantity in base units a month (``None`` when it cannot be converted)."""
        base_unit = product.base_unit
        try:
            base = to_base(float(quantity), unit, base_unit, None if size is None else float(size))
        except (UnitError, ValueError):
            self.fail(
                "unit_size",
                _("Say how many %(base)s one %(unit)s holds.", base=base_unit, unit=unit),
            )
            return None
        monthly = float(per_month(base, period))
        if monthly > MAX_BASE_PER_MONTH:
            self.fail(
                "quantity",
                _(
                    "That is more than %(max)s %(base)s a month; check the number.",
                    max=self.shown(MAX_BASE_PER_MONTH),
                    base=base_unit,
                ),
            )
        return monthly


def unusable_listings(listings: Any) -> list[tuple[int, str]]:
    """Stored listings past the rules' limits, as ``(listing id, field)``: what a round
    must skip (a value planted in the database, or written before a limit existed).

    ``listings`` is a frame with ``listing_id``, ``kind``, ``quantity`` (base units a month),
    ``price`` and ``min_lot`` (the round's snapshot); one field per listing, the first broken.
    """
    import numpy as np

    quantity = listings["quantity"].astype(float).to_numpy()
    price = listings["price"].astype(float).to_numpy()
    min_lot = listings["min_lot"].astype(float).to_numpy()
    with np.errstate(invalid="ignore"):
        checks = [
            ("quantity", ~np.isfinite(quantity) | (quantity <= 0)
             | (quantity > MAX_BASE_PER_MONTH * (1 + _EPSILON))),
            ("price", (~np.isnan(price) & (~np.isfinite(price) | (price <= 0)
                                           | (price > MAX_PRICE)))
             | (price * quantity > MAX_VALUE_PER_MONTH * (1 + _EPSILON))),
            ("min_lot", ~np.isfinite(min_lot) | (min_lot < 0) | (min_lot > quantity + _EPSILON)),
        ]  # fmt: skip
    found: dict[int, str] = {}
    ids = listings["listing_id"].astype(int).to_numpy()
    for name, bad in checks:
        for listing_id in ids[bad]:
            found.setdefault(int(listing_id), name)
    return sorted(found.items())
