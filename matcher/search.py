"""Supplier search: the top-k offers for a need, or for a query as an officer types it.

:class:`SupplierIndex` is built once per market: per product (with its substitutes) the
offers' unit vectors, prices, quantities, valid-certificate bitmasks and the supplier's
region types, as contiguous numpy arrays. A query then touches only its product's slice:
a handful of vector operations, a partition for the top k, and a small frame with the
reasons in both languages. The same hard rules as :func:`matcher.find_candidates` apply
(certificates, distance by shelf life, price ceiling with tolerance, availability), plus
the query's own filters (radius, supplier region type, supplier curation status).

:meth:`SupplierIndex.page` answers a page of *every* match with the true total, in one of
:data:`SEARCH_ORDERS` (exact products first, then substitutes, each in that order); in score
order each result also says what put it above the next nearer or cheaper one
(:func:`matcher.explain.explain_above`).

>>> from matcher.synthetic import synthetic_market
>>> m = synthetic_market(200, seed=4)
>>> index = SupplierIndex(m)
>>> hits = index.search(SupplierQuery(product="gereh", quantity=50, lat=-7.1, lon=112.4), k=3)
>>> list(hits["product"].unique()) in (["ikan-asin"], ["ikan-asin", "teri-asin"], ["teri-asin"])
True
>>> hits["why_en"].str.contains("km").all()
np.True_
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from matcher.arrays import MarketArrays, market_arrays
from matcher.arraytypes import FloatArray, IntArray
from matcher.config import EngineConfig
from matcher.explain import LANGS, explain_above, explain_candidate
from matcher.geo import EARTH_RADIUS_KM, unit_xyz
from matcher.market import CERT_KINDS, REGION_TYPES, Market
from matcher.rules import OPEN_END, OPEN_START, listing_rules_hold, within_reach
from matcher.scoring import CERT_BITS, combine, component_scores, mask_to_kinds
from matcher.search_page import SEARCH_ORDERS, SearchPage, above, arrange, page_bounds

__all__ = [
    "SEARCH_COLUMNS",
    "SEARCH_ORDERS",
    "SearchPage",
    "SupplierIndex",
    "SupplierQuery",
    "find_suppliers",
    "page_bounds",
]


#: Columns of a search result, before the ``s_<component>`` columns and the reasons.
SEARCH_COLUMNS: tuple[str, ...] = (
    "offer_id",
    "pesantren_id",
    "name",
    "kabupaten",
    "product",
    "quantity",
    "price",
    "distance_km",
    "certs",
    "score",
)


@dataclass(frozen=True)
class SupplierQuery:
    """What a procurement officer asks for.

    Attributes
    ----------
    product
        A catalogue slug or free text in Indonesian or English ("gereh", "salted fish").
    quantity, unit
        How much per month; ``unit`` defaults to the product's base unit.
    lat, lon / pesantren_id
        Where to deliver: coordinates, or the buyer pesantren (which also excludes its own
        offers and sets the buyer's region for the region component).
    radius_km
        Suppliers farther away are left out (on top of the shelf-life limit).
    required_certs
        Certificate kinds each supplier must hold, valid, for the product.
    region_type
        Only suppliers carrying this region type.
    max_price
        Ceiling per base unit (the engine's price tolerance applies).
    exclude_pesantren_id
        A pesantren whose offers are left out.
    available_from, available_until
        The buyer's window; offers whose windows do not overlap it are left out.
    curation
        Only suppliers whose curation status is one of these (empty: any).
    """

    product: str
    quantity: float | None = None
    unit: str | None = None
    lat: float | None = None
    lon: float | None = None
    pesantren_id: int | None = None
    radius_km: float | None = None
    required_certs: tuple[str, ...] | str = ()
    region_type: str | None = None
    max_price: float | None = None
    exclude_pesantren_id: int | None = None
    available_from: dt.date | None = None
    available_until: dt.date | None = None
    curation: tuple[str, ...] | str = ()


@dataclass(frozen=True)
class _Slice:
    rows: IntArray  # offer rows in MarketArrays, by offer id
    xyz: FloatArray
    prow: IntArray
    prod: IntArray
    qty: FloatArray
    price: FloatArray
    certs: IntArray
    region: IntArray
    region_bits: IntArray
    track: FloatArray
    age: FloatArray
    limit: FloatArray
    ref_min: FloatArray
    ref_max: FloatArray
    start: IntArray
    end: IntArray
    offer_id: IntArray


class SupplierIndex:
    """Per-product arrays of a market's offers, for fast repeated supplier searches.

    Parameters
    ----------
    market
        The market to search (kept by reference, never modified).
    config
        Hard-rule thresholds and score weights; defaults to ``EngineConfig()``.

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> m = synthetic_market(100, seed=5)
    >>> matched = m.without_resting(EngineConfig().stale_days)  # a resting need is not searched
    >>> need = int(matched.needs["listing_id"].iloc[0])
    >>> hits = SupplierIndex(m).search(need, k=5)
    >>> len(hits) <= 5 and bool(hits["score"].is_monotonic_decreasing)
    True
    """

    def __init__(self, market: Market, config: EngineConfig | None = None) -> None:
        self.market = market
        self.config = config or EngineConfig()
        self.arrays: MarketArrays = market_arrays(market, self.config)
        a = self.arrays
        self._product_pos = {p: i for i, p in enumerate(a.products)}
        self._need_pos = {int(v): i for i, v in enumerate(a.n_id)}
        bits = {t: 1 << i for i, t in enumerate(REGION_TYPES)}
        region_bits = market.pesantren.sort_values("pesantren_id")["region_types"].map(
            lambda text: sum(bits.get(t.strip(), 0) for t in set(str(text).split(";")))
        )
        self._pes_region_bits = region_bits.to_numpy(dtype=np.int64)
        pes = market.pesantren.sort_values("pesantren_id")
        self._names = pes["name"].to_numpy(dtype=object)
        self._kabupaten = pes["kabupaten"].to_numpy(dtype=object)
        self._curation = pes["curation"].astype(str).to_numpy(dtype=object)
        self._slices = [self._slice(p) for p in range(len(a.products))]
        units = dict(zip(market.catalogue["product"], market.catalogue["base_unit"], strict=True))
        self._base_units = [str(units[p]) for p in a.products]
        self._resolver: Any = None
        self._as_of_ns = int(np.datetime64(market.as_of, "ns").astype(np.int64))

    def _slice(self, prod: int) -> _Slice:
        a = self.arrays
        rows = np.concatenate([a.offers_by_product[q] for q in a.related[prod]])
        rows = rows[np.argsort(a.o_id[rows], kind="stable")]
        prow = a.o_prow[rows]
        oprod = a.o_prod[rows]
        return _Slice(
            rows=rows,
            xyz=np.ascontiguousarray(a.pes_xyz[prow]),
            prow=prow,
            prod=oprod,
            qty=a.o_qty[rows],
            price=a.o_price[rows],
            certs=a.o_certs[rows],
            region=a.pes_region[prow],
            region_bits=self._pes_region_bits[prow],
            track=a.pes_track[prow],
            age=a.o_age[rows],
            limit=a.prod_limit[oprod],
            ref_min=a.prod_ref_min[oprod],
            ref_max=a.prod_ref_max[oprod],
            start=a.o_from[rows],
            end=a.o_until[rows],
            offer_id=a.o_id[rows],
        )

    # -- queries -----------------------------------------------------------------------

    def has_need(self, need_id: int) -> bool:
        """Whether the index matches this need: it is in the market and does not rest."""
        return int(need_id) in self._need_pos

    def query_for_need(self, need_id: int) -> SupplierQuery:
        """The query a need stands for: its product, quantity, pesantren, ceiling,
        certificates and window."""
        pos = self._need_pos.get(int(need_id))
        if pos is None:
            raise ValueError(f"unknown or resting need id {need_id}")
        a = self.arrays
        n_max = float(a.n_max[pos])
        return SupplierQuery(
            product=a.products[int(a.n_prod[pos])],
            quantity=float(a.n_qty[pos]),
            pesantren_id=int(a.pes_id[a.n_prow[pos]]),
            required_certs=tuple(mask_to_kinds(int(a.n_req[pos]))),
            max_price=None if np.isnan(n_max) else n_max,
            exclude_pesantren_id=int(a.pes_id[a.n_prow[pos]]),
            available_from=_date_of(int(a.n_from[pos])),
            available_until=_date_of(int(a.n_until[pos])),
        )

    def resolve_product(self, text: str) -> str:
        """A catalogue slug for ``text``: the slug itself, or via
        :class:`matcher.catalogue.ProductResolver` (raises its ``UnknownProduct`` /
        ``AmbiguousProduct`` with the closest names)."""
        if text in self._product_pos:
            return text
        if self._resolver is None:
            from matcher.catalogue import ProductResolver

            self._resolver = ProductResolver(self.market.catalogue)
        slug = str(self._resolver.resolve_or_raise(text))
        if slug not in self._product_pos:
            raise ValueError(f"product {slug!r} is not in this market's catalogue")
        return slug

    def rank(
        self, query: SupplierQuery | int, k: int | None = 10, **filters: Any
    ) -> tuple[IntArray, FloatArray, dict[str, FloatArray], FloatArray, int]:
        """The core of :meth:`search` without building a frame.

        Returns offer rows (in :class:`MarketArrays`), scores, components, distances (NaN
        without a location) and the needed product's index, best first; ``k=None``: every
        match.
        """
        if k is not None and k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        q = self.query_for_need(query) if isinstance(query, (int, np.integer)) else query
        if not isinstance(q, SupplierQuery):
            raise TypeError(f"expected a need id or a SupplierQuery, not {type(query).__name__}")
        if filters:
            q = _with_filters(q, filters)
        a, cfg = self.arrays, self.config
        prod = self._product_pos[self.resolve_product(q.product)]
        s = self._slices[prod]
        ok = np.ones(len(s.rows), dtype=bool)

        buyer_row = -1
        point: FloatArray | None = None
        if q.pesantren_id is not None:
            buyer_row = a.pesantren_row(int(q.pesantren_id))
            point = a.pes_xyz[buyer_row]
        if q.lat is not None and q.lon is not None:
            point = unit_xyz(np.radians([float(q.lat)]), np.radians([float(q.lon)]))[0]
        elif (q.lat is None) != (q.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if q.exclude_pesantren_id is not None:
            with contextlib.suppress(KeyError):  # an unknown pesantren has nothing to exclude
                ok &= s.prow != a.pesantren_row(int(q.exclude_pesantren_id))
        required = _cert_mask(q.required_certs)
        if q.max_price is not None and q.max_price < 0:
            raise ValueError(f"max_price must not be negative, not {q.max_price}")
        ok &= listing_rules_hold(
            buyer=buyer_row,
            supplier=s.prow,
            price=s.price,
            cap=np.inf if q.max_price is None else float(q.max_price) * (1 + cfg.price_tolerance),
            held=s.certs,
            required=required,
            offer_from=s.start,
            offer_until=s.end,
            need_from=OPEN_START if q.available_from is None else _ns(q.available_from),
            need_until=OPEN_END if q.available_until is None else _ns(q.available_until),
        )
        if q.region_type is not None:
            if q.region_type not in REGION_TYPES:
                raise ValueError(
                    f"unknown region type {q.region_type!r}; use one of {list(REGION_TYPES)}"
                )
            ok &= (s.region_bits & (1 << REGION_TYPES.index(q.region_type))) != 0
        curation = _kinds(q.curation)
        if curation:
            ok &= np.isin(self._curation[s.prow], curation)

        if point is not None:
            sq = np.clip(2.0 - 2.0 * (s.xyz @ point), 0.0, 4.0)
            dist = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(sq) / 2.0)
            ok &= within_reach(dist, s.limit)
            if q.radius_km is not None:
                ok &= dist <= float(q.radius_km)
        elif q.radius_km is not None:
            raise ValueError("radius_km needs a location: lat/lon or pesantren_id")
        else:
            dist = np.full(len(s.rows), np.nan)

        idx = np.flatnonzero(ok)
        need_qty = self._quantity(q, prod)
        comps = component_scores(
            exact=s.prod[idx] == prod,
            offer_qty=s.qty[idx],
            need_qty=np.full(len(idx), need_qty),
            price=s.price[idx],
            max_price=np.full(len(idx), np.nan if q.max_price is None else float(q.max_price)),
            ref_min=s.ref_min[idx],
            ref_max=s.ref_max[idx],
            distance_km=np.nan_to_num(dist[idx], nan=0.0),
            limit_km=s.limit[idx],
            supplier_region=s.region[idx],
            buyer_region=np.full(len(idx), a.pes_region[buyer_row] if buyer_row >= 0 else -1),
            held_mask=s.certs[idx],
            required_mask=np.full(len(idx), required, dtype=np.int64),
            age_days=s.age[idx],
            track_record=s.track[idx],
            config=cfg,
        )
        if point is None:
            comps["distance"] = np.full(len(idx), 0.5)
        score = combine(comps, cfg.weights)
        if k is not None and len(idx) > k:
            top = np.argpartition(-score, k - 1)[:k]
            kth = score[top].min()
            top = np.flatnonzero(score >= kth)  # keep ties, then cut by offer id
        else:
            top = np.arange(len(idx))
        order = top[np.lexsort((s.offer_id[idx][top], -score[top]))][:k]
        pick = idx[order]
        return (
            s.rows[pick],
            score[order],
            {c: comps[c][order] for c in cfg.weights},
            dist[pick],
            prod,
        )

    def search(self, query: SupplierQuery | int, k: int = 10, **filters: Any) -> pd.DataFrame:
        """The ``k`` best suppliers for a need id or a :class:`SupplierQuery`.

        ``filters`` override the query's fields (``radius_km=50``, ``required_certs="halal"``,
        ``region_type="coastal_fisheries"``, ``max_price=...``). Returns
        :data:`SEARCH_COLUMNS`, one ``s_<component>`` per weight, ``why_id`` and ``why_en``,
        best first (ties: lower offer id).
        """
        rows, score, comps, dist, prod = self.rank(query, k, **filters)
        return self._frame(query, rows, score, comps, dist, prod)

    def page(
        self,
        query: SupplierQuery | int,
        *,
        order: str = "score",
        page: int | None = 1,
        per_page: int | None = 20,
        **filters: Any,
    ) -> SearchPage:
        """A page of every supplier that matches, with the true total.

        Exact products come first, then substitutes, each in ``order`` (a key of
        :data:`SEARCH_ORDERS`; ties in score order). ``page`` is clamped to the pages there are
        (:func:`page_bounds`); ``per_page=None`` answers every match on one page (an export).
        In score order, ``above_id`` / ``above_en`` say what put a result above the first
        nearer or cheaper one below it (empty when none is).

        >>> from matcher.synthetic import synthetic_market
        >>> index = SupplierIndex(synthetic_market(200, seed=4))
        >>> q = SupplierQuery(product="ikan-asin", pesantren_id=1)
        >>> cheap = index.page(q, order="price", per_page=3)
        >>> cheap.total == len(index.search(q, k=10_000)) and len(cheap.rows) <= 3
        True
        >>> bool(cheap.rows["price"].is_monotonic_increasing)
        True
        """
        if order not in SEARCH_ORDERS:
            raise ValueError(f"unknown order {order!r}; use one of {list(SEARCH_ORDERS)}")
        rows, score, comps, dist, prod = self.rank(query, None, **filters)
        a = self.arrays
        exact = a.o_prod[rows] == prod
        column, descending = SEARCH_ORDERS[order]
        if column == "distance_km" and len(rows) and np.isnan(dist).all():
            raise ValueError("ordering by distance needs a location: lat/lon or pesantren_id")
        keys = {"price": a.o_price[rows], "quantity": a.o_qty[rows], "distance_km": dist}
        arranged = arrange(exact, keys.get(column), descending)
        rows, score, dist, exact = rows[arranged], score[arranged], dist[arranged], exact[arranged]
        comps = {c: v[arranged] for c, v in comps.items()}
        size = max(len(rows) if per_page is None else per_page, 1)
        number, pages = page_bounds(len(rows), page, size)
        chosen = np.arange((number - 1) * size, min(number * size, len(rows)))
        frame = self._frame(
            query, rows[chosen], score[chosen], {c: v[chosen] for c, v in comps.items()},
            dist[chosen], prod,
        )  # fmt: skip
        texts: dict[str, list[str]] = {lang: [""] * len(chosen) for lang in LANGS}
        if column == "score":
            price = a.o_price[rows]
            for i, at in enumerate(chosen):
                found = above(
                    int(at), price=price, distance=dist, exact=exact, components=comps,
                    weights=self.config.weights,
                )  # fmt: skip
                if found is None:
                    continue
                theirs, mine = rows[found.other], rows[at]
                for lang in LANGS:
                    texts[lang][i] = explain_above(
                        other=str(self._names[a.o_prow[theirs]]),
                        nearer_km=float(dist[found.other]) if found.nearer else None,
                        cheaper_price=float(price[found.other]) if found.cheaper else None,
                        unit=self._base_units[int(a.o_prod[theirs])],
                        reasons=found.reasons,
                        enough=bool(comps["quantity"][at] >= 1.0) if "quantity" in comps else False,
                        extra_certs=mask_to_kinds(int(a.o_certs[mine]) & ~int(a.o_certs[theirs])),
                        lang=lang,
                    )
        frame["above_id"], frame["above_en"] = texts["id"], texts["en"]
        return SearchPage(
            rows=frame,
            page=number,
            pages=pages,
            per_page=size,
            total=len(rows),
            exact=int(exact.sum()),
        )

    def _frame(
        self,
        query: SupplierQuery | int,
        rows: IntArray,
        score: FloatArray,
        comps: dict[str, FloatArray],
        dist: FloatArray,
        prod: int,
    ) -> pd.DataFrame:
        a = self.arrays
        prow = a.o_prow[rows]
        products = np.asarray(a.products, dtype=object)
        q = self.query_for_need(query) if isinstance(query, (int, np.integer)) else query
        buyer = q.pesantren_id if isinstance(q, SupplierQuery) else None
        data: dict[str, Any] = {
            "offer_id": a.o_id[rows],
            "pesantren_id": a.pes_id[prow],
            "name": self._names[prow],
            "kabupaten": self._kabupaten[prow],
            "product": products[a.o_prod[rows]],
            "quantity": a.o_qty[rows],
            "price": a.o_price[rows],
            "distance_km": dist,
            "certs": [";".join(mask_to_kinds(int(m))) for m in a.o_certs[rows]],
            "score": score,
        }
        for c, values in comps.items():
            data["s_" + c] = values
        why: dict[str, list[str]] = {"id": [], "en": []}
        need_product = products[prod]
        for i in range(len(rows)):
            row = {
                "supplier_id": int(data["pesantren_id"][i]),
                "buyer_id": buyer,
                "product": data["product"][i],
                "need_product": need_product,
                "distance_km": float(dist[i]),
                "price": float(data["price"][i]),
                "offer_qty": float(data["quantity"][i]),
                "cert_mask": int(a.o_certs[rows[i]]),
            }
            why["id"].append(explain_candidate(row, self.market, "id"))
            why["en"].append(explain_candidate(row, self.market, "en"))
        data["why_id"], data["why_en"] = why["id"], why["en"]
        return pd.DataFrame(data, copy=False)

    def _quantity(self, q: SupplierQuery, prod: int) -> float:
        if q.quantity is None:
            return float("nan")
        if q.quantity <= 0 or not np.isfinite(q.quantity):
            raise ValueError(f"quantity must be positive, not {q.quantity}")
        base = self._base_units[prod]
        if q.unit is None or q.unit == base:
            return float(q.quantity)
        from matcher.units import to_base

        return float(to_base(float(q.quantity), q.unit, base))


_INDEXES: dict[tuple[int, int], SupplierIndex] = {}


def find_suppliers(
    market: Market,
    need_or_query: SupplierQuery | int,
    k: int = 10,
    config: EngineConfig | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """The ``k`` best suppliers for a need id or a :class:`SupplierQuery`.

    Builds a :class:`SupplierIndex` on the first call for a market (and config) and reuses
    it while the market object lives. ``filters`` override query fields.

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> m = synthetic_market(120, seed=6)
    >>> hits = find_suppliers(m, SupplierQuery(product="beras-medium", pesantren_id=1),
    ...                       k=5, radius_km=80, required_certs="halal")
    >>> bool((hits["distance_km"] <= 80).all() and hits["certs"].str.contains("halal").all())
    True
    """
    cfg = config or EngineConfig()
    key = (id(market), id(cfg) if config is not None else 0)
    index = _INDEXES.get(key)
    if index is None or index.market is not market:
        index = SupplierIndex(market, cfg)
        _INDEXES[key] = index
        weakref.finalize(market, _INDEXES.pop, key, None)
    return index.search(need_or_query, k, **filters)


def _with_filters(q: SupplierQuery, filters: dict[str, Any]) -> SupplierQuery:
    known = {f.name for f in dataclasses.fields(SupplierQuery)}
    unknown = sorted(set(filters) - known)
    if unknown:
        raise ValueError(f"unknown search filters {unknown}; use any of {sorted(known)}")
    return dataclasses.replace(q, **filters)


def _cert_mask(certs: Sequence[str] | str) -> int:
    kinds = _kinds(certs)
    unknown = sorted(set(kinds) - set(CERT_KINDS))
    if unknown:
        raise ValueError(f"unknown certificate kinds {unknown}; use any of {list(CERT_KINDS)}")
    return sum(CERT_BITS[c] for c in set(kinds))


def _kinds(values: Sequence[str] | str) -> list[str]:
    items = values.split(";") if isinstance(values, str) else list(values)
    return [v.strip() for v in items if v.strip()]


def _ns(day: dt.date) -> int:
    return int(np.datetime64(day, "ns").astype(np.int64))


def _date_of(ns: int) -> dt.date | None:
    if ns in (OPEN_START, OPEN_END):
        return None
    return pd.Timestamp(ns).date()
