"""The Market: the engine's whole input, as typed pandas frames.

A :class:`Market` is a snapshot of the network that the engine reads and never mutates:
who the pesantren are, what they offer, what they need, which certificates they hold, and
the product catalogue. Quantities are always in the product's *base unit per month* and
prices in rupiah per base unit; the conversion happens before a Market is built (see
:mod:`matcher.units`).

Frame columns (``COLUMNS`` holds the same as data):

``pesantren``
    ``pesantren_id`` int, ``name`` str, ``regency_code`` str (BPS, e.g. ``"3579"``),
    ``kabupaten`` str, ``lat`` / ``lon`` float (WGS84), ``region_types`` str (``;``-joined,
    dominant first), ``santri`` int, ``curation`` str, ``track_record`` float in [0, 1]
    (share of past proposals confirmed; 0.5 when unknown).
``catalogue``
    ``product`` str (slug), ``name_id`` / ``name_en`` str, ``category`` str, ``base_unit`` str,
    ``shelf_life_class`` str (one of :data:`SHELF_LIFE_CLASSES`), ``price_min`` /
    ``price_max`` float (reference range, rupiah per base unit), ``substitutes`` str
    (``;``-joined slugs), ``aliases`` str (``|``-joined).
``offers``
    ``listing_id`` int, ``pesantren_id`` int, ``product`` str, ``quantity`` float (base unit
    per month), ``price`` float (asking price per base unit), ``min_lot`` float (base units,
    0 when none), ``available_from`` / ``available_until`` datetime64 (NaT = open),
    ``last_confirmed`` datetime64.
``needs``
    as ``offers``, with ``max_price`` (ceiling per base unit, NaN = none) instead of ``price``
    and ``required_certs`` str (``;``-joined kinds from :data:`CERT_KINDS`).
``certificates``
    ``pesantren_id`` int, ``product`` str, ``kind`` str, ``number`` str,
    ``expires`` datetime64 (NaT = does not expire).

>>> m = empty_market()
>>> validate_market(m) is m
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from matcher.vocabulary import CERT_KINDS, EAST_JAVA_BOUNDS, REGION_TYPES, SHELF_LIFE_CLASSES

__all__ = [
    "CERT_KINDS",
    "COLUMNS",
    "REGION_TYPES",
    "SHELF_LIFE_CLASSES",
    "EAST_JAVA_BOUNDS",
    "Market",
    "MarketError",
    "empty_market",
    "resting_mask",
    "validate_market",
]


_DATE = "datetime64[ns]"
COLUMNS: Final[dict[str, dict[str, str]]] = {
    "pesantren": {
        "pesantren_id": "int64",
        "name": "object",
        "regency_code": "object",
        "kabupaten": "object",
        "lat": "float64",
        "lon": "float64",
        "region_types": "object",
        "santri": "int64",
        "curation": "object",
        "track_record": "float64",
    },
    "catalogue": {
        "product": "object",
        "name_id": "object",
        "name_en": "object",
        "category": "object",
        "base_unit": "object",
        "shelf_life_class": "object",
        "price_min": "float64",
        "price_max": "float64",
        "substitutes": "object",
        "aliases": "object",
    },
    "offers": {
        "listing_id": "int64",
        "pesantren_id": "int64",
        "product": "object",
        "quantity": "float64",
        "price": "float64",
        "min_lot": "float64",
        "available_from": _DATE,
        "available_until": _DATE,
        "last_confirmed": _DATE,
    },
    "needs": {
        "listing_id": "int64",
        "pesantren_id": "int64",
        "product": "object",
        "quantity": "float64",
        "max_price": "float64",
        "min_lot": "float64",
        "required_certs": "object",
        "available_from": _DATE,
        "available_until": _DATE,
        "last_confirmed": _DATE,
    },
    "certificates": {
        "pesantren_id": "int64",
        "product": "object",
        "kind": "object",
        "number": "object",
        "expires": _DATE,
    },
}


class MarketError(ValueError):
    """A Market that the engine cannot trust; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid market: " + "; ".join(problems))


