"""Value-balanced barter clearing: pairs (u ⇄ v) and rings (u → v → w → u), solved exactly.

A barter is a cycle in the pesantren trade graph. Each arc u → v of a cycle is realised by one
candidate (u's offer serving v's need). In a value-balanced barter every leg carries the same
value ``V`` (rupiah per month), so every participant gives exactly what it receives, and each
leg's quantity is ``V / price`` of that leg's offer.

The program, one variable ``V_c ≥ 0`` per candidate cycle ``c``::

    maximise    Σ_c  w_c · V_c,
                w_c = LENGTH_DISCOUNT^(len(c) - 2) · Σ_{legs l of c} surplus_l / price_l
    subject to  Σ_{legs using listing l} V_c / price_leg  ≤  quantity_l   for every offer and need
                V_c ≥ lot_c · y_c,  V_c ≤ cap_c · y_c,  y_c ∈ {0, 1}       only where lot_c > 0

``surplus_l`` is the receiver's fit-weighted gain per base unit on leg ``l``
(:func:`matcher.surplus.unit_surplus`: its buyer value minus the offer's price minus
transport, times the score), the same measure the trade allocation maximises, and a leg
moves ``V / price_l`` base units: ``w_c`` is the cycle's surplus per rupiah of ``V``. Value
balance is a constraint (every leg carries ``V``), so among balanced barters the clearing
prefers, like the allocation, the cheaper and the nearer supplier: a cheaper leg leaves its
receiver more per rupiah of ``V``, a nearer one costs less to carry. A cycle whose surplus is
not positive is never proposed (someone would give more than it gets). The length discount
prefers pairs to rings, rings of three to rings of four: the more parties, the likelier one
declines. ``lot_c`` is the largest of each leg's ``min_lot × price`` (offer or need); ``cap_c``
the smallest ``min(offer_qty, need_qty) × price`` over the legs. Without minimum lots the
program is a linear program; with them a mixed-integer one. Both go to
``scipy.optimize.milp`` (HiGHS) with a relative gap of 1e-6.

Minimum size: no barter leg is worth less than ``config.min_barter_value`` a month (Rp
500.000 by default). A cycle whose ``cap_c`` is below it never enters; a cycle the optimum
fills below it is dropped (its listings stay free for the trades; :data:`FLOOR_PASSES`
solves). This floor is the one part that is not proven optimal: as a binary per cycle it
made the program 30 times slower (measured on a 120-pesantren market). When the floor cuts
a cycle, the greedy packing below is computed too and kept if it is worth more
(``stats["greedy_kept"]``).

Tractability, measured (see the E2 notes in the module's tests and the benchmark):

- *one candidate per arc*: the best candidate for u → v (largest ``score × min(offer_qty,
  need_qty) × price``) realises the arc. Keeping several would multiply the cycles by the
  product of the choices on each leg; what the barter leaves of u's other offers to v is still
  sold by the trade allocation.
- *partner pruning*: each pesantren ranks the pesantren it could trade with (either way),
  those it could trade with *both* ways first (a possible pair), then by the best arc's
  ``score × tradable value``; an arc is kept when its two ends are among each other's best
  ``config.barter_partners``. Every pesantren can supply hundreds of others at national
  scale; without this the program has tens of thousands of near-equal cycles and HiGHS's
  simplex slows to tens of seconds (measured: 16,350 cycles at 1,000 pesantren, 25 s).
- cycles are listed by :func:`matcher.cycles.rank_cycles`, the same bounded search as
  :func:`matcher.pack_cycles` uses; with unit prices and quantities and lots equal to the
  quantities, this program *is* the cycle packing of :func:`matcher.pack_cycles`.

:func:`greedy_barters` is the baseline: cycles by weight, each filled as far as what is left
allows. The clearing is never worse: a greedy answer is one of the program's feasible
points, and where the floor's cut leaves the program's answer below it, the greedy one is
kept.

>>> import pandas as pd
>>> cands = pd.DataFrame({
...     "need_id": [21, 22], "offer_id": [11, 12], "buyer_id": [2, 1], "supplier_id": [1, 2],
...     "product": ["kopi", "ikan-asin"], "need_product": ["kopi", "ikan-asin"],
...     "distance_km": [120.0, 120.0], "price": [50_000.0, 40_000.0],
...     "buyer_value": [60_000.0, 45_000.0], "offer_qty": [100.0, 300.0],
...     "need_qty": [20.0, 200.0], "score": [0.8, 0.7]})
>>> [plan] = clear_barters(None, cands)
>>> plan.kind, [round(leg.quantity, 1) for leg in plan.legs], round(plan.legs[0].value)
('barter_pair', [20.0, 25.0], 1000000)
>>> plan.balance()
{1: 0.0, 2: 0.0}
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.arraytypes import FloatArray, IntArray
from matcher.barter_arcs import barter_arcs
from matcher.config import EngineConfig
from matcher.cycles import MIP_REL_GAP, rank_cycles
from matcher.frames import (
    ComponentsFn,
    add_components,
    drop_pairs,
    solver_legs,
)
from matcher.market import Market
from matcher.results import Plan
from matcher.surplus import unit_surplus

__all__ = [
    "LENGTH_DISCOUNT",
    "BarterResult",
    "barter_objective",
    "clear_barters",
    "greedy_barters",
    "solve_barters",
]

#: Weight multiplier per extra participant: a pair counts 1, a ring of three 0.9, of four 0.81.
LENGTH_DISCOUNT = 0.9

#: Solves of the program while cycles come out under ``min_barter_value``. One: each solve
#: of the seed market takes some 30 s (its 750 minimum-lot binaries), and what a cycle cut
#: under the floor would have moved stays free for the trade allocation that follows.
FLOOR_PASSES = 1

#: Variables are in thousands of rupiah, which keeps HiGHS's coefficients near 1.
_SCALE = 1000.0


@dataclass(frozen=True)
class BarterResult:
    """Barters and how they were found.

    Attributes
    ----------
    plans
        ``barter_pair`` and ``barter_cycle`` plans, largest value first.
    stats
        ``arcs`` (supplier → buyer arcs with a candidate), ``arcs_kept`` (after partner
        pruning), ``cycles`` (enumerated), ``binaries`` (cycles with a minimum lot),
        ``enumerate_s``, ``solve_s``, ``status``, ``optimal``, ``gap`` (relative MIP gap; 0 for
        a pure LP), ``objective`` (surplus, :func:`barter_objective`), ``value``
        (rupiah per month over all legs), ``floor_passes``, ``dropped_below_floor`` (cycles
        the program filled under ``min_barter_value``) and ``greedy_kept`` (the greedy
        packing was worth more than what the cut left, and was kept).
    """

    plans: list[Plan]
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Problem:
    arcs: pd.DataFrame  # one row per kept arc, positional index = arc id
    cycles: list[IntArray]  # arc ids per cycle, in cycle order
    weight: FloatArray  # objective per rupiah of V
    cap: FloatArray  # largest V (rupiah) the legs allow on their own
    lot: FloatArray  # smallest V (rupiah) when the cycle is used
    listing_qty: dict[int, float]
    stats: dict[str, Any]


def _prepare(
    market: Market | None,
    candidates: pd.DataFrame,
    config: EngineConfig,
    graph: nx.DiGraph | None,
    length_discount: float,
) -> _Problem:
    if not 0 < length_discount <= 1:
        raise ValueError(f"length_discount must be in (0, 1], not {length_discount}")
    started = time.perf_counter()
    arcs = barter_arcs(
        candidates,
        market,
        partners=config.barter_partners,
        graph=graph,
        transport_cost_per_kg_km=config.transport_cost_per_kg_km,
    )
    sup = arcs["supplier_id"].to_numpy(dtype=np.int64)
    buy = arcs["buyer_id"].to_numpy(dtype=np.int64)
    # pesantren as ranks 0 … n − 1 (id order); arc id lookup by (tail, head) rank keys
    nodes = np.unique(np.concatenate([sup, buy]))
    tails, heads = np.searchsorted(nodes, sup), np.searchsorted(nodes, buy)
    base = np.int64(len(nodes) + 1)
    arc_key = tails * base + heads
    arc_order = np.argsort(arc_key)
    sorted_keys = arc_key[arc_order]

    by_length: dict[int, list[list[int]]] = {}
    for cycle in rank_cycles(tails, heads, len(nodes), config.max_cycle_length):
        by_length.setdefault(len(cycle), []).append(cycle)
    price = arcs["price"].to_numpy(dtype=float)
    per_rupiah = (
        unit_surplus(
            arcs["score"].to_numpy(dtype=float),
            arcs["buyer_value"].to_numpy(dtype=float),
            price,
            arcs["distance_km"].to_numpy(dtype=float),
            config.transport_cost_per_kg_km,
        )
        / price
    )
    cap_value = arcs["cap_value"].to_numpy(dtype=float)
    lot_value = (
        np.maximum(arcs["offer_lot"].to_numpy(float), arcs["need_lot"].to_numpy(float)) * price
    )
    cycles: list[IntArray] = []
    weights, caps, lots = [], [], []
    for length in sorted(by_length):
        members = np.array(by_length[length], dtype=np.int64)
        heads = np.roll(members, -1, axis=1)
        legs = arc_order[np.searchsorted(sorted_keys, members * base + heads)]
        cycles.extend(legs)
        weights.append(length_discount ** (length - 2) * per_rupiah[legs].sum(axis=1))
        caps.append(cap_value[legs].min(axis=1))
        lots.append(lot_value[legs].max(axis=1))
    weight = np.concatenate(weights) if weights else np.zeros(0)
    cap = np.concatenate(caps) if caps else np.zeros(0)
    lot = np.concatenate(lots) if lots else np.zeros(0)
    listing_qty = {
        **dict(zip(arcs["offer_id"].tolist(), arcs["offer_qty"].tolist(), strict=True)),
        **dict(zip(arcs["need_id"].tolist(), arcs["need_qty"].tolist(), strict=True)),
    }
    stats: dict[str, Any] = {
        "arcs": arcs.attrs.get("arcs_with_candidates", len(arcs)),
        "arcs_kept": len(arcs),
        "cycles": len(cycles),
        "cycles_by_length": {k: len(v) for k, v in sorted(by_length.items())},
        "enumerate_s": time.perf_counter() - started,
    }
    return _Problem(arcs, cycles, weight, cap, lot, listing_qty, stats)


def _usage_matrix(problem: _Problem) -> tuple[sp.csr_array, FloatArray, list[int]]:
    """Rows: listings; columns: cycles; entry: base units per rupiah of V."""
    arcs = problem.arcs
    if not problem.cycles:
        return sp.csr_array((0, 0)), np.zeros(0), []
    lengths = np.array([len(c) for c in problem.cycles])
    leg_arc = np.concatenate(problem.cycles)
    leg_cycle = np.repeat(np.arange(len(problem.cycles)), lengths)
    listings = np.concatenate(
        [arcs["offer_id"].to_numpy(np.int64)[leg_arc], arcs["need_id"].to_numpy(np.int64)[leg_arc]]
    )
    ids, rows = np.unique(listings, return_inverse=True)
    per_rupiah = 1.0 / arcs["price"].to_numpy(dtype=float)[leg_arc]
    a = sp.csr_array(
        (np.tile(per_rupiah, 2), (rows, np.tile(leg_cycle, 2))),
        shape=(len(ids), len(problem.cycles)),
    )
    qty = np.array([problem.listing_qty[int(i)] for i in ids])
    return a, qty, ids.tolist()


def _fit(values: FloatArray, a: sp.csr_array, qty: FloatArray) -> FloatArray:
    """Shrink V where solver tolerance left a listing a hair over its quantity."""
    usage = a @ values
    over = np.where(usage > qty, qty / np.maximum(usage, 1e-300), 1.0)
    per_cycle = np.ones(len(values))
    coo = a.tocoo()
    np.minimum.at(per_cycle, coo.col, over[coo.row])
    return values * per_cycle


def solve_barters(
    market: Market | None,
    candidates: pd.DataFrame,
    config: EngineConfig | None = None,
    *,
    graph: nx.DiGraph | None = None,
    length_discount: float = LENGTH_DISCOUNT,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    components: ComponentsFn | None = None,
) -> BarterResult:
    """Clear value-balanced barters exactly; return the plans and the solver's statistics.

    Parameters
    ----------
    market
        The market (``min_lot`` of each listing); ``None`` treats every lot as 0.
    candidates
        Scored candidates (:func:`matcher.find_candidates`).
    config
        ``max_cycle_length``, ``barter_partners``, ``min_barter_value``,
        ``solver_time_limit_s``; defaults to ``EngineConfig()``.
    graph
        Optional trade graph; only its edges are used as barter arcs.
    length_discount
        Weight multiplier per participant beyond two (:data:`LENGTH_DISCOUNT`).
    exclude_pairs
        ``(offer_id, need_id)`` arcs never to use (e.g. declined by a party).
    components
        When ``candidates`` has no ``s_*`` columns, computes the components of the legs
        chosen (:func:`matcher.candidate_blocks.pair_components`); else legs carry none.

    Returns
    -------
    BarterResult

    Raises
    ------
    ValueError
        Missing candidate columns or a bad ``length_discount``.
    RuntimeError
        HiGHS failed for a reason other than a limit (every ``V_c = 0`` is feasible). At
        ``config.solver_time_limit_s`` the incumbent comes back, ``stats["optimal"]`` false
        and ``stats["gap"]`` the proven relative gap.

    Examples
    --------
    >>> import pandas as pd
    >>> ring = pd.DataFrame({
    ...     "need_id": [21, 22, 23], "offer_id": [11, 12, 13], "buyer_id": [2, 3, 1],
    ...     "supplier_id": [1, 2, 3], "product": ["kopi", "ikan-asin", "beras"],
    ...     "distance_km": [80.0, 60.0, 90.0], "price": [50_000.0, 40_000.0, 12_000.0],
    ...     "buyer_value": [55_000.0, 46_000.0, 13_000.0],
    ...     "offer_qty": [100.0, 100.0, 1000.0], "need_qty": [10.0, 100.0, 1000.0],
    ...     "score": [0.8, 0.7, 0.9]})
    >>> result = solve_barters(None, ring)
    >>> [p.kind for p in result.plans], result.stats["cycles"], result.stats["optimal"]
    (['barter_cycle'], 1, True)
    >>> round(result.plans[0].legs[0].value)  # 10 kg of kopi at Rp 50.000 limits the ring
    500000
    """
    cfg = config or EngineConfig()
    candidates = drop_pairs(candidates, exclude_pairs)
    problem = _prepare(market, candidates, cfg, graph, length_discount)
    stats = dict(problem.stats)
    started = time.perf_counter()
    n = len(problem.cycles)
    if n == 0:
        stats.update(solve_s=0.0, status="no cycles", optimal=True, gap=0.0, binaries=0)
        stats.update(objective=0.0, value=0.0)
        return BarterResult([], stats)
    a, qty, _ = _usage_matrix(problem)
    # The value floor is not a binary per cycle (every cycle would get one: measured, a
    # 120-pesantren market went from 2 s to a 60 s time-out): cycles that cannot reach it
    # are left out, and cycles the program fills below it are dropped (after
    # :data:`FLOOR_PASSES` solves, each without the cycles cut before). Listing lots stay
    # exact binaries.
    usable = (problem.lot <= problem.cap) & (problem.weight > 0)
    usable &= problem.cap >= cfg.min_barter_value
    floor_passes = 0
    while True:
        values, res, k = _solve(problem, a, qty, usable, cfg)
        under = (values > 0) & (values < cfg.min_barter_value * (1 - 1e-9))
        floor_passes += 1
        if not under.any() or floor_passes >= FLOOR_PASSES:
            break
        usable &= ~under
    values[under] = 0.0
    greedy_kept = False
    if under.any():
        # the cut is not proven optimal; the greedy packing (same cycles, lots and floor) is
        # a feasible answer too, so the clearing keeps whichever is worth more
        greedy = _greedy_values(problem, cfg)
        greedy_kept = bool(problem.weight @ greedy > problem.weight @ values)
        if greedy_kept:
            values = greedy
    plans = _plans(problem, values, components)
    gap = _gap(res, k)
    stats.update(
        binaries=k,
        floor_passes=floor_passes,
        dropped_below_floor=int(under.sum()),
        greedy_kept=greedy_kept,
        solve_s=time.perf_counter() - started,
        status=str(res.message),
        optimal=res.status == 0,
        gap=gap,
        objective=float(problem.weight @ values),
        value=float(sum(p.value for p in plans)),
    )
    return BarterResult(plans, stats)


def _gap(res: Any, binaries: int) -> float:
    """Relative gap HiGHS proved: 0 for a linear program solved, 1 for a time-out without a
    solution (nothing proven about the incumbent V = 0)."""
    if res.x is None:
        return 1.0
    if res.status == 0 and not binaries:
        return 0.0
    gap = getattr(res, "mip_gap", None)
    return float(gap) if gap is not None and np.isfinite(gap) else (0.0 if res.status == 0 else 1.0)


def _solve(
    problem: _Problem,
    a: sp.csr_array,
    qty: FloatArray,
    usable: npt.NDArray[np.bool_],
    cfg: EngineConfig,
) -> tuple[FloatArray, Any, int]:
    """One solve of the program over the ``usable`` cycles: ``(V per cycle in rupiah, the
    HiGHS result, binaries)``."""
    n = len(problem.cycles)
    needs_lot = usable & (problem.lot > 0)
    k = int(needs_lot.sum())
    lot_cols = np.flatnonzero(needs_lot)
    # Variables: V_c (thousand rupiah) for every cycle, then y_c for cycles with a lot.
    cap = np.where(usable, problem.cap, 0.0) / _SCALE
    objective = np.concatenate([-problem.weight, np.zeros(k)])
    blocks = [sp.hstack([a * _SCALE, sp.csr_array((a.shape[0], k))])]
    lower = [np.full(a.shape[0], -np.inf)]
    upper = [qty]
    if k:
        eye = sp.csr_array((np.ones(k), (np.arange(k), lot_cols)), shape=(k, n))
        blocks += [sp.hstack([eye, -sp.diags(problem.lot[lot_cols] / _SCALE)])]
        blocks += [sp.hstack([eye, -sp.diags(cap[lot_cols])])]
        lower += [np.zeros(k), np.full(k, -np.inf)]
        upper += [np.full(k, np.inf), np.zeros(k)]
    options: dict[str, Any] = {"mip_rel_gap": MIP_REL_GAP, "disp": False}
    if cfg.solver_time_limit_s:
        options["time_limit"] = float(cfg.solver_time_limit_s)
    res = milp(
        c=objective,
        constraints=LinearConstraint(
            sp.vstack(blocks, format="csr"), np.concatenate(lower), np.concatenate(upper)
        ),
        integrality=np.concatenate([np.zeros(n), np.ones(k)]),
        bounds=Bounds(np.zeros(n + k), np.concatenate([cap, np.ones(k)])),
        options=options,
    )
    if res.x is None:
        if res.status != 1:  # 1: a limit (time) reached; V = 0 is then the incumbent
            raise RuntimeError(f"barter clearing found no solution: {res.message}")
        return np.zeros(n), res, k
    values = np.clip(res.x[:n], 0.0, None) * _SCALE
    if k:  # a cycle switched off by its binary carries nothing, whatever the LP tolerance
        values[lot_cols[res.x[n:] < 0.5]] = 0.0
    values = _fit(values, a, qty)
    values[values < 1.0] = 0.0  # under one rupiah a month is no barter
    if k:  # shrinking for tolerance must not push a cycle under its lot
        values[values < problem.lot * (1 - 1e-9)] = 0.0
    return values, res, k


def clear_barters(
    market: Market | None,
    candidates: pd.DataFrame,
    config: EngineConfig | None = None,
    *,
    graph: nx.DiGraph | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    components: ComponentsFn | None = None,
) -> list[Plan]:
    """Value-balanced barters maximising the surplus (see :func:`solve_barters`).

    >>> import pandas as pd
    >>> cands = pd.DataFrame({
    ...     "need_id": [21, 22], "offer_id": [11, 12], "buyer_id": [2, 1],
    ...     "supplier_id": [1, 2], "product": ["kopi", "terasi"],
    ...     "distance_km": [50.0, 50.0], "price": [50_000.0, 30_000.0],
    ...     "buyer_value": [60_000.0, 36_000.0],
    ...     "offer_qty": [40.0, 90.0], "need_qty": [40.0, 90.0], "score": [0.8, 0.7]})
    >>> [round(leg.quantity, 2) for leg in clear_barters(None, cands)[0].legs]
    [40.0, 66.67]
    """
    return solve_barters(
        market,
        candidates,
        config,
        graph=graph,
        exclude_pairs=exclude_pairs,
        components=components,
    ).plans


def greedy_barters(
    market: Market | None,
    candidates: pd.DataFrame,
    config: EngineConfig | None = None,
    *,
    graph: nx.DiGraph | None = None,
    length_discount: float = LENGTH_DISCOUNT,
) -> list[Plan]:
    """Baseline: heaviest cycle first (``weight × cap``), each filled as far as what is left.

    Same arcs, cycles, lots and balance as :func:`solve_barters`; only the choice is greedy.

    >>> import pandas as pd
    >>> cands = pd.DataFrame({
    ...     "need_id": [21, 22], "offer_id": [11, 12], "buyer_id": [2, 1],
    ...     "supplier_id": [1, 2], "product": ["kopi", "terasi"],
    ...     "distance_km": [50.0, 50.0], "price": [50_000.0, 30_000.0],
    ...     "buyer_value": [60_000.0, 36_000.0],
    ...     "offer_qty": [40.0, 90.0], "need_qty": [40.0, 90.0], "score": [0.8, 0.7]})
    >>> [p.kind for p in greedy_barters(None, cands)]
    ['barter_pair']
    """
    cfg = config or EngineConfig()
    problem = _prepare(market, candidates, cfg, graph, length_discount)
    return _plans(problem, _greedy_values(problem, cfg))


def _greedy_values(problem: _Problem, cfg: EngineConfig) -> FloatArray:
    """Each cycle's ``V`` in the greedy packing: heaviest first, filled as far as is left."""
    arcs = problem.arcs
    offer_ids = arcs["offer_id"].to_numpy(np.int64)
    need_ids = arcs["need_id"].to_numpy(np.int64)
    price = arcs["price"].to_numpy(dtype=float)
    left = dict(problem.listing_qty)
    values = np.zeros(len(problem.cycles))
    order = np.lexsort((np.arange(len(values)), -(problem.weight * problem.cap)))
    for c in order:
        legs = problem.cycles[c]
        room = min(min(left[int(offer_ids[i])], left[int(need_ids[i])]) * price[i] for i in legs)
        room = min(room, float(problem.cap[c]))
        if problem.weight[c] <= 0 or room < max(problem.lot[c], cfg.min_barter_value, 1.0):
            continue
        values[c] = room
        for i in legs:
            left[int(offer_ids[i])] -= room / price[i]
            left[int(need_ids[i])] -= room / price[i]
    return values


