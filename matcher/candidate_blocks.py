"""The candidate join's kernel: blocks of (needs × offers) of one product, their hard rules
(:mod:`matcher.rules`), scores and top-k, and the exact score components of any pair.

:func:`blocks` cuts a product's needs and offers into blocks of bounded size (pooling the
offers by estimated score above ``config.candidate_pool``); :func:`score_block` applies the
hard rules to a block, ranks it in float32 and scores the kept pairs again exactly in float64
(:func:`pair_components`), with the block's allocation arcs and their ``profit`` when asked.
:mod:`matcher.candidates` runs them product by product and assembles the frames.
"""

from __future__ import annotations

import numpy as np

from matcher.arrays import MarketArrays
from matcher.arraytypes import FloatArray, IntArray
from matcher.config import EngineConfig
from matcher.geo import great_circle_km, pair_km
from matcher.ranking import positions, top_k, top_mask
from matcher.rules import listing_rules_hold, within_reach
from matcher.scoring import certification_score, combine, component_scores, region_matrix
from matcher.surplus import unit_surplus

__all__ = ["ALLOCATION_PREFILTER", "blocks", "pair_components", "score_block"]

#: Each block pre-selects this many times ``allocation_top_k`` arcs per need and per offer.
ALLOCATION_PREFILTER = 2
_BLOCK = 1 << 20  # elements per (needs × offers) block: ~1 M, some 60 MB of temporaries


def blocks(
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


def score_block(
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


def pair_components(
    arrays: MarketArrays, config: EngineConfig, need_ids: IntArray, offer_ids: IntArray
) -> dict[str, FloatArray]:
    """The score components (one array per weight) of the pairs ``(need_ids[i],
    offer_ids[i])``, exactly as the candidates were scored.

    Raises ``KeyError`` naming a listing id that is not in the market.

    >>> from matcher.arrays import market_arrays
    >>> from matcher.candidates import find_candidates
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