@dataclass(frozen=True)
class Market:
    """A snapshot of the network: five frames and the date they describe.

    Build one with :meth:`from_frames`, which coerces columns to the documented dtypes and
    validates the result. Frames are treated as read-only by everything in ``matcher``.
    """

    pesantren: pd.DataFrame
    offers: pd.DataFrame
    needs: pd.DataFrame
    catalogue: pd.DataFrame
    certificates: pd.DataFrame = field(default_factory=lambda: _empty("certificates"))
    as_of: dt.date = field(default_factory=dt.date.today)

    @classmethod
    def from_frames(
        cls,
        *,
        pesantren: pd.DataFrame,
        offers: pd.DataFrame,
        needs: pd.DataFrame,
        catalogue: pd.DataFrame,
        certificates: pd.DataFrame | None = None,
        as_of: dt.date | None = None,
    ) -> Market:
        """Coerce the frames to the documented columns and dtypes, then validate."""
        frames = {
            "pesantren": pesantren,
            "offers": offers,
            "needs": needs,
            "catalogue": catalogue,
            "certificates": certificates if certificates is not None else _empty("certificates"),
        }
        coerced = {name: _coerce(name, frame) for name, frame in frames.items()}
        market = cls(
            pesantren=coerced["pesantren"],
            offers=coerced["offers"],
            needs=coerced["needs"],
            catalogue=coerced["catalogue"],
            certificates=coerced["certificates"],
            as_of=as_of or dt.date.today(),
        )
        return validate_market(market)

    def with_frames(self, **frames: pd.DataFrame) -> Market:
        """A copy with some frames replaced (validated again)."""
        return validate_market(replace(self, **cast(dict[str, Any], frames)))

    def without_resting(self, stale_days: int) -> Market:
        """The market the engine matches: offers and needs not confirmed for more than
        ``stale_days`` days at :attr:`as_of` *rest* (are left out) until their owner
        confirms them, as the weekly email tells officers; a listing whose confirmation
        date is unknown does not rest. Returns ``self`` when nothing rests."""
        offers = resting_mask(self.offers, self.as_of, stale_days)
        needs = resting_mask(self.needs, self.as_of, stale_days)
        if not offers.any() and not needs.any():
            return self
        return replace(
            self,
            offers=self.offers[~offers].reset_index(drop=True),
            needs=self.needs[~needs].reset_index(drop=True),
        )

    @property
    def size(self) -> dict[str, int]:
        """Row counts, for logs and benchmark tables."""
        return {
            "pesantren": len(self.pesantren),
            "offers": len(self.offers),
            "needs": len(self.needs),
            "products": len(self.catalogue),
            "certificates": len(self.certificates),
        }


def resting_mask(listings: pd.DataFrame, as_of: dt.date, stale_days: int) -> pd.Series:
    """Which of ``listings`` (offers or needs) rest at ``as_of``: last confirmed more than
    ``stale_days`` days before it (the one rule; the web app's dashboard, email and round
    statistics ask it too).

    >>> frame = pd.DataFrame({"last_confirmed": pd.to_datetime(["2026-01-01", "2026-03-01", None])})
    >>> resting_mask(frame, dt.date(2026, 3, 3), 60).tolist()  # 61 and 2 days
    [True, False, False]
    """
    age = pd.Timestamp(as_of) - pd.to_datetime(listings["last_confirmed"])
    return (age > pd.Timedelta(days=stale_days)).fillna(False).astype(bool)


def empty_market(as_of: dt.date | None = None) -> Market:
    """A Market with no rows, useful as a starting point in tests and notebooks."""
    return Market(
        pesantren=_empty("pesantren"),
        offers=_empty("offers"),
        needs=_empty("needs"),
        catalogue=_empty("catalogue"),
        certificates=_empty("certificates"),
        as_of=as_of or dt.date.today(),
    )


