"""Trade allocation: who sells how much to whom, network-wide, as one exact min-cost flow.

What barter does not clear is bought for money. Supply is limited and needs compete for it,
so trades are allocated together, never need by need: two buyers are never both promised the
same 500 kg. The transportation problem, over the candidate arcs (offer o → need n)::

    maximise    Σ profit_on · x_on,
                profit_on = score_on · (value_n − price_o − transport_cost_per_kg_km · km_on)
    subject to  Σ_n x_on ≤ offer_qty_o − used_o,    Σ_o x_on ≤ need_qty_n − used_n,   x ≥ 0

The objective is the trade's **surplus**, what a buyer would sign for, not its turnover
(issue 10: maximising ``score · price`` gave the trade to the dearer of two equal
suppliers). ``value_n`` is what a base unit is worth to the buyer: its price ceiling, or the
top of the catalogue's reference range for the product it needs when it gave none
(:mod:`matcher.surplus`). The buyer's gain per unit, that value minus the offer's price minus
the cost of carrying it, is weighted by the pair's fit (``score`` in [0, 1]), so the soft
preferences the score holds (certificates, region complementarity, track record, a recent
confirmation, product fit) still count, in proportion to the money at stake. Consequences:

- of two offers equal but for price the cheaper is allocated first, and of two equal but
  for distance the nearer (tested on small markets);
- an offer priced at or over the buyer's ceiling gains it nothing and is not traded (the
  candidate rule admits ``price_tolerance`` over the ceiling for searches and barters);
- no secondary term: a term that grows with the price (the old ``score · price``) would
  again favour the dearer supplier, and the money moved is reported, not maximised.

Minimum sizes: a trade leg whose monthly value (quantity × price) is under
``config.min_trade_value`` or whose quantity is under the offer's or need's ``min_lot`` is
never proposed. Arcs that could not reach either on their free quantities never enter the
flow; the arcs of flows the solver leaves under them are left out and the allocation solved
again (:data:`FLOOR_PASSES`), so their supply goes where it can make a proposal.

The program is solved as a min-cost flow with OR-Tools (``ortools.graph.python.min_cost_flow``, C++):
every offer supplies its free quantity, which flows either along a candidate arc to a need
(cost ``−profit``) and on to a sink through the need's capacity, or straight to the sink
(cost 0, unsold). Only arcs with positive profit enter: a non-positive arc never improves the
objective. A need served by substitutes of several products is one node with one capacity,
so it is never over-served. Product families (products linked by declared substitutes) share
no offer and no need, so each family is its own flow, solved on its own: the same optimum,
faster, with one family's solver arrays in memory at a time.

Rounding, documented because the solver is integral: quantities go in steps of
:data:`QUANTUM` base units (free quantities are rounded *down*, so nothing is over-committed)
and profits in steps of 1 / :data:`COST_SCALE` rupiah per base unit (reduced automatically if
``cost × total flow`` could overflow 64 bits). The solution is optimal for the rounded data.

Measured while choosing (issue 3): networkx ``min_cost_flow`` did not finish in 15 min on the
5,000-pesantren problem, scipy HiGHS ``linprog`` took 135 s over all 3.2 M positive arcs;
OR-Tools solves it in about a second.

>>> import pandas as pd
>>> cands = pd.DataFrame({
...     "need_id": [21, 22], "offer_id": [11, 11], "buyer_id": [2, 3], "supplier_id": [1, 1],
...     "product": ["beras", "beras"], "distance_km": [10.0, 200.0],
...     "price": [12_000.0, 12_000.0], "buyer_value": [14_000.0, 14_000.0],
...     "offer_qty": [500.0, 500.0], "need_qty": [300.0, 400.0], "score": [0.8, 0.8]})
>>> [(p.legs[0].need_id, p.legs[0].quantity) for p in allocate(None, cands)]
[(21, 300.0), (22, 200.0)]
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from ortools.graph.python import min_cost_flow

from matcher.arraytypes import IntArray
from matcher.config import EngineConfig
from matcher.frames import (
    SOLVER_COLUMNS,
    ComponentsFn,
    add_components,
    drop_pairs,
    require_columns,
    solver_legs,
)
from matcher.market import Market
from matcher.ranking import stable_order
from matcher.results import Leg, Plan
from matcher.surplus import unit_surplus

__all__ = [
    "ALLOCATION_COLUMNS",
    "COST_SCALE",
    "QUANTUM",
    "AllocationResult",
    "allocate",
    "allocation_value",
    "legs_surplus",
    "solve_allocation",
    "solve_unpruned_allocation",
    "unpruned_allocation_value",
]

#: Base units per flow unit: trades are allocated in steps of 0.1 kg (litre, piece …).
QUANTUM = 0.1
#: Integer cost units per rupiah of profit per base unit (before any overflow guard). Whole
#: rupiah: measured at 20,000 pesantren, 100 units per rupiah changed the optimum by 4e-8
#: of its value and made the flow 17 % slower (more cost-scaling phases).
COST_SCALE = 1.0
#: Most solves while flows come out under a lot or ``min_trade_value``: the arcs of such
#: flows are left out and the allocation solved again, so the supply they would have taken
#: goes to a need it can serve in a proposal (the flow itself has no minimum).
FLOOR_PASSES = 6
#: Candidate columns this solver reads (shared with the other solver).
ALLOCATION_COLUMNS: tuple[str, ...] = SOLVER_COLUMNS
_INT64_BUDGET = 2.0**62  # |cost| × total flow stays below this


@dataclass(frozen=True)
class AllocationResult:
    """Trades and how they were found.

    Attributes
    ----------
    plans
        One ``trade`` plan per (offer, need) with flow, sorted by (need_id, offer_id).
    stats
        ``arcs`` (positive-profit arcs with free capacity on both ends), ``offers``,
        ``needs``, ``groups`` (product families solved, each on its own), ``solve_s``,
        ``status``, ``cost_scale`` (cost units per rupiah actually used), ``value``
        (:func:`allocation_value` of the plans: the surplus), ``rupiah`` (money moved per
        month), ``quantity`` (base units per month), ``dropped_for_min_lot`` and
        ``dropped_below_floor`` (flows the solver left under a lot or under
        ``min_trade_value``).
    """

    plans: list[Plan]
    stats: dict[str, Any] = field(default_factory=dict)


def solve_allocation(
    market: Market | None,
    candidates: pd.DataFrame,
    config: EngineConfig | None = None,
    used: dict[int, float] | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    *,
    components: ComponentsFn | None = None,
) -> AllocationResult:
    """Allocate supply to needs exactly (see the module notes); plans and statistics.

    Parameters
    ----------
    market
        Read for each listing's ``min_lot``; ``None`` treats every lot as 0.
    candidates
        Scored candidates (:func:`matcher.find_candidates`), at least
        :data:`ALLOCATION_COLUMNS` plus any ``s_*`` component columns.
    config
        ``transport_cost_per_kg_km``, ``min_trade_value``; defaults to ``EngineConfig()``.
    used
        Base units already committed per listing id (offers and needs alike), e.g. by
        barters; the allocation only uses what is left.
    exclude_pairs
        ``(offer_id, need_id)`` arcs never to use (e.g. declined by a party).
    components
        When ``candidates`` has no ``s_*`` columns, computes the components of the trades
        chosen (:func:`matcher.candidate_blocks.pair_components`); else legs carry none.

    Returns
    -------
    AllocationResult

    Raises
    ------
    ValueError
        Missing candidate columns, or a negative ``used`` quantity.
    RuntimeError
        The flow solver did not report an optimum.

    Examples
    --------
    >>> import pandas as pd
    >>> cands = pd.DataFrame({
    ...     "need_id": [21], "offer_id": [11], "buyer_id": [2], "supplier_id": [1],
    ...     "product": ["telur"], "distance_km": [5.0], "price": [28_000.0],
    ...     "buyer_value": [30_000.0], "offer_qty": [100.0], "need_qty": [80.0],
    ...     "score": [0.9]})
    >>> result = solve_allocation(None, cands, used={21: 30.0})
    >>> result.plans[0].legs[0].quantity, result.stats["status"]
    (50.0, 'OPTIMAL')
    """
    excluded = set(exclude_pairs)
    passes = 0
    while True:
        result = _solve_once(market, candidates, config, used, excluded, components=components)
        passes += 1
        small: set[tuple[int, int]] = result.stats.pop("_dropped_pairs")
        if not small or passes >= FLOOR_PASSES:
            break
        excluded |= small  # freed supply goes where it can make a proposal
    result.stats["passes"] = passes
    return result


def _solve_once(
    market: Market | None,
    candidates: pd.DataFrame,
    config: EngineConfig | None = None,
    used: dict[int, float] | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    *,
    components: ComponentsFn | None = None,
) -> AllocationResult:
    """One solve; flows under a lot or the floor are dropped and named."""
    cfg = config or EngineConfig()
    used = used or {}
    require_columns(candidates, ALLOCATION_COLUMNS)
    negative = {k: v for k, v in used.items() if v < 0}
    if negative:
        raise ValueError(f"used: negative quantities for listings {sorted(negative)[:5]}")
    started = time.perf_counter()

    candidates = drop_pairs(candidates, exclude_pairs)
    valid = (candidates["supplier_id"] != candidates["buyer_id"]) & (candidates["price"] > 0)
    # no copy when every arc is valid (the round's arcs are): millions of rows at scale
    frame = candidates if bool(valid.all()) else candidates[valid]
    offer_ids = frame["offer_id"].to_numpy(np.int64)
    need_ids = frame["need_id"].to_numpy(np.int64)
    # A fixed arc order (need, offer) makes the solver's choice among equal optima stable;
    # the round's arcs come in that order already.
    order = np.arange(len(frame), dtype=np.int64)
    if not _sorted_pairs(need_ids, offer_ids):
        order = np.lexsort((offer_ids, need_ids))
    # Products linked by no substitute share no offer and no need: each family is solved
    # on its own, exactly (measured at 5,000 pesantren: 4-5x faster than one flow), with
    # only its own arrays in memory (millions of arcs at national scale).
    family = _arc_families(market, frame["product"], need_ids, order)
    by_family = stable_order(family)
    bounds = np.flatnonzero(np.diff(family[by_family])) + 1
    del family
    columns = {
        c: frame[c].to_numpy(float)
        for c in ("score", "buyer_value", "price", "distance_km", "offer_qty", "need_qty")
    }
    lots = _arc_lots(frame, market)
    stats: dict[str, Any] = {"arcs": 0, "offers": 0, "needs": 0, "groups": 0}
    taken = _used_table(used)
    chosen_rows, chosen_units, scales = [], [], []
    for arcs in np.split(order[by_family], bounds) if len(order) else []:
        c = {name: values[arcs] for name, values in columns.items()}
        profit = unit_surplus(
            c["score"], c["buyer_value"], c["price"], c["distance_km"], cfg.transport_cost_per_kg_km
        )
        offer_free = _free_units(c["offer_qty"], offer_ids[arcs], taken)
        need_free = _free_units(c["need_qty"], need_ids[arcs], taken)
        # an arc that cannot reach the floor or a lot on what is free never enters
        most = np.minimum(offer_free, need_free) * QUANTUM
        keep = (profit > 0) & (most > 0) & (most >= lots[arcs] - 1e-9)
        keep &= most * c["price"] >= cfg.min_trade_value - 1e-6
        if not keep.any():
            continue
        units, offers, needs, scale = _solve_family(
            offer_ids[arcs[keep]],
            need_ids[arcs[keep]],
            profit[keep],
            offer_free[keep],
            need_free[keep],
        )
        stats["arcs"] += int(keep.sum())
        stats["offers"] += offers
        stats["needs"] += needs
        stats["groups"] += 1
        scales.append(scale)
        flowing = units > 0
        chosen_rows.append(arcs[keep][flowing])
        chosen_units.append(units[flowing])
    del order, by_family, columns
    if not scales:
        stats.update(solve_s=time.perf_counter() - started, status="OPTIMAL", cost_scale=0.0)
        stats.update(value=0.0, rupiah=0.0, quantity=0.0, dropped_for_min_lot=0)
        stats.update(dropped_below_floor=0, _dropped_pairs=set())
        return AllocationResult([], stats)
    scale = min(scales)

    picked = np.concatenate(chosen_rows)
    rows = frame.iloc[picked]
    quantity = np.round(np.concatenate(chosen_units) * QUANTUM, 6)
    rows = rows.assign(_quantity=quantity)
    ok = quantity >= lots[picked] - 1e-9
    dropped = int((~ok).sum())
    ok &= quantity * rows["price"].to_numpy(float) >= cfg.min_trade_value - 1e-6
    under_floor = int((~ok).sum()) - dropped
    small = rows[~ok]
    rows = rows[ok]
    plans = _trade_plans(add_components(rows, components))
    stats.update(
        solve_s=time.perf_counter() - started,
        status="OPTIMAL",
        cost_scale=scale,
        value=allocation_value(plans, cfg),
        rupiah=float(sum(p.value for p in plans)),
        quantity=float(rows["_quantity"].sum()),
        dropped_for_min_lot=dropped,
        dropped_below_floor=under_floor,
        _dropped_pairs=set(zip(small["offer_id"].tolist(), small["need_id"].tolist(), strict=True)),
    )
    return AllocationResult(plans, stats)


def allocate(
    market: Market | None,
    candidates: pd.DataFrame,
    config: EngineConfig | None = None,
    used: dict[int, float] | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    *,
    components: ComponentsFn | None = None,
) -> list[Plan]:
    """Trades for money, allocated network-wide (see :func:`solve_allocation`).

    >>> import pandas as pd
    >>> cands = pd.DataFrame({
    ...     "need_id": [21, 21], "offer_id": [11, 12], "buyer_id": [3, 3],
    ...     "supplier_id": [1, 2], "product": ["telur", "telur"],
    ...     "distance_km": [5.0, 90.0], "price": [28_000.0, 27_000.0],
    ...     "buyer_value": [30_000.0, 30_000.0], "offer_qty": [50.0, 500.0],
    ...     "need_qty": [120.0, 120.0], "score": [0.9, 0.7]})
    >>> [(p.legs[0].offer_id, p.legs[0].quantity) for p in allocate(None, cands)]
    [(12, 120.0)]

    Offer 12 fits worse but leaves the buyer more: 0.7 × (30.000 − 27.000 − 2 × 90) =
    Rp 1.974 a kg against 0.9 × (30.000 − 28.000 − 2 × 5) = Rp 1.791.
    """
    return solve_allocation(
        market, candidates, config, used, exclude_pairs, components=components
    ).plans


def allocation_value(plans: list[Plan], config: EngineConfig | None = None) -> float:
    """The trades' surplus (:func:`matcher.surplus.unit_surplus` × quantity), the quantity
    maximised. Raises ``ValueError`` for a trade leg without its ``buyer_value``.

    >>> from matcher.results import Leg, Plan
    >>> leg = Leg(1, 2, offer_id=10, need_id=20, product="x", quantity=10.0,
    ...           unit_price=100.0, distance_km=5.0, score=0.5, buyer_value=150.0)
    >>> allocation_value([Plan(kind="trade", legs=(leg,), score=0.5)])
    200.0
    """
    return legs_surplus(
        [leg for plan in plans if plan.kind == "trade" for leg in plan.legs], config
    )


def legs_surplus(legs: list[Leg], config: EngineConfig | None = None) -> float:
    """Sum of ``unit_surplus × quantity`` over ``legs`` (trade or barter legs alike).

    >>> from matcher.results import Leg
    >>> legs_surplus([Leg(1, 2, 10, 20, "x", 2.0, 100.0, 0.0, 1.0, buyer_value=120.0)])
    40.0
    """
    cost = (config or EngineConfig()).transport_cost_per_kg_km
    total = 0.0
    for leg in legs:
        if leg.buyer_value is None:
            raise ValueError(f"leg {leg.offer_id} -> {leg.need_id}: no buyer_value")
        gain = unit_surplus(leg.score, leg.buyer_value, leg.unit_price, leg.distance_km, cost)
        total += float(gain) * leg.quantity
    return total


def unpruned_allocation_value(
    market: Market,
    config: EngineConfig | None = None,
    used: dict[int, float] | None = None,
) -> dict[str, float]:
    """The exact allocation optimum over *every* candidate arc, with no top-k pruning.

    For the benchmark's "value captured against the unpruned optimum"; see
    :func:`solve_unpruned_allocation` for how it bounds memory.

    Returns
    -------
    dict
        ``value`` (objective, as :func:`allocation_value`), ``arcs`` (candidate arcs over
        all groups), ``groups``, ``seconds``.

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> from matcher.candidates import find_candidates
    >>> m = synthetic_market(40, seed=3)
    >>> pruned = solve_allocation(m, find_candidates(m)).stats["value"]
    >>> pruned <= unpruned_allocation_value(m)["value"] + 1e-6
    True
    """
    result = solve_unpruned_allocation(market, config, used)
    return {k: float(result.stats[k]) for k in ("value", "arcs", "groups", "seconds")}


def solve_unpruned_allocation(
    market: Market,
    config: EngineConfig | None = None,
    used: dict[int, float] | None = None,
) -> AllocationResult:
    """Allocate over every candidate arc (no top-k), product group by product group.

    Candidates are found group by group of products linked by declared substitutes (a need
    and every offer that could serve it always fall in one group), with ``top_k_per_need``
    and ``candidate_pool`` lifted, and each group is allocated on its own by the same solver;
    groups share no listing, so together they are the global optimum while only one group's
    arcs are in memory. Exact but slow at scale (candidate scoring of every pair dominates).

    >>> from matcher.synthetic import synthetic_market
    >>> result = solve_unpruned_allocation(synthetic_market(30, seed=2))
    >>> result.stats["value"] == allocation_value(result.plans)
    True
    """
    from matcher.candidates import find_candidates  # E1's stage; imported where used

    cfg = config or EngineConfig()
    wide = dataclasses.replace(cfg, top_k_per_need=10**9, candidate_pool=0)
    started = time.perf_counter()
    plans: list[Plan] = []
    arcs = 0
    groups = _product_groups(market)
    for products in groups:
        offers = market.offers[market.offers["product"].isin(products)]
        needs = market.needs[market.needs["product"].isin(products)]
        if offers.empty or needs.empty:
            continue
        cands = find_candidates(market.with_frames(offers=offers, needs=needs), wide)
        arcs += len(cands)
        plans += solve_allocation(market, cands, cfg, used).plans
    plans.sort(key=lambda p: (p.legs[0].need_id, p.legs[0].offer_id))
    stats: dict[str, Any] = {
        "value": allocation_value(plans, cfg),
        "arcs": arcs,
        "groups": len(groups),
        "seconds": time.perf_counter() - started,
    }
    return AllocationResult(plans, stats)


def _product_groups(market: Market) -> list[list[str]]:
    """Products linked (either way) by declared substitutes, as sorted groups."""
    parent: dict[str, str] = {p: p for p in market.catalogue["product"].astype(str)}

    def find(p: str) -> str:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for product, subs in zip(
        market.catalogue["product"].astype(str),
        market.catalogue["substitutes"].astype(str),
        strict=True,
    ):
        for sub in (s.strip() for s in subs.split(";")):
            if sub in parent:
                parent[find(sub)] = find(product)
    groups: dict[str, list[str]] = {}
    for p in sorted(parent):
        groups.setdefault(find(p), []).append(p)
    return sorted(groups.values())


def _arc_families(
    market: Market | None, products: pd.Series, need_ids: IntArray, order: IntArray
) -> IntArray:
    """Product family (:func:`_product_groups`) of each arc ``order[i]``; all zeros (one
    family) without a market, or when some need's arcs span families (arcs that are not
    the catalogue's substitutes), so that no need is ever split between two flows."""
    single = np.zeros(len(order), dtype=np.int64)
    if market is None or not len(order):
        return single
    index = {p: i for i, group in enumerate(_product_groups(market)) for p in group}
    if isinstance(products.dtype, pd.CategoricalDtype):
        per_category = np.array([index.get(str(c), -1) for c in products.cat.categories] + [-1])
        family = per_category[products.cat.codes.to_numpy()[order]]  # code -1: missing
    else:
        family = products.map(index).fillna(-1).to_numpy(np.int64)[order]
    if (family < 0).any():
        return single
    needs = need_ids[order]  # sorted
    if ((needs[1:] == needs[:-1]) & (family[1:] != family[:-1])).any():
        return single
    return np.asarray(family, dtype=np.int64)