def barter_objective(
    plans: list[Plan],
    length_discount: float = LENGTH_DISCOUNT,
    config: EngineConfig | None = None,
) -> float:
    """Length-discounted surplus of barters (:func:`matcher.allocation.legs_surplus` of
    each plan's legs), the quantity :func:`solve_barters` maximises.

    >>> from matcher.results import Leg, Plan
    >>> leg = Leg(1, 2, offer_id=10, need_id=20, product="x", quantity=2.0,
    ...           unit_price=50.0, distance_km=0.0, score=0.5, buyer_value=60.0)
    >>> back = Leg(2, 1, offer_id=11, need_id=21, product="y", quantity=1.0,
    ...            unit_price=100.0, distance_km=0.0, score=1.0, buyer_value=130.0)
    >>> barter_objective([Plan(kind="barter_pair", legs=(leg, back), score=0.75)])
    40.0
    """
    from matcher.allocation import legs_surplus  # the one surplus sum; no import cycle

    total = 0.0
    for plan in plans:
        if plan.kind == "trade":
            continue
        factor = length_discount ** (len(plan.legs) - 2)
        total += factor * legs_surplus(list(plan.legs), config)
    return total


def _plans(
    problem: _Problem, values: FloatArray, components_fn: ComponentsFn | None = None
) -> list[Plan]:
    chosen = np.flatnonzero(values > 0)
    if len(chosen) == 0:
        return []
    cycles = [problem.cycles[c] for c in chosen]
    leg_arc = np.concatenate(cycles)
    used, at = np.unique(leg_arc, return_inverse=True)
    rows = add_components(problem.arcs.iloc[used], components_fn).iloc[at.reshape(-1)]
    # every leg of a cycle moves the cycle's value V: quantity = V / that leg's price
    value = np.repeat(values[chosen], [len(c) for c in cycles])
    legs = iter(solver_legs(rows, value / rows["price"].to_numpy(float)))
    plans: list[Plan] = []
    for cycle in cycles:
        cycle_legs = tuple(next(legs) for _ in cycle)
        plans.append(
            Plan(
                kind="barter_pair" if len(cycle_legs) == 2 else "barter_cycle",
                legs=cycle_legs,
                score=sum(leg.score for leg in cycle_legs) / len(cycle_legs),
            )
        )
    plans.sort(key=lambda p: (-round(p.value, 6), p.participants))
    return plans