def validate_market(market: Market) -> Market:
    """Check a Market's frames; return it unchanged or raise :class:`MarketError`.

    Checks columns, unique ids, references (every listing's pesantren and product exist),
    non-negative finite quantities and prices, coordinates inside East Java, and known
    region types, shelf-life classes and certificate kinds.
    """
    problems: list[str] = []
    for name, columns in COLUMNS.items():
        frame = getattr(market, name)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            problems.append(f"{name}: missing columns {missing}")
    if problems:
        raise MarketError(problems)

    p, o, n, c = market.pesantren, market.offers, market.needs, market.catalogue
    _unique(problems, "pesantren", p["pesantren_id"])
    _unique(problems, "catalogue", c["product"])
    _unique(problems, "offers", o["listing_id"])
    _unique(problems, "needs", n["listing_id"])
    shared = set(o["listing_id"]) & set(n["listing_id"])
    if shared:
        problems.append(f"listing ids used by both offers and needs: {sorted(shared)[:5]}")

    lat_min, lat_max, lon_min, lon_max = EAST_JAVA_BOUNDS
    outside = p[~p["lat"].between(lat_min, lat_max) | ~p["lon"].between(lon_min, lon_max)]
    if len(outside):
        problems.append(f"pesantren outside East Java: {outside['pesantren_id'].tolist()[:5]}")
    bad_regions = _unknown_tokens(p["region_types"], ";", REGION_TYPES)
    if bad_regions:
        problems.append(f"unknown region types: {sorted(bad_regions)}")
    bad_shelf = set(c["shelf_life_class"]) - set(SHELF_LIFE_CLASSES)
    if bad_shelf:
        problems.append(f"unknown shelf-life classes: {sorted(bad_shelf)}")

    known_p, known_c = set(p["pesantren_id"]), set(c["product"])
    for name, frame, price in (("offers", o, "price"), ("needs", n, "max_price")):
        orphans = set(frame["pesantren_id"]) - known_p
        if orphans:
            problems.append(f"{name} of unknown pesantren: {sorted(orphans)[:5]}")
        unknown = set(frame["product"]) - known_c
        if unknown:
            problems.append(f"{name} of unknown products: {sorted(unknown)[:5]}")
        qty = frame["quantity"].to_numpy(dtype=float)
        if len(qty) and not (np.isfinite(qty).all() and (qty > 0).all()):
            problems.append(f"{name}: quantities must be positive and finite")
        prices = frame[price].to_numpy(dtype=float)
        if len(prices) and (prices[~np.isnan(prices)] < 0).any():
            problems.append(f"{name}: negative {price}")
        if len(frame) and (frame["min_lot"].to_numpy(dtype=float) < 0).any():
            problems.append(f"{name}: negative min_lot")
    if len(o) and o["price"].isna().any():
        problems.append("offers: every offer needs a price")
    bad_certs = _unknown_tokens(n["required_certs"], ";", CERT_KINDS)
    bad_certs |= set(market.certificates["kind"]) - set(CERT_KINDS)
    if bad_certs:
        problems.append(f"unknown certificate kinds: {sorted(bad_certs)}")
    if problems:
        raise MarketError(problems)
    return market


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({col: pd.Series(dtype=dtype) for col, dtype in COLUMNS[name].items()})


def _coerce(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    columns = COLUMNS[name]
    missing = [c for c in columns if c not in frame.columns]
    defaults: dict[str, object] = {
        "track_record": 0.5,
        "min_lot": 0.0,
        "required_certs": "",
        "substitutes": "",
        "aliases": "",
        "curation": "registered",
        "available_from": pd.NaT,
        "available_until": pd.NaT,
        "expires": pd.NaT,
        "number": "",
    }
    unfillable = [c for c in missing if c not in defaults]
    if unfillable:
        raise MarketError([f"{name}: missing columns {unfillable}"])
    out = frame.reset_index(drop=True).assign(
        **cast(dict[str, Any], {c: defaults[c] for c in missing})
    )
    converted: dict[str, pd.Series] = {}
    for col, dtype in columns.items():
        series = out[col]
        if dtype == _DATE:
            converted[col] = pd.to_datetime(series).astype(np.dtype(_DATE))
        elif dtype == "object":
            converted[col] = series.fillna("").astype(str).astype(object)
        else:
            converted[col] = series.astype(np.dtype(dtype))
    return pd.DataFrame(converted, index=pd.RangeIndex(len(out)))


def _unique(problems: list[str], name: str, ids: pd.Series) -> None:
    dup = ids[ids.duplicated()]
    if len(dup):
        problems.append(f"{name}: duplicate ids {dup.tolist()[:5]}")


def _unknown_tokens(values: pd.Series, sep: str, allowed: tuple[str, ...]) -> set[str]:
    tokens = {t.strip() for v in values.unique() for t in str(v).split(sep) if t.strip()}
    return tokens - set(allowed)