def _solve_family(
    offer_ids: IntArray,
    need_ids: IntArray,
    profit: npt.NDArray[np.float64],
    offer_free: IntArray,
    need_free: IntArray,
) -> tuple[IntArray, int, int, float]:
    """Min-cost flow of one family's arcs: ``(flow in quanta per arc, offers, needs,
    cost scale)``."""
    offers, o = np.unique(offer_ids, return_inverse=True)
    needs, n = np.unique(need_ids, return_inverse=True)
    n_offers, n_needs = len(offers), len(needs)
    offer_cap = np.zeros(n_offers, dtype=np.int64)
    offer_cap[o] = offer_free
    need_cap = np.zeros(n_needs, dtype=np.int64)
    need_cap[n] = need_free
    scale = min(COST_SCALE, _INT64_BUDGET / max(float(offer_cap.sum() * profit.max()), 1.0))
    sink = n_offers + n_needs
    tails = np.concatenate([o, np.arange(n_offers), n_offers + np.arange(n_needs)])
    heads = np.concatenate([n_offers + n, np.full(n_offers, sink), np.full(n_needs, sink)])
    caps = np.concatenate([np.minimum(offer_free, need_free), offer_cap, need_cap])
    costs = np.concatenate(
        [-np.round(profit * scale).astype(np.int64), np.zeros(n_offers + n_needs, np.int64)]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    del tails, heads, caps, costs
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_offers] = offer_cap
    supplies[sink] = -offer_cap.sum()
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"trade allocation: min-cost flow status {status}")
    units = np.asarray(flow.flows(np.arange(len(o), dtype=np.int32)), dtype=np.int64)
    return units, n_offers, n_needs, scale


