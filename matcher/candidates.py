"""Candidates: for every need, the offers that could serve it, scored, top-k kept.

An offer is a candidate for a need when it is the same product or a declared substitute
(catalogue ``substitutes``, read in both directions) from *another* pesantren, and it passes
every hard rule — rules are never traded for score:

- each certificate kind the need requires is held by the supplier *for the offered product*
  and has not expired at ``market.as_of``;
- the distance is within ``config.max_distance_km`` of the offered product's shelf-life class;
- the asking price is at most ``max_price × (1 + config.price_tolerance)`` (no ceiling: any);
- the availability windows overlap (NaT = open on that side);
- neither listing rests (not confirmed for more than ``config.stale_days`` days).

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

import os
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher.arrays import MarketArrays, market_arrays
from matcher.arraytypes import FloatArray, IntArray
from matcher.config import EngineConfig
from matcher.frames import SOLVER_COLUMNS
from matcher.geo import great_circle_km, pair_km
from matcher.market import Market
from matcher.ranking import grouped_order, positions, stable_order, top_k, top_mask
from matcher.rules import listing_rules_hold, within_reach
from matcher.scoring import (
    certification_score,
    combine,
    component_scores,
    region_matrix,
)
from matcher.surplus import unit_surplus

__all__ = [
    "CANDIDATE_COLUMNS",
    "PendingArcs",
    "candidate_frames",
    "candidate_stage",
    "find_candidates",
    "pair_components",
]


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
    "buyer_value",
    "offer_qty",
    "need_qty",
    "score",
)
#: Extra columns for explanations: substitute or not, the supplier's valid certificate
#: bitmask for the offered product (see :data:`matcher.scoring.CERT_BITS`), the distance limit.
EXTRA_COLUMNS: tuple[str, ...] = ("substitute", "cert_mask", "max_distance_km")

#: Allocation arcs per need / offer keep going until their partners' quantities reach this
#: multiple of their own (see :func:`candidate_frames`).
ALLOCATION_COVER = 6.0
#: Each block pre-selects this many times ``allocation_top_k`` arcs per need and per offer.
ALLOCATION_PREFILTER = 2
_BLOCK = 1 << 20  # elements per (needs × offers) block: ~1 M, some 60 MB of temporaries


def find_candidates(
    market: Market,
    config: EngineConfig | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
) -> pd.DataFrame:
    """Every need's best offers that pass the hard rules, scored, best first.

    Parameters
    ----------
    market
        The market snapshot (never modified).
    config
        Weights, hard-rule thresholds and ``top_k_per_need``; defaults to ``EngineConfig()``.
    exclude_pairs
        ``(offer_id, need_id)`` pairs never to return (e.g. declined in an earlier round).

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
    return candidate_stage(market, config, exclude_pairs, allocation_k=0)[0]


