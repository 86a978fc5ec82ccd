"""Indonesian trade units, numbers and periods, converted to a product's base unit per month.

Pesantren trade in the units of the market: *ons* (100 g, not the avoirdupois ounce),
*kwintal* (100 kg), *lusin* (12), *kodi* (20), *galon* (19 L), *karung* (a sack whose kg must
be stated) … Every quantity the engine sees is in the product's **base unit per month**; this
module does that conversion and rejects what it cannot convert with a :class:`UnitError` that
says why.

Fixed-size units convert through a small `pint <https://pint.readthedocs.io>`_ registry of
their own (never pint's default one, whose ``ton`` is the short ton and ``gallon`` the US
gallon). Units whose size varies (``karung``, ``peti``, ``dus``, ``pack``, ``ikat``, ``bal``,
``jerigen`` …) need a stated ``unit_size`` in the product's base unit. Units with a
*conventional* size (``krat`` = 24, ``renteng`` = 10, ``tray-telur`` = 30, ``galon`` = 19 L …)
convert by convention, and a stated ``unit_size`` overrides the convention (a *krat* of
tomatoes holds ~22 kg, not 24 bottles).

Numbers as people type them (``1.250,5``) are read by :mod:`matcher.number_text`.

>>> to_base(2, "karung", "kg", unit_size=50)
100.0
>>> from matcher.number_text import parse_number
>>> to_base(parse_number("1.250,5"), normalise_unit("Kg."), "kg")
1250.5
>>> per_month(10, "hari")
304.1666666666667
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal, NamedTuple

import pint
from rapidfuzz import fuzz, process

from matcher.number_text import parse_number

__all__ = [
    "DAYS_PER_MONTH",
    "PERIODS",
    "UNITS",
    "AltUnit",
    "Unit",
    "UnitError",
    "normalise_period",
    "normalise_unit",
    "parse_alt_unit",
    "per_month",
    "to_base",
    "unit_dimension",
    "units_for",
]

Exactness = Literal["exact", "convention", "historical", "varies"]

#: Average days in a month (365 / 12); a quantity per day times this is per month.
DAYS_PER_MONTH: Final = 365.0 / 12.0
PERIODS: Final = ("day", "week", "month", "year")
_MONTHS_PER: Final = {
    "day": 1.0 / DAYS_PER_MONTH,
    "week": 7.0 / DAYS_PER_MONTH,
    "month": 1.0,
    "year": 12.0,
}


class UnitError(ValueError):
    """A unit, quantity or period that cannot be understood or converted."""


@dataclass(frozen=True)
class Unit:
    """One trade unit: ``code``, its dimension, and its size in the dimension's base unit.

    ``size`` is ``None`` when it varies (``karung``); ``exactness`` says how far the size can
    be trusted (``exact``, ``convention``, ``historical`` or ``varies``).
    """

    code: str
    name_id: str
    name_en: str
    dimension: str
    base: str
    size: float | None
    exactness: Exactness


def _u(
    code: str, name_id: str, name_en: str, dimension: str, base: str, size: float | None, ex: str
) -> Unit:
    exactness: Exactness
    if ex == "exact":
        exactness = "exact"
    elif ex == "convention":
        exactness = "convention"
    elif ex == "historical":
        exactness = "historical"
    else:
        exactness = "varies"
    return Unit(code, name_id, name_en, dimension, base, size, exactness)


# Copied from seed_data/units.csv (source: reference units table, see seed_data/SOURCES.md).
# Counts share one dimension: a sachet, a sheet, a set and an egg are all pieces here.
_TABLE: Final = (
    _u("pcs", "buah / biji / pcs", "piece", "count", "pcs", 1, "exact"),
    _u("butir", "butir", "grain/egg (count)", "count", "pcs", 1, "exact"),
    _u("ekor", "ekor", "head (animal/fish count)", "count", "pcs", 1, "exact"),
    _u("pasang", "pasang", "pair", "count", "pcs", 2, "exact"),
    _u("lusin", "lusin", "dozen", "count", "pcs", 12, "exact"),
    _u("kodi", "kodi", "score (20)", "count", "pcs", 20, "exact"),
    _u("gros", "gros", "gross", "count", "pcs", 144, "exact"),
    _u("rim", "rim", "ream (500 sheets)", "count", "pcs", 500, "exact"),
    _u("eksemplar", "eksemplar", "copy", "count", "pcs", 1, "exact"),
    _u("stel", "stel", "set (of clothes)", "count", "pcs", 1, "exact"),
    _u("renteng", "renteng", "strip of sachets", "count", "pcs", 10, "convention"),
    _u("tray-telur", "tray / rak telur", "egg tray", "count", "pcs", 30, "convention"),
    _u("krat", "krat", "crate", "count", "pcs", 24, "convention"),
    _u("ikat", "ikat", "bunch / bundle", "count", "pcs", None, "varies"),
    _u("sisir", "sisir", "hand (of bananas)", "count", "pcs", None, "varies"),
    _u("tandan", "tandan", "bunch (of bananas)", "count", "pcs", None, "varies"),
    _u("dus", "dus / karton", "carton", "package", "pcs", None, "varies"),
    _u("pack", "pack / bungkus", "pack", "package", "pcs", None, "varies"),
    _u("botol", "botol", "bottle", "package", "pcs", None, "varies"),
    _u("peti", "peti", "wooden crate", "package", "kg", None, "varies"),
    _u("besek", "besek", "woven bamboo box", "package", "pcs", None, "varies"),
    _u("bal", "bal", "bale / bundle", "package", "pcs", None, "varies"),
    _u("blek", "blek", "tin", "package", "kg", None, "varies"),
    _u("karung", "karung / sak", "sack", "package", "kg", None, "varies"),
    _u("keranjang", "keranjang", "basket", "package", "kg", None, "varies"),
    _u("ember", "ember", "bucket", "package", "kg", None, "varies"),
    _u("g", "gram", "gram", "mass", "kg", 0.001, "exact"),
    _u("ons", "ons", "ons (100 g)", "mass", "kg", 0.1, "exact"),
    _u("pon", "pon", "pound (500 g)", "mass", "kg", 0.5, "exact"),
    _u("kg", "kilogram", "kilogram", "mass", "kg", 1, "exact"),
    _u("kwintal", "kuintal / kwintal", "quintal (100 kg)", "mass", "kg", 100, "exact"),
    _u("ton", "ton", "metric tonne", "mass", "kg", 1000, "exact"),
    _u("kati", "kati", "catty", "mass", "kg", 0.6176, "historical"),
    _u("pikul", "pikul", "picul", "mass", "kg", 61.76, "historical"),
    _u("ml", "mililiter", "millilitre", "volume", "liter", 0.001, "exact"),
    _u("liter", "liter", "litre", "volume", "liter", 1, "exact"),
    _u("galon", "galon (19 L)", "water gallon (19 L)", "volume", "liter", 19, "convention"),
    _u("jerigen", "jerigen", "jerry can", "volume", "liter", None, "varies"),
    _u("milk-can", "milk can", "milk can (40 L)", "volume", "liter", 40, "convention"),
    _u("drum", "drum / tong", "drum (200 L)", "volume", "liter", 200, "convention"),
    _u("m", "meter", "metre", "length", "m", 1, "exact"),
    _u("yard", "yard", "yard", "length", "m", 0.9144, "exact"),
    _u("potong", "potong (kain)", "cut of cloth", "length", "m", None, "varies"),
    _u("m2", "meter persegi", "square metre", "area", "m2", 1, "exact"),
    _u("ha", "hektare", "hectare", "area", "m2", 10000, "exact"),
    _u("bau", "bau", "bau (Javanese land unit)", "area", "m2", 7096, "historical"),
    _u("porsi", "porsi", "serving", "service", "porsi", 1, "exact"),
    _u("rit", "rit / trip", "trip", "trip", "rit", 1, "exact"),
)

#: Every unit by code.
UNITS: Final[dict[str, Unit]] = {unit.code: unit for unit in _TABLE}

# What people type, cleaned (lower case, no dots, single spaces), mapped to a code.
_ALIASES: Final[dict[str, str]] = {
    **{code: code for code in UNITS},
    **dict.fromkeys(
        ["pc", "piece", "pieces", "buah", "bh", "biji", "bj", "unit", "sachet", "saset"], "pcs"
    ),
    **dict.fromkeys(["gelas", "cup", "lembar", "lbr", "sheet", "item", "set"], "pcs"),
    **dict.fromkeys(["btr", "btir", "egg", "eggs"], "butir"),
    **dict.fromkeys(["ekr", "head", "heads", "individu"], "ekor"),
    **dict.fromkeys(["psg", "pair", "pairs"], "pasang"),
    **dict.fromkeys(["lsn", "dozen", "dozens", "dz", "doz", "dosin"], "lusin"),
    **dict.fromkeys(["score"], "kodi"),
    **dict.fromkeys(["gross", "groos"], "gros"),
    **dict.fromkeys(["ream", "reams"], "rim"),
    **dict.fromkeys(["eks", "exemplar", "copy", "copies", "buku"], "eksemplar"),
    **dict.fromkeys(["setel", "setelan", "stelan"], "stel"),
    **dict.fromkeys(["rtg", "strip"], "renteng"),
    **dict.fromkeys(["tray", "rak", "rak telur", "tray telur", "egg tray"], "tray-telur"),
    **dict.fromkeys(["crate", "krat botol"], "krat"),
    **dict.fromkeys(["bunch", "bundle", "iket"], "ikat"),
    **dict.fromkeys(["dos", "dus", "karton", "kardus", "box", "carton", "kotak"], "dus"),
    **dict.fromkeys(["pak", "pck", "bungkus", "bks", "pouch", "packet", "kemasan"], "pack"),
    **dict.fromkeys(["bottle", "btl", "jar", "toples"], "botol"),
    **dict.fromkeys(["bale", "ball"], "bal"),
    **dict.fromkeys(["basket", "bakul", "keranjang ikan", "kranjang"], "keranjang"),
    **dict.fromkeys(["bucket", "timba"], "ember"),
    **dict.fromkeys(["kaleng", "tin"], "blek"),
    **dict.fromkeys(["sak", "zak", "sack", "sacks", "krg", "glangsing"], "karung"),
    **dict.fromkeys(["gr", "gram", "grams", "gramme", "grm"], "g"),
    **dict.fromkeys(["on", "hg", "hektogram"], "ons"),
    **dict.fromkeys(["pond", "pound", "lb"], "pon"),
    **dict.fromkeys(
        ["kilo", "kilogram", "kilograms", "kilogramme", "kgs", "kgm", "kilo gram"], "kg"
    ),
    **dict.fromkeys(["kuintal", "kw", "ku", "kwt", "quintal", "q", "kintal"], "kwintal"),
    **dict.fromkeys(["t", "tonne", "tons", "tonnes", "metric ton"], "ton"),
    **dict.fromkeys(["mililiter", "millilitre", "milliliter", "cc"], "ml"),
    **dict.fromkeys(["l", "lt", "ltr", "litre", "liters", "litres", "lter"], "liter"),
    **dict.fromkeys(["gallon", "gln", "galon air"], "galon"),
    **dict.fromkeys(["jeriken", "jirigen", "jrigen", "jerry can", "jerrycan"], "jerigen"),
    **dict.fromkeys(["milk can", "milkcan", "milk-can", "milk_can", "kaleng susu"], "milk-can"),
    **dict.fromkeys(["tong", "barrel"], "drum"),
    **dict.fromkeys(["meter", "metre", "mtr", "meters"], "m"),
    **dict.fromkeys(["yd", "yards"], "yard"),
    **dict.fromkeys(["hektar", "hektare", "hectare", "hectares"], "ha"),
    **dict.fromkeys(["m²", "meter persegi", "sqm"], "m2"),
    **dict.fromkeys(["portion", "serving", "porsi makan"], "porsi"),
    **dict.fromkeys(["trip", "trips", "ritase"], "rit"),
}

_PERIOD_ALIASES: Final[dict[str, str]] = {
    **dict.fromkeys(["day", "days", "daily", "d", "hari", "harian", "per hari", "/hari"], "day"),
    **dict.fromkeys(["week", "weeks", "weekly", "wk", "minggu", "mingguan", "pekan"], "week"),
    **dict.fromkeys(["month", "months", "monthly", "mo", "bulan", "bulanan", "bln"], "month"),
    **dict.fromkeys(["year", "years", "yearly", "annual", "yr", "tahun", "tahunan"], "year"),
}
_PERIOD_ALIASES.update({f"per {k}": v for k, v in list(_PERIOD_ALIASES.items())})


# The units a form offers for any product of a dimension, besides its own alternatives.
_COMMON: Final[dict[str, tuple[str, ...]]] = {
    "mass": ("g", "ons", "pon", "kg", "kwintal", "ton"),
    "volume": ("ml", "liter", "galon", "drum"),
    "count": ("pcs", "lusin", "kodi", "gros"),
    "length": ("m", "yard"),
    "area": ("m2", "ha"),
}


def _pint_name(code: str) -> str:
    return "u_" + code.replace("-", "_")


def _build_registry() -> pint.UnitRegistry[float]:
    registry: pint.UnitRegistry[float] = pint.UnitRegistry(None)
    for dimension_base, dimension in (
        ("pcs", "count"),
        ("kg", "mass"),
        ("liter", "volume"),
        ("m", "length"),
        ("m2", "area"),
        ("porsi", "serving"),
        ("rit", "trip"),
    ):
        registry.define(f"{_pint_name(dimension_base)} = [{dimension}]")
    for unit in _TABLE:
        if unit.size is not None and unit.code != unit.base:
            registry.define(f"{_pint_name(unit.code)} = {unit.size!r} * {_pint_name(unit.base)}")
    return registry


_REGISTRY: Final = _build_registry()


def _clean(text: str) -> str:
    cleaned = re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip().lower()
    return cleaned.rstrip(".").strip()


def normalise_unit(text: str) -> str:
    """Return the unit code for what someone typed (``"Kg."`` → ``"kg"``).

    Case, surrounding spaces, a trailing dot and a leading ``per`` are ignored; Indonesian
    and English names and common abbreviations are known.

    Raises
    ------
    UnitError
        For an unknown unit, listing the closest known ones.

    Examples
    --------
    >>> [normalise_unit(t) for t in ("Kg", "kilo", "KG ", "ltr", "lusin", "kuintal", "sak")]
    ['kg', 'kg', 'kg', 'liter', 'lusin', 'kwintal', 'karung']
    """
    cleaned = _clean(text)
    cleaned = re.sub(r"^(per|/)\s*", "", cleaned)
    code = _ALIASES.get(cleaned) or _ALIASES.get(cleaned.replace(".", "").replace(" ", ""))
    if code is not None:
        return code
    if not cleaned:
        raise UnitError("unit is empty; expected a unit such as kg, liter, pcs or karung")
    close = process.extract(cleaned, list(_ALIASES), scorer=fuzz.WRatio, limit=8)
    suggestions = list(dict.fromkeys(_ALIASES[name] for name, score, _ in close if score >= 60))
    hint = f"; did you mean {', '.join(suggestions[:4])}?" if suggestions else ""
    raise UnitError(f"unknown unit {str(text).strip()!r}{hint}")


def unit_dimension(unit: str) -> str:
    """The dimension of a unit (``"mass"``, ``"volume"``, ``"count"`` …).

    >>> unit_dimension("kodi")
    'count'
    """
    return UNITS[normalise_unit(unit)].dimension


def _factor(unit: str, base: str) -> float:
    """Size of one ``unit`` in ``base`` units (both fixed-size codes of one dimension)."""
    return _factor_cached(unit, base)


@lru_cache(maxsize=512)
def _factor_cached(unit: str, base: str) -> float:
    quantity = _REGISTRY.Quantity(1.0, _pint_name(unit))
    return float(quantity.to(_pint_name(base)).magnitude)


def _fixed(unit: Unit) -> bool:
    return unit.size is not None


def _describe(unit: Unit) -> str:
    return f"{unit.code} ({unit.dimension})"


def to_base(
    quantity: float,
    unit: str,
    base_unit: str,
    unit_size: float | None = None,
) -> float:
    """Convert ``quantity`` of ``unit`` to the product's ``base_unit``.

    Parameters
    ----------
    quantity
        A non-negative finite number (already parsed, see :func:`parse_number`).
    unit, base_unit
        Unit codes or anything :func:`normalise_unit` understands.
    unit_size
        How many base units one ``unit`` holds. Required for units whose size varies
        (``karung``, ``peti``, ``dus`` …), overrides the size of conventional units (``krat``,
        ``galon`` …), and must agree with the size of exact units when given.

    Raises
    ------
    UnitError
        For a negative or non-finite quantity or size, a varying unit without a size,
        or units of different dimensions (liter → kg).

    Examples
    --------
    >>> to_base(3, "kwintal", "kg")
    300.0
    >>> to_base(2, "kodi", "pcs")
    40.0
    >>> to_base(5, "ons", "kg")
    0.5
    >>> to_base(1, "liter", "kg")
    Traceback (most recent call last):
    ...
    matcher.units.UnitError: cannot convert liter (volume) to kg (mass); state the size of one liter in kg
    """
    value = _check_amount(quantity, "quantity")
    size = None if unit_size is None else _check_amount(unit_size, "unit_size", positive=True)
    source = UNITS[normalise_unit(unit)]
    target = UNITS[normalise_unit(base_unit)]
    if source.code == target.code:
        if size is not None and not math.isclose(size, 1.0):
            raise UnitError(
                f"unit {source.code} is the base unit; its size is 1, not {size:g} {target.code}"
            )
        return value
    convertible = (
        _fixed(source) and _fixed(target) and source.base == target.base
    )  # same dimension, both with a known size
    if size is not None:
        if convertible and source.exactness == "exact":
            expected = _factor(source.code, target.code)
            if not math.isclose(size, expected, rel_tol=1e-6):
                raise UnitError(
                    f"1 {source.code} is always {expected:g} {target.code}, "
                    f"not the stated unit_size {size:g}"
                )
        return value * size
    if not _fixed(source):
        raise UnitError(
            f"the size of a {source.code} varies; state how many {target.code} "
            f"one {source.code} holds (unit_size)"
        )
    if not convertible:
        raise UnitError(
            f"cannot convert {_describe(source)} to {_describe(target)}; "
            f"state the size of one {source.code} in {target.code}"
        )
    return value * _factor(source.code, target.code)


def _check_amount(value: float, what: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise UnitError(f"{what} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise UnitError(f"{what} must be a finite number, got {value!r}")
    if number < 0 or (positive and number == 0):
        raise UnitError(
            f"{what} must be {'positive' if positive else 'zero or more'}, got {value!r}"
        )
    return number


def normalise_period(text: str) -> str:
    """Return ``day``, ``week``, ``month`` or ``year`` for English or Indonesian text.

    >>> [normalise_period(t) for t in ("hari", "Minggu", "per bulan", "yearly")]
    ['day', 'week', 'month', 'year']
    """
    cleaned = _clean(text)
    period = _PERIOD_ALIASES.get(cleaned)
    if period is None:
        raise UnitError(
            f"unknown period {str(text).strip()!r}; expected day/week/month/year "
            "(hari/minggu/bulan/tahun)"
        )
    return period


def per_month(quantity: float, period: str) -> float:
    """Convert a quantity per ``period`` to a quantity per month (a month is 365/12 days).

    >>> per_month(12, "year")
    1.0
    >>> round(per_month(100, "minggu"), 1)
    434.5
    """
    value = _check_amount(quantity, "quantity")
    return value / _MONTHS_PER[normalise_period(period)]


class AltUnit(NamedTuple):
    """An alternative unit a product is sold in: its ``code`` and stated ``size``.

    ``size`` is in the product's base unit (or in the inner unit's dimension base when no
    base unit was given); ``None`` when the text states no single size.
    """

    code: str
    size: float | None


_ALT = re.compile(
    r"^(?P<unit>[^\d(~]+?)\s*\(?\s*~?\s*"
    r"(?:(?P<count>\d+(?:[.,]\d+)?)\s*[x×]\s*)?"
    r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<inner>[^\d()]+?)?\s*\)?$"
)


def parse_alt_unit(text: str, base_unit: str | None = None) -> AltUnit:
    """Parse an alternative unit such as ``"karung 50 kg"`` or ``"dus (40 bungkus)"``.

    Parameters
    ----------
    text
        The unit, optionally followed by its content: ``"karung 50 kg"``,
        ``"peti (15 kg)"``, ``"dus 12 x 1 L"``, ``"tray 30 butir"``, ``"kwintal"``.
    base_unit
        The product's base unit; the size is converted to it when it can be.

    Raises
    ------
    UnitError
        When the unit itself is unknown.

    Examples
    --------
    >>> parse_alt_unit("karung 50 kg")
    AltUnit(code='karung', size=50.0)
    >>> parse_alt_unit("dus (40 bungkus)")
    AltUnit(code='dus', size=40.0)
    >>> parse_alt_unit("pack 250 g", "kg")
    AltUnit(code='pack', size=0.25)
    >>> parse_alt_unit("kwintal")
    AltUnit(code='kwintal', size=None)
    """
    cleaned = _clean(text)
    match = _ALT.match(cleaned)
    if match is None:
        # No stated content ("kwintal", "karung (50-85 kg)", "bal (bundle of packs)").
        head = re.split(r"[(\d~]", cleaned, maxsplit=1)[0].strip()
        return AltUnit(normalise_unit(head or cleaned), None)
    code = normalise_unit(match["unit"])
    number = parse_number(match["num"])
    count = parse_number(match["count"]) if match["count"] else 1.0
    inner_text = (match["inner"] or "").strip()
    try:
        inner = UNITS[normalise_unit(inner_text)] if inner_text else UNITS["pcs"]
    except UnitError:
        return AltUnit(code, None)
    amount = count * number
    if inner.dimension == "package" or inner.code in ("pcs",):
        # "40 bungkus": pieces, whatever a piece is.
        inner = UNITS["pcs"]
    if base_unit is not None:
        try:
            return AltUnit(code, to_base(amount, inner.code, base_unit))
        except UnitError:
            return AltUnit(code, None)
    if inner.size is None:
        return AltUnit(code, None)
    return AltUnit(code, amount * inner.size)


def units_for(base_unit: str, alt_units: str | list[str] | tuple[str, ...] = "") -> list[str]:
    """The unit codes a form should offer for a product.

    The base unit first, then the product's alternative units (``|``-joined text or a list,
    as in the catalogue's ``alt_units``; unparseable entries are skipped), then every other
    common unit of the base unit's dimension, smallest first (``g``, ``ons`` … for kg;
    ``lusin``, ``kodi``, ``gros`` for pieces). Units with a special meaning (``ekor``,
    ``rim``) or a historical size (``kati``) appear only as a base or alternative unit.

    Examples
    --------
    >>> units_for("kg", "karung 50 kg|kwintal")
    ['kg', 'karung', 'kwintal', 'g', 'ons', 'pon', 'ton']
    >>> units_for("pcs", ["kodi", "lusin"])
    ['pcs', 'kodi', 'lusin', 'gros']
    """
    base = UNITS[normalise_unit(base_unit)]
    entries = alt_units.split("|") if isinstance(alt_units, str) else list(alt_units)
    codes = [base.code]
    for entry in entries:
        if not entry.strip():
            continue
        try:
            codes.append(parse_alt_unit(entry, base.code).code)
        except UnitError:
            continue
    if base.size is not None:
        codes.extend(_COMMON.get(base.dimension, ()))
    return list(dict.fromkeys(codes))
