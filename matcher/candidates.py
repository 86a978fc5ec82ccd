"""Candidates: for every need, the offers that could serve it, scored, top-k kept.

An offer is a candidate for a need when it is the same product or a declared substitute
(catalogue ``substitutes``, read in both directions) from *another* pesantren, and it passes
every hard rule — rules are never traded for score:

- each certificate kind the need requires is held by the supplier *for the offered product*
  and has not expired at ``market.as_of``;
- the distance is within ``config.max_distance_km`` of the offered product's shelf-life class;
- the asking price is at most ``max_price × (1 + config.price_tolerance)`` (no ceiling: any);
- the availability windows overlap (NaT = open on that side).

The join runs product by product (a need's product and its substitutes), on numpy blocks of
(needs × offers) of that product only, in chunks of bounded size, and keeps the best
``config.top_k_per_need`` offers per need; the national cross product is never built.

>>> from matcher.synthetic import synthetic_market
>>> cands = find_candidates(synthetic_market(60, seed=1))
>>> list(cands.columns[:4])
['need_id', 'offer_id', 'buyer_id', 'supplier_id']
>>> bool((cands["buyer_id"] != cands["supplier_id"]).all())
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher.config import EngineConfig
from matcher.market import Market
from matcher.scoring import CERT_BITS, combine, component_scores, region_code

__all__ = ["CANDIDATE_COLUMNS", "MarketArrays", "find_candidates", "market_arrays"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Contract columns, before the ``s_<component>`` columns (one per weight).
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "need_id",
    "offer_id",
    "buyer_id",
    "supplier_id",
    "product",
    "need_product",
    "distance_km",
    "price",
    "max_price",
    "offer_qty",
    "need_qty",
    "score",
)
#: Extra columns for explanations: substitute or not, the supplier's valid certificate
#: bitmask for the offered product (see :data:`matcher.scoring.CERT_BITS`), the distance limit.
EXTRA_COLUMNS: tuple[str, ...] = ("substitute", "cert_mask", "max_distance_km")

_BLOCK = 1 << 21  # elements per (needs × offers) block: ~2 M, a few tens of MB of temporaries
_NS_PER_DAY = 86_400 * 10**9
_OPEN_START = np.iinfo(np.int64).min
_OPEN_END = np.iinfo(np.int64).max


@dataclass(frozen=True)
class MarketArrays:
    """A Market as aligned numpy arrays, built once and shared by candidates and search.

    Pesantren arrays are indexed by pesantren row; offers and needs carry the row of their
    pesantren (``*_prow``) and the catalogue index of their product (``*_prod``).
    """

    products: tuple[str, ...]
    prod_limit: FloatArray
    prod_ref_min: FloatArray
    prod_ref_max: FloatArray
    related: tuple[IntArray, ...]  # per product: itself first, then its substitutes
    pes_id: IntArray
    pes_lat: FloatArray  # radians
    pes_lon: FloatArray  # radians
    pes_cos: FloatArray
    pes_region: IntArray
    pes_track: FloatArray
    o_id: IntArray
    o_prow: IntArray
    o_prod: IntArray
    o_qty: FloatArray
    o_price: FloatArray
    o_from: IntArray
    o_until: IntArray
    o_age: FloatArray
    o_certs: IntArray  # valid certificates for (supplier, offered product)
    n_id: IntArray
    n_prow: IntArray
    n_prod: IntArray
    n_qty: FloatArray
    n_max: FloatArray
    n_cap: FloatArray  # max_price × (1 + tolerance), inf when no ceiling
    n_req: IntArray
    n_from: IntArray
    n_until: IntArray
    offers_by_product: tuple[IntArray, ...]  # offer rows per product, by offer id
    needs_by_product: tuple[IntArray, ...]

    def pesantren_row(self, pesantren_id: int) -> int:
        """Row of a pesantren id; raises ``KeyError`` naming it when unknown."""
        pos = int(np.searchsorted(self.pes_id, pesantren_id))
        if pos >= len(self.pes_id) or self.pes_id[pos] != pesantren_id:
            raise KeyError(f"unknown pesantren_id {pesantren_id}")
        return pos


def market_arrays(market: Market, config: EngineConfig | None = None) -> MarketArrays:
    """Convert a Market to :class:`MarketArrays` (vectorised; no row loops over listings)."""
    cfg = config or EngineConfig()
    cat = market.catalogue.sort_values("product", kind="stable")
    products = tuple(str(p) for p in cat["product"])
    prod_pos = {p: i for i, p in enumerate(products)}
    limit = np.array(
        [cfg.max_distance_km.get(str(c), np.inf) for c in cat["shelf_life_class"]], dtype=float
    )
    related = _related_products(cat, prod_pos)

    pes = market.pesantren.sort_values("pesantren_id", kind="stable")
    pes_id = pes["pesantren_id"].to_numpy(dtype=np.int64)
    lat = np.radians(pes["lat"].to_numpy(dtype=float))
    region_codes = {v: region_code(v) for v in pes["region_types"].unique()}

    as_of_ns = np.datetime64(market.as_of, "ns").astype(np.int64)
    offers = market.offers.sort_values("listing_id", kind="stable")
    needs = market.needs.sort_values("listing_id", kind="stable")
    o_prod = _codes(offers["product"], prod_pos)
    n_prod = _codes(needs["product"], prod_pos)
    o_prow = np.searchsorted(pes_id, offers["pesantren_id"].to_numpy(dtype=np.int64))
    n_prow = np.searchsorted(pes_id, needs["pesantren_id"].to_numpy(dtype=np.int64))

    last = _ns(offers["last_confirmed"], np.iinfo(np.int64).min)
    age = np.where(last == np.iinfo(np.int64).min, np.nan, (as_of_ns - last) / _NS_PER_DAY).astype(
        float
    )
    n_max = needs["max_price"].to_numpy(dtype=float)
    req_codes = {v: _mask(v) for v in needs["required_certs"].unique()}

    return MarketArrays(
        products=products,
        prod_limit=limit,
        prod_ref_min=cat["price_min"].to_numpy(dtype=float),
        prod_ref_max=cat["price_max"].to_numpy(dtype=float),
        related=related,
        pes_id=pes_id,
        pes_lat=lat,
        pes_lon=np.radians(pes["lon"].to_numpy(dtype=float)),
        pes_cos=np.cos(lat),
        pes_region=pes["region_types"].map(region_codes).to_numpy(dtype=np.int64),
        pes_track=pes["track_record"].to_numpy(dtype=float),
        o_id=offers["listing_id"].to_numpy(dtype=np.int64),
        o_prow=o_prow.astype(np.int64),
        o_prod=o_prod,
        o_qty=offers["quantity"].to_numpy(dtype=float),
        o_price=offers["price"].to_numpy(dtype=float),
        o_from=_ns(offers["available_from"], _OPEN_START),
        o_until=_ns(offers["available_until"], _OPEN_END),
        o_age=age,
        o_certs=_offer_certs(market, offers, pes_id, prod_pos, int(as_of_ns)),
        n_id=needs["listing_id"].to_numpy(dtype=np.int64),
        n_prow=n_prow.astype(np.int64),
        n_prod=n_prod,
        n_qty=needs["quantity"].to_numpy(dtype=float),
        n_max=n_max,
        n_cap=np.where(np.isnan(n_max), np.inf, n_max * (1.0 + cfg.price_tolerance)),
        n_req=needs["required_certs"].map(req_codes).to_numpy(dtype=np.int64),
        n_from=_ns(needs["available_from"], _OPEN_START),
        n_until=_ns(needs["available_until"], _OPEN_END),
        offers_by_product=_group_rows(o_prod, len(products)),
        needs_by_product=_group_rows(n_prod, len(products)),
    )


def find_candidates(market: Market, config: EngineConfig | None = None) -> pd.DataFrame:
    """Every need's best offers that pass the hard rules, scored, best first.

    Parameters
    ----------
    market
        The market snapshot (never modified).
    config
        Weights, hard-rule thresholds and ``top_k_per_need``; defaults to ``EngineConfig()``.

    Returns
    -------
    DataFrame
        Columns :data:`CANDIDATE_COLUMNS`, one ``s_<component>`` column per weight, then
        ``substitute``, ``cert_mask`` and ``max_distance_km``; ``product`` is the offered
        product, ``need_product`` the needed one. Sorted by ``need_id``, ``score`` descending,
        ``offer_id``; at most ``top_k_per_need`` rows per need.

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> c = find_candidates(synthetic_market(80, seed=3), EngineConfig(top_k_per_need=2))
    >>> int(c.groupby("need_id").size().max()) <= 2
    True
    >>> bool(c["score"].between(0, 1).all())
    True
    """
    cfg = config or EngineConfig()
    weights = dict(cfg.weights)
    arrays = market_arrays(market, cfg)
    parts: list[dict[str, np.ndarray]] = []
    for prod in range(len(arrays.products)):
        need_rows = arrays.needs_by_product[prod]
        if not len(need_rows):
            continue
        offer_rows = np.concatenate([arrays.offers_by_product[q] for q in arrays.related[prod]])
        if not len(offer_rows):
            continue
        chunk = max(1, _BLOCK // len(offer_rows))
        for start in range(0, len(need_rows), chunk):
            part = _block(arrays, cfg, need_rows[start : start + chunk], offer_rows)
            if part is not None:
                parts.append(part)
    return _assemble(arrays, parts, weights)


def _block(
    a: MarketArrays, cfg: EngineConfig, need_rows: IntArray, offer_rows: IntArray
) -> dict[str, np.ndarray] | None:
    """Hard rules, scores and top-k for one (needs × offers) block of one product."""
    n_p, o_p = a.n_prow[need_rows], a.o_prow[offer_rows]
    ok = n_p[:, None] != o_p[None, :]
    cap = a.n_cap[need_rows]
    if np.isfinite(cap).any():
        ok &= a.o_price[offer_rows][None, :] <= cap[:, None]
    req = a.n_req[need_rows]
    if req.any():
        ok &= (a.o_certs[offer_rows][None, :] & req[:, None]) == req[:, None]
    o_from, o_until = a.o_from[offer_rows], a.o_until[offer_rows]
    n_from, n_until = a.n_from[need_rows], a.n_until[need_rows]
    if (o_from != _OPEN_START).any() or (n_until != _OPEN_END).any():
        ok &= o_from[None, :] <= n_until[:, None]
    if (n_from != _OPEN_START).any() or (o_until != _OPEN_END).any():
        ok &= n_from[:, None] <= o_until[None, :]
    limit = a.prod_limit[a.o_prod[offer_rows]]
    rows, cols = np.nonzero(ok)
    if not len(rows):
        return None
    # distances only for the pairs that survived the cheap rules
    dist = _haversine_rows(a, n_p[rows], o_p[cols])
    within = dist <= limit[cols]
    rows, cols, dist = rows[within], cols[within], dist[within]
    if not len(rows):
        return None

    nr, orow = need_rows[rows], offer_rows[cols]
    comps = component_scores(
        exact=a.o_prod[orow] == a.n_prod[nr],
        offer_qty=a.o_qty[orow],
        need_qty=a.n_qty[nr],
        price=a.o_price[orow],
        max_price=a.n_max[nr],
        ref_min=a.prod_ref_min[a.o_prod[orow]],
        ref_max=a.prod_ref_max[a.o_prod[orow]],
        distance_km=dist,
        limit_km=limit[cols],
        supplier_region=a.pes_region[a.o_prow[orow]],
        buyer_region=a.pes_region[a.n_prow[nr]],
        held_mask=a.o_certs[orow],
        required_mask=a.n_req[nr],
        age_days=a.o_age[orow],
        track_record=a.pes_track[a.o_prow[orow]],
        config=cfg,
    )
    score = combine(comps, cfg.weights)
    keep = _top_k(rows, score, a.o_id[orow], cfg.top_k_per_need)
    nr, orow = nr[keep], orow[keep]
    out: dict[str, np.ndarray] = {
        "need_row": nr,
        "offer_row": orow,
        "distance_km": dist[keep],
        "limit": limit[cols][keep],
        "score": score[keep],
    }
    for name in cfg.weights:
        out["s_" + name] = comps[name][keep]
    return out


def _top_k(group: IntArray, score: FloatArray, tie: IntArray, k: int) -> IntArray:
    """Positions of the best ``k`` per group, ordered by group, score desc, tie asc."""
    order = np.lexsort((tie, -score, group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    rank = np.arange(len(g)) - first
    return np.asarray(order[rank < k], dtype=np.int64)


def _assemble(
    a: MarketArrays, parts: list[dict[str, np.ndarray]], weights: dict[str, float]
) -> pd.DataFrame:
    names = [*CANDIDATE_COLUMNS, *("s_" + w for w in weights), *EXTRA_COLUMNS]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=_EMPTY_DTYPES.get(c, "float64")) for c in names})
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    nr, orow = cat["need_row"], cat["offer_row"]
    # blocks are already ordered by score within a need; a stable sort by need id finishes
    order = np.argsort(a.n_id[nr], kind="stable")
    nr, orow = nr[order], orow[order]
    products = np.asarray(a.products, dtype=object)
    data: dict[str, np.ndarray] = {
        "need_id": a.n_id[nr],
        "offer_id": a.o_id[orow],
        "buyer_id": a.pes_id[a.n_prow[nr]],
        "supplier_id": a.pes_id[a.o_prow[orow]],
        "product": products[a.o_prod[orow]],
        "need_product": products[a.n_prod[nr]],
        "distance_km": cat["distance_km"][order],
        "price": a.o_price[orow],
        "max_price": a.n_max[nr],
        "offer_qty": a.o_qty[orow],
        "need_qty": a.n_qty[nr],
        "score": cat["score"][order],
    }
    for w in weights:
        data["s_" + w] = cat["s_" + w][order]
    data["substitute"] = a.o_prod[orow] != a.n_prod[nr]
    data["cert_mask"] = a.o_certs[orow]
    data["max_distance_km"] = cat["limit"][order]
    return pd.DataFrame(data, columns=names)


_EMPTY_DTYPES = {
    "need_id": "int64",
    "offer_id": "int64",
    "buyer_id": "int64",
    "supplier_id": "int64",
    "product": "object",
    "need_product": "object",
    "substitute": "bool",
    "cert_mask": "int64",
}


def _haversine_rows(a: MarketArrays, p1: IntArray, p2: IntArray) -> FloatArray:
    dlat = a.pes_lat[p2] - a.pes_lat[p1]
    dlon = a.pes_lon[p2] - a.pes_lon[p1]
    h = np.sin(dlat / 2) ** 2 + a.pes_cos[p1] * a.pes_cos[p2] * np.sin(dlon / 2) ** 2
    return np.asarray(2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=float)


def _related_products(cat: pd.DataFrame, pos: dict[str, int]) -> tuple[IntArray, ...]:
    subs: list[set[int]] = [set() for _ in pos]
    for product, text in zip(cat["product"], cat["substitutes"], strict=True):
        i = pos[str(product)]
        for token in str(text).split(";"):
            j = pos.get(token.strip())
            if j is not None and j != i:
                subs[i].add(j)
                subs[j].add(i)  # substitution is read in both directions
    return tuple(np.array([i, *sorted(s)], dtype=np.int64) for i, s in enumerate(subs))


def _codes(values: pd.Series, pos: dict[str, int]) -> IntArray:
    return values.map(pos).to_numpy(dtype=np.int64)


def _ns(values: pd.Series, fill: int) -> IntArray:
    raw = values.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
    raw[np.isnat(values.to_numpy(dtype="datetime64[ns]"))] = fill
    return raw


def _mask(text: str) -> int:
    return sum(CERT_BITS.get(t.strip(), 0) for t in set(str(text).split(";")))


def _group_rows(codes: IntArray, n: int) -> tuple[IntArray, ...]:
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n + 1))
    return tuple(order[bounds[i] : bounds[i + 1]].astype(np.int64) for i in range(n))


def _offer_certs(
    market: Market, offers: pd.DataFrame, pes_id: IntArray, pos: dict[str, int], as_of_ns: int
) -> IntArray:
    """Bitmask of certificates valid at ``as_of`` for each offer's (pesantren, product)."""
    certs = market.certificates
    if not len(certs) or not len(offers):
        return np.zeros(len(offers), dtype=np.int64)
    expires = certs["expires"].to_numpy(dtype="datetime64[ns]")
    valid = np.isnat(expires) | (expires.view(np.int64) >= as_of_ns)
    c = certs.loc[valid & certs["product"].isin(list(pos)).to_numpy()]
    n_prod = len(pos)
    key = c["pesantren_id"].to_numpy(dtype=np.int64) * n_prod + _codes(c["product"], pos)
    bits = c["kind"].map(CERT_BITS).fillna(0).to_numpy(dtype=np.int64)
    frame = pd.DataFrame({"key": key, "bit": bits}).drop_duplicates()
    by_key = frame.groupby("key")["bit"].sum()
    okey = offers["pesantren_id"].to_numpy(dtype=np.int64) * n_prod + _codes(offers["product"], pos)
    return by_key.reindex(okey).fillna(0).to_numpy(dtype=np.int64)


def as_of_datetime(as_of: dt.date) -> np.datetime64:
    """The market date as a numpy datetime (midnight)."""
    return np.datetime64(as_of, "ns")