def candidate_frames(
    market: Market,
    config: EngineConfig | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    allocation_k: int | None = None,
    *,
    components: bool = True,
    arrays: MarketArrays | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidates (as :func:`find_candidates`) and the trade allocation's arcs, in one pass.

    The allocation must not see only each need's top-k by score: needs compete for the same
    nearby offers, and an offer that is in nobody's top-k is then never sold, though a need
    a little further away would gladly buy it. So, from the same blocks and hard rules, the
    allocation arcs are the pairs with positive profit (the buyer's surplus per base
    unit, :func:`matcher.surplus.unit_surplus`, the allocation's objective) that are among
    the ``allocation_k`` most profitable **for their need or for their offer** (per product: an offer's best
    needs are chosen across all blocks). At most ``allocation_k × (needs + offers)`` arcs,
    plus, for a need or offer whose partners' quantities do not yet reach
    :data:`ALLOCATION_COVER` times its own, the next best ones (supply and demand of a
    product are often of the same order, and a 300 kg offer serves many 80 kg needs);
    memory stays bounded at national scale.

    Parameters
    ----------
    market, config, exclude_pairs
        As :func:`find_candidates`.
    allocation_k
        Arcs kept per need and per offer; ``None`` takes ``config.allocation_top_k``,
        ``0`` skips the allocation arcs (an empty frame). With allocation arcs, products
        with up to ``config.allocation_pool`` offers are joined whole (no candidate pool),
        so the candidates of those products are the exact top-k.
    components
        With ``False`` neither frame has the ``s_<component>`` columns: a round needs the
        components of the legs it proposes only (:func:`pair_components`), and at national
        scale the columns of every candidate and arc weigh some 300 MB.
    arrays
        :func:`market_arrays` of ``market`` and ``config`` when the caller has them.

    Returns
    -------
    tuple of DataFrame
        ``(candidates, arcs)``; ``arcs`` has the :data:`SOLVER_COLUMNS` (and the
        components), sorted by ``need_id`` and ``offer_id`` (the order in which the
        allocation reads them).

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> cands, arcs = candidate_frames(synthetic_market(80, seed=3), EngineConfig(top_k_per_need=2))
    >>> int(cands.groupby("need_id").size().max()) <= 2 < int(arcs.groupby("offer_id").size().max())
    True
    """
    candidates, arcs = candidate_stage(
        market, config, exclude_pairs, allocation_k, components=components, arrays=arrays
    )
    return candidates, arcs.frame()


def candidate_stage(
    market: Market,
    config: EngineConfig | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    allocation_k: int | None = None,
    *,
    components: bool = True,
    arrays: MarketArrays | None = None,
) -> tuple[pd.DataFrame, PendingArcs]:
    """:func:`candidate_frames` with the arcs left pending (:class:`PendingArcs`)."""
    cfg = config or EngineConfig()
    alloc_k = cfg.allocation_top_k if allocation_k is None else allocation_k
    weights = dict(cfg.weights)
    arrays = arrays or market_arrays(market, cfg)
    excluded = _excluded_rows(arrays, exclude_pairs)
    whole = max(cfg.candidate_pool, cfg.allocation_pool) if alloc_k else cfg.candidate_pool

    def product(prod: int) -> tuple[list[dict[str, np.ndarray]], dict[str, np.ndarray] | None]:
        need_rows = arrays.needs_by_product[prod]
        offer_rows = np.concatenate([arrays.offers_by_product[q] for q in arrays.related[prod]])
        if not len(need_rows) or not len(offer_rows):
            return [], None
        offer_rows = offer_rows[np.argsort(arrays.o_id[offer_rows], kind="stable")]
        parts: list[dict[str, np.ndarray]] = []
        product_arcs: list[dict[str, np.ndarray]] = []
        for needs, pool in _blocks(arrays, cfg, need_rows, offer_rows, whole):
            part, arcs = _block(arrays, cfg, needs, pool, alloc_k, excluded, components)
            if part is not None:
                parts.append(part)
            if arcs is not None:
                product_arcs.append(arcs)
        return parts, (_best_arcs(arrays, cfg, product_arcs, alloc_k) if product_arcs else None)

    # products are independent: threads share the arrays, results come back in order
    workers = cfg.threads or _cpus()
    if workers == 1:
        done = [product(prod) for prod in range(len(arrays.products))]
    else:
        # OpenBLAS's own threads would spin against ours: a process that runs rounds pins
        # them once (matcher.engine.round_process_settings), never per call
        with ThreadPoolExecutor(workers) as pool:
            done = list(pool.map(product, range(len(arrays.products))))
    parts = [part for product_parts, _ in done for part in product_parts]
    alloc_parts = [arcs for _, arcs in done if arcs is not None]
    del done
    names = [f"s_{w}" for w in weights] if components else []
    candidates = _assemble(arrays, parts, [*CANDIDATE_COLUMNS, *names, *EXTRA_COLUMNS], workers)
    return candidates, PendingArcs(arrays, alloc_parts, [*SOLVER_COLUMNS, *names], workers)


class PendingArcs:
    """Allocation arcs as the candidate pass left them (row numbers, distance and score:
    about a third of the frame's bytes) until :meth:`frame` assembles them, so a round
    holds the full frame only while it allocates (some 200 MB less during barter
    clearing at national scale)."""

    def __init__(
        self,
        arrays: MarketArrays,
        parts: list[dict[str, np.ndarray]],
        names: list[str],
        workers: int,
    ) -> None:
        self._arrays, self._names, self._workers = arrays, names, workers
        self._parts: list[dict[str, np.ndarray]] | None = parts

    def frame(self) -> pd.DataFrame:
        """The arcs as :func:`candidate_frames` returns them; once (the parts are used up,
        a second call raises ``RuntimeError``)."""
        if self._parts is None:
            raise RuntimeError("these allocation arcs were assembled already")
        parts, self._parts = self._parts, None
        return _assemble(self._arrays, parts, self._names, self._workers)


def pair_components(
    arrays: MarketArrays, config: EngineConfig, need_ids: IntArray, offer_ids: IntArray
) -> dict[str, FloatArray]:
    """The score components (one array per weight) of the pairs ``(need_ids[i],
    offer_ids[i])``, exactly as the candidates were scored.

    Raises ``KeyError`` naming a listing id that is not in the market.

    >>> from matcher.synthetic import synthetic_market
    >>> m, cfg = synthetic_market(60, seed=1), EngineConfig()
    >>> c = find_candidates(m, cfg).head(3)
    >>> comps = pair_components(market_arrays(m, cfg), cfg, c["need_id"].to_numpy(),
    ...                         c["offer_id"].to_numpy())
    >>> bool(np.allclose(comps["distance"], c["s_distance"], atol=1e-6))
    True
    """
    nr = _rows_of(arrays.n_id, np.asarray(need_ids, dtype=np.int64), "need")
    orow = _rows_of(arrays.o_id, np.asarray(offer_ids, dtype=np.int64), "offer")
    d = pair_km(arrays.pes_xyz[arrays.n_prow[nr]], arrays.pes_xyz[arrays.o_prow[orow]])
    return _pair_components(arrays, config, nr, orow, d)


def _rows_of(ids: IntArray, wanted: IntArray, what: str) -> IntArray:
    pos = np.minimum(np.searchsorted(ids, wanted), max(len(ids) - 1, 0))
    missing = wanted[(ids[pos] != wanted)] if len(ids) else wanted
    if len(missing):
        raise KeyError(f"unknown {what} listing_id {int(missing[0])}")
    return np.asarray(pos, dtype=np.int64)


def _pair_components(
    a: MarketArrays, cfg: EngineConfig, nr: IntArray, orow: IntArray, d: FloatArray
) -> dict[str, FloatArray]:
    """Exact components of the pairs (need row, offer row) at distances ``d``."""
    o_prod = a.o_prod[orow]
    return component_scores(
        exact=o_prod == a.n_prod[nr],
        offer_qty=a.o_qty[orow],
        need_qty=a.n_qty[nr],
        price=a.o_price[orow],
        max_price=a.n_max[nr],
        ref_min=a.prod_ref_min[o_prod],
        ref_max=a.prod_ref_max[o_prod],
        distance_km=d,
        limit_km=a.prod_limit[o_prod],
        supplier_region=a.pes_region[a.o_prow[orow]],
        buyer_region=a.pes_region[a.n_prow[nr]],
        held_mask=a.o_certs[orow],
        required_mask=a.n_req[nr],
        age_days=a.o_age[orow],
        track_record=a.pes_track[a.o_prow[orow]],
        config=cfg,
    )


def _cpus() -> int:
    """CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


def _excluded_rows(
    a: MarketArrays, pairs: Collection[tuple[int, int]]
) -> tuple[IntArray, IntArray]:
    """(need rows, offer rows) of the excluded (offer_id, need_id) pairs still in the market."""
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ids = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    o = np.minimum(np.searchsorted(a.o_id, ids[:, 0]), max(len(a.o_id) - 1, 0))
    n = np.minimum(np.searchsorted(a.n_id, ids[:, 1]), max(len(a.n_id) - 1, 0))
    if not len(a.o_id) or not len(a.n_id):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    found = (a.o_id[o] == ids[:, 0]) & (a.n_id[n] == ids[:, 1])
    return n[found].astype(np.int64), o[found].astype(np.int64)


def _best_arcs(
    a: MarketArrays, cfg: EngineConfig, parts: list[dict[str, np.ndarray]], k: int
) -> dict[str, np.ndarray]:
    """One product's allocation arcs: per need and per offer, its ``k`` most profitable
    arcs and, beyond them, as many more as it takes for the partners' quantities to reach
    :data:`ALLOCATION_COVER` times its own (a large offer can serve many small needs)."""
    arcs = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    profit = arcs.pop("profit")
    nr, orow = arcs["need_row"], arcs["offer_row"]
    keep = _covering(nr, profit, a.o_id[orow], a.o_qty[orow], a.n_qty[nr], k)
    keep |= _covering(orow, profit, a.n_id[nr], a.n_qty[nr], a.o_qty[orow], k)
    # by need row, then offer row (= offer id): _assemble's stable sort by need keeps it
    rows = np.flatnonzero(keep)
    order = rows[np.argsort(nr[rows] * np.int64(len(a.o_id)) + orow[rows])]
    out = {key: value[order] for key, value in arcs.items()}
    if max(len(a.n_id), len(a.o_id)) < 2**31:  # kept until the allocation: 4 bytes a row
        out["need_row"] = out["need_row"].astype(np.int32)
        out["offer_row"] = out["offer_row"].astype(np.int32)
    return out


def _covering(
    group: IntArray,
    profit: FloatArray,
    tie: IntArray,
    partner_qty: FloatArray,
    own_qty: FloatArray,
    k: int,
) -> npt.NDArray[np.bool_]:
    """Best arcs per group (profit desc, tie asc): the first ``k``, then on while the
    partners' quantity before the arc is below ``ALLOCATION_COVER × own_qty``."""
    order = grouped_order(group, profit, tie)
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, len(g)])
    rank = np.arange(len(g)) - np.repeat(starts, counts)
    qty = np.nan_to_num(partner_qty[order])
    cum = np.cumsum(qty)
    before = cum - qty - np.repeat(cum[starts] - qty[starts], counts)
    chosen = (rank < k) | (before < ALLOCATION_COVER * own_qty[order])
    keep = np.zeros(len(group), dtype=bool)
    keep[order[chosen]] = True
    return keep


def _blocks(
    a: MarketArrays,
    cfg: EngineConfig,
    need_rows: IntArray,
    offer_rows: IntArray,
    whole: int | None = None,
) -> list[tuple[IntArray, IntArray]]:
    """(needs, offers) blocks of one product.

    With at most ``whole`` offers (default ``config.candidate_pool``; ``0``: any number)
    every need meets every offer. Above it,
    needs are grouped by place (0.2° cells, in chunks of up to 256) and each group meets
    the ``candidate_pool`` offers with the best *estimated* score for the group: every
    need-independent component, the quantity fit against the group's median need, the
    distance from the group's centre and the best region fit for its buyers. Only the
    exact scores of pooled pairs are computed; a distant but excellent supplier still
    competes because distance is only one term of the estimate.
    """
    pool = cfg.candidate_pool
    whole = pool if whole is None else whole
    if pool <= 0 or whole <= 0 or len(offer_rows) <= whole:
        chunk = max(1, _BLOCK // len(offer_rows))
        return [(need_rows[i : i + chunk], offer_rows) for i in range(0, len(need_rows), chunk)]
    w = cfg.weights
    comps = _offer_components(a, cfg, offer_rows, region=-1, required=0)
    static = sum(
        w.get(c, 0.0) * comps[c]
        for c in ("product", "price", "certification", "freshness", "track_record")
    )
    static = static - w.get("product", 0.0) * (1.0 - cfg.substitute_fit) * (
        a.o_prod[offer_rows] != a.n_prod[need_rows[0]]
    )
    o_region = a.pes_region[a.o_prow[offer_rows]]
    matrix = region_matrix(cfg)
    limit = a.prod_limit[a.o_prod[offer_rows]]
    reference = np.where(np.isfinite(limit), limit, cfg.distance_reference_km)
    o_xyz = a.pes_xyz[a.o_prow[offer_rows]]
    o_id = a.o_id[offer_rows]
    p = a.n_prow[need_rows]
    cell = np.floor(a.pes_lat[p] / 0.0035) * 10_000 + np.floor(a.pes_lon[p] / 0.0035)
    order = np.lexsort((a.n_id[need_rows], cell))
    chunk = max(1, min(256, _BLOCK // pool))
    out = []
    for i in range(0, len(order), chunk):
        group = need_rows[order[i : i + chunk]]
        gp = a.n_prow[group]
        centre = a.pes_xyz[gp].mean(axis=0, keepdims=True)
        centre /= np.linalg.norm(centre)
        d = great_circle_km(centre, o_xyz)[0]
        qty = np.minimum(a.o_qty[offer_rows] / float(np.median(a.n_qty[group])), 1.0)
        region = matrix[o_region][:, np.unique(a.pes_region[gp])].max(axis=1)
        estimate = (
            static
            + w.get("quantity", 0.0) * qty
            + w.get("distance", 0.0) * np.maximum(1.0 - d / reference, 0.0)
            + w.get("region", 0.0) * region
        )
        chosen = np.sort(np.lexsort((o_id, -estimate))[:pool])
        out.append((group, offer_rows[chosen]))
    return out


def _offer_components(
    a: MarketArrays, cfg: EngineConfig, offer_rows: IntArray, *, region: int, required: int
) -> dict[str, FloatArray]:
    """Components for a buyer of region ``region`` requiring ``required``, at distance 0,
    with no quantity and no price ceiling (the pair-dependent parts are added later)."""
    n = len(offer_rows)
    o_prod = a.o_prod[offer_rows]
    return component_scores(
        exact=np.ones(n, dtype=bool),
        offer_qty=a.o_qty[offer_rows],
        need_qty=np.full(n, np.nan),
        price=a.o_price[offer_rows],
        max_price=np.full(n, np.nan),
        ref_min=a.prod_ref_min[o_prod],
        ref_max=a.prod_ref_max[o_prod],
        distance_km=np.zeros(n),
        limit_km=a.prod_limit[o_prod],
        supplier_region=a.pes_region[a.o_prow[offer_rows]],
        buyer_region=np.full(n, region, dtype=np.int64),
        held_mask=a.o_certs[offer_rows],
        required_mask=np.full(n, required, dtype=np.int64),
        age_days=a.o_age[offer_rows],
        track_record=a.pes_track[a.o_prow[offer_rows]],
        config=cfg,
    )


def _block(
    a: MarketArrays,
    cfg: EngineConfig,
    need_rows: IntArray,
    offer_rows: IntArray,
    alloc_k: int,
    excluded: tuple[IntArray, IntArray],
    components: bool = True,
) -> tuple[dict[str, np.ndarray] | None, dict[str, np.ndarray] | None]:
    """Hard rules, scores and top-k for one (needs × offers) block of one product.

    The score matrix is built from a few rows (one per buyer region × required
    certificates: every need-independent component plus region and certification) and
    three pair terms (quantity, distance, price over the ceiling); a partition finds each
    need's k-th best and only pairs at or above it are sorted (ties: lower offer id first).
    The kept pairs' components are then computed exactly by
    :func:`matcher.scoring.component_scores`. With ``alloc_k`` > 0 the block also returns
    its allocation arcs (see :func:`candidate_frames`) with their exact ``profit``.
    """
    n_p, o_p = a.n_prow[need_rows], a.o_prow[offer_rows]
    req = a.n_req[need_rows]
    o_price = a.o_price[offer_rows]
    ok = listing_rules_hold(
        buyer=n_p[:, None],
        supplier=o_p[None, :],
        price=o_price[None, :],
        cap=a.n_cap[need_rows][:, None],
        held=a.o_certs[offer_rows][None, :],
        required=req[:, None],
        offer_from=a.o_from[offer_rows][None, :],
        offer_until=a.o_until[offer_rows][None, :],
        need_from=a.n_from[need_rows][:, None],
        need_until=a.n_until[need_rows][:, None],
    )
    o_prod = a.o_prod[offer_rows]
    limit = a.prod_limit[o_prod]
    dist = great_circle_km(a.pes_xyz[n_p], a.pes_xyz[o_p])
    ok &= within_reach(dist, limit[None, :])
    ex_n, ex_o = excluded
    if len(ex_n):
        hit = np.isin(ex_n, need_rows) & np.isin(ex_o, offer_rows)
        if hit.any():
            ok[positions(need_rows, ex_n[hit]), positions(offer_rows, ex_o[hit])] = False
    if not ok.any():
        return None, None

    w = cfg.weights
    wq, wd, wp = w.get("quantity", 0.0), w.get("distance", 0.0), w.get("price", 0.0)
    # one row of need-independent + region + certification score per kind of buyer
    kinds = a.pes_region[n_p] * 64 + req
    uniq, kind_of = np.unique(kinds, return_inverse=True)
    rows_by_kind = []
    exact = (o_prod == a.n_prod[need_rows[0]]).astype(float)
    product_gap = w.get("product", 0.0) * (1.0 - cfg.substitute_fit) * (1.0 - exact)
    base_comps = _offer_components(a, cfg, offer_rows, region=-1, required=0)
    wr, wc = w.get("region", 0.0), w.get("certification", 0.0)
    base = (
        combine(base_comps, w)
        - wq
        - wd
        - product_gap
        - wr * base_comps["region"]
        - wc * base_comps["certification"]
    )
    o_region, held = a.pes_region[o_p], a.o_certs[offer_rows]
    matrix = region_matrix(cfg)
    for key in uniq:
        region, required = int(key) // 64, int(key) % 64
        rows_by_kind.append(
            base + wr * matrix[o_region, region] + wc * certification_score(held, required)
        )
    # float32 is plenty to rank; the kept pairs are scored again in float64
    score = np.asarray(rows_by_kind, dtype=np.float32)[kind_of.ravel()]
    qty = (a.o_qty[offer_rows].astype(np.float32) * np.float32(wq))[None, :] * (
        1.0 / a.n_qty[need_rows]
    ).astype(np.float32)[:, None]
    np.minimum(qty, np.float32(wq), out=qty)
    score += qty
    reference = np.where(np.isfinite(limit), limit, cfg.distance_reference_km)
    dscore = dist * (-wd / reference).astype(np.float32)[None, :]
    dscore += np.float32(wd)
    np.maximum(dscore, 0.0, out=dscore)
    score += dscore
    n_max = a.n_max[need_rows]
    capped = np.flatnonzero(np.isfinite(n_max))
    if cfg.price_tolerance > 0 and len(capped):
        # over the ceiling (within the tolerance) the price component is lost gradually:
        # only the few pairs priced between max_price and the hard cap are touched, found
        # per need in the offers sorted by price
        by_price = np.argsort(o_price, kind="stable")
        sorted_price = o_price[by_price]
        start = np.searchsorted(sorted_price, n_max[capped], side="right")
        stop = np.searchsorted(sorted_price, a.n_cap[need_rows][capped], side="right")
        counts = np.maximum(stop - start, 0)
        if counts.any():
            r = np.repeat(capped, counts)
            first = np.repeat(start - (np.cumsum(counts) - counts), counts)
            c = by_price[first + np.arange(len(r))]
            over = o_price[c] / n_max[r] - 1.0
            lost = np.clip(over / cfg.price_tolerance, 0.0, 1.0) * base_comps["price"][c]
            score[r, c] -= (wp * lost).astype(np.float32)
    np.putmask(score, ~ok, np.float32(-1.0))
    alloc = np.zeros_like(ok)
    if alloc_k > 0:
        # the buyer's surplus per base unit, as the allocation maximises it; float32 to
        # rank, exact below (pairs that break a rule score -1: masked out)
        profit = unit_surplus(
            score,
            a.n_value[need_rows].astype(np.float32)[:, None],
            o_price.astype(np.float32)[None, :],
            dist,
            cfg.transport_cost_per_kg_km,
        ).astype(np.float32, copy=False)
        np.putmask(profit, ~ok, np.float32(-1.0))
        wide = ALLOCATION_PREFILTER * alloc_k
        alloc = top_mask(profit, wide, axis=1) | top_mask(profit, wide, axis=0)
        alloc &= profit > 0
    k = cfg.top_k_per_need
    if score.shape[1] > k:
        ok &= top_mask(score, k, axis=1)
    rows, cols = np.nonzero(ok | alloc)
    nr, orow = need_rows[rows], offer_rows[cols]
    d = pair_km(a.pes_xyz[a.n_prow[nr]], a.pes_xyz[a.o_prow[orow]])
    comps = _pair_components(a, cfg, nr, orow, d)
    final = combine(comps, w)

    def part(keep: IntArray) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {
            "need_row": nr[keep],
            "offer_row": orow[keep],
            "distance_km": d[keep],
            "score": final[keep],
        }
        if components:
            for name in w:
                out["s_" + name] = comps[name][keep].astype(np.float32)  # halves the columns
        return out

    in_ok = ok[rows, cols]
    cand = np.flatnonzero(in_ok)
    keep = cand[top_k(rows[cand], final[cand], a.o_id[orow[cand]], k)]
    arcs = None
    if alloc_k > 0:
        exact_profit = unit_surplus(
            final, a.n_value[nr], a.o_price[orow], d, cfg.transport_cost_per_kg_km
        )
        chosen = np.flatnonzero(alloc[rows, cols] & (exact_profit > 0))
        if len(chosen):
            arcs = part(chosen)
            arcs["profit"] = exact_profit[chosen]
    return (part(keep) if len(keep) else None), arcs


_EMPTY_DTYPES = {
    "need_id": "int64",
    "offer_id": "int64",
    "buyer_id": "int64",
    "supplier_id": "int64",
    "substitute": "bool",
    "cert_mask": "int8",
    "max_distance_km": "float32",
}


def _assemble(
    a: MarketArrays, parts: list[dict[str, np.ndarray]], names: list[str], workers: int = 1
) -> pd.DataFrame:
    """One frame with the columns ``names`` from the blocks' parts (emptied on the way)."""
    # products as categoricals: small integer codes, no per-row string objects to gather
    products = pd.CategoricalDtype(list(a.products))
    if not parts:
        return pd.DataFrame(
            {
                c: pd.Series(
                    dtype=products
                    if c in ("product", "need_product")
                    else _EMPTY_DTYPES.get(c, "float32" if c[:2] == "s_" else "float64")
                )
                for c in names
            }
        )

    def take(key: str) -> np.ndarray:
        # concatenate one column at a time and drop the pieces: memory stays ~1 copy
        return np.concatenate([p.pop(key) for p in parts])

    nr, orow = take("need_row"), take("offer_row")
    # blocks are already ordered within a need; a stable sort by need (row order is id
    # order) finishes
    order = stable_order(nr)
    nr, orow = nr[order], orow[order]
    column: dict[str, Callable[[], np.ndarray | pd.Categorical]] = {
        "need_id": lambda: a.n_id[nr],
        "offer_id": lambda: a.o_id[orow],
        "buyer_id": lambda: a.pes_id[a.n_prow[nr]],
        "supplier_id": lambda: a.pes_id[a.o_prow[orow]],
        "product": lambda: pd.Categorical.from_codes(
            a.o_prod[orow], dtype=products, validate=False
        ),
        "need_product": lambda: pd.Categorical.from_codes(
            a.n_prod[nr], dtype=products, validate=False
        ),
        "price": lambda: a.o_price[orow],
        "max_price": lambda: a.n_max[nr],
        "buyer_value": lambda: a.n_value[nr],
        "offer_qty": lambda: a.o_qty[orow],
        "need_qty": lambda: a.n_qty[nr],
        "substitute": lambda: a.o_prod[orow] != a.n_prod[nr],
        "cert_mask": lambda: a.o_certs[orow].astype(np.int8),
        "max_distance_km": lambda: a.prod_limit[a.o_prod[orow]].astype(np.float32),
    }

    def build(name: str) -> np.ndarray | pd.Categorical:
        return column[name]() if name in column else take(name)[order]

    # gathers of millions of rows release the interpreter lock: columns side by side
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            data = dict(zip(names, pool.map(build, names), strict=True))
    else:
        data = {name: build(name) for name in names}
    return pd.DataFrame(data, columns=names, copy=False)