def _sorted_pairs(first: IntArray, second: IntArray) -> bool:
    """Whether the pairs ``(first, second)`` are in strictly increasing order."""
    if len(first) < 2:
        return True
    ahead = first[1:] > first[:-1]
    ahead |= (first[1:] == first[:-1]) & (second[1:] > second[:-1])
    return bool(ahead.all())


def _used_table(used: dict[int, float]) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """``used`` as sorted listing ids and their quantities, for :func:`_free_units`."""
    ids = np.fromiter(used, dtype=np.int64, count=len(used))
    order = np.argsort(ids)
    return ids[order], np.fromiter(used.values(), dtype=float, count=len(used))[order]


def _free_units(
    qty: npt.NDArray[np.float64], ids: IntArray, used: tuple[IntArray, npt.NDArray[np.float64]]
) -> IntArray:
    """Free quantity in whole quanta, rounded down (a hair of float error is forgiven)."""
    used_ids, used_qty = used
    taken = np.zeros(len(ids))
    if len(used_ids):
        at = np.minimum(np.searchsorted(used_ids, ids), len(used_ids) - 1)
        hit = used_ids[at] == ids
        taken[hit] = used_qty[at[hit]]
    free = np.maximum(qty - taken, 0.0)
    return np.floor(free / QUANTUM + 1e-6).astype(np.int64)


def _arc_lots(frame: pd.DataFrame, market: Market | None) -> npt.NDArray[np.float64]:
    """The larger of each arc's offer and need ``min_lot`` (0 without a market)."""
    if market is None or frame.empty:
        return np.zeros(len(frame))
    offer_lot = frame["offer_id"].map(market.offers.set_index("listing_id")["min_lot"])
    need_lot = frame["need_id"].map(market.needs.set_index("listing_id")["min_lot"])
    lots: npt.NDArray[np.float64] = np.maximum(
        offer_lot.fillna(0.0).to_numpy(float), need_lot.fillna(0.0).to_numpy(float)
    )
    return lots


def _trade_plans(rows: pd.DataFrame) -> list[Plan]:
    plans = [
        Plan(kind="trade", legs=(leg,), score=leg.score)
        for leg in solver_legs(rows, rows["_quantity"].to_numpy(float))
    ]
    plans.sort(key=lambda p: (p.legs[0].need_id, p.legs[0].offer_id))
    return plans
