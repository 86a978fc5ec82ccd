"""One match round: candidates → barters → trades → gaps (graph and sentences on demand).

:func:`run_round` is what the weekly round (``opop-match match``) and the benchmark call.
Barters are cleared first; the quantities they commit (per listing id, offers and needs
alike) are handed to the trade allocation as ``used``, so a listing is never promised twice.
Every plan carries its reasons in both languages, written when a caller first reads
:attr:`RoundResult.plans`; the trade graph likewise (:attr:`RoundResult.graph`): a round
builds neither unless asked. The round is deterministic: the same market gives the same
plans, frames and graph.

>>> from matcher.synthetic import synthetic_market
>>> result = run_round(synthetic_market(60, seed=1))
>>> sorted(result.timings) == sorted([*STAGES, "total"])
True
>>> result.stats["candidates"] == len(result.candidates)
True
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd
from threadpoolctl import threadpool_limits

from matcher.allocation import allocate
from matcher.arrays import market_arrays
from matcher.barter import solve_barters
from matcher.candidate_blocks import pair_components
from matcher.candidates import candidate_stage
from matcher.config import EngineConfig
from matcher.explain import plan_reasons
from matcher.gaps import Gaps, market_gaps
from matcher.graph import trade_graph
from matcher.market import Market
from matcher.results import Plan

__all__ = ["STAGES", "RoundResult", "committed_quantities", "round_process_settings", "run_round"]

#: Stages timed in :attr:`RoundResult.timings`, in order.
STAGES: tuple[str, ...] = ("candidates", "barter", "allocation", "gaps")


@dataclass(frozen=True, eq=False)
class RoundResult:
    """What a round produced.

    The trade graph and the plans' sentences are not built inside the round: they are
    built the first time a caller asks (:attr:`graph`, :attr:`plans`) and then kept. A
    round that only counts (the benchmark, a dry run) never pays for them.

    Attributes
    ----------
    bare_plans
        Barters first (pairs and cycles, as cleared), then trades, without their
        sentences (each leg carries its score components).
    candidates
        The scored candidates (:func:`matcher.find_candidates`), without the
        ``s_<component>`` columns: each proposed leg carries its components instead.
    gaps
        Unmet demand and unsold supply after the plans.
    market, config
        What the round ran on (the lazy parts are built from them).
    arcs
        The arcs the trade allocation saw (:func:`matcher.candidates.candidate_frames`),
        when :func:`run_round` was asked to keep them; else empty.
    timings
        Seconds per stage (:data:`STAGES`) and ``total``.
    stats
        Counts and values for logs and the benchmark (``candidates``, ``barter_pairs``,
        ``barter_cycles``, ``trades``, ``barter_value``, ``trade_value``,
        ``unmet_value``, ``barter_optimal`` / ``barter_gap`` / ``barter_objective`` (the
        exact clearing's proof of optimality, its relative gap, and what it maximised).
    """

    bare_plans: list[Plan]
    candidates: pd.DataFrame
    gaps: Gaps
    market: Market
    config: EngineConfig
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    arcs: pd.DataFrame = field(default_factory=pd.DataFrame)

    @functools.cached_property
    def plans(self) -> list[Plan]:
        """:attr:`bare_plans`, each with its reasons in both languages (built on first use:
        the facilitator's pages and the emails read them once the round is stored)."""
        return [
            plan
            if plan.reasons
            else dataclasses.replace(plan, reasons=plan_reasons(plan, self.market))
            for plan in self.bare_plans
        ]

    @functools.cached_property
    def graph(self) -> nx.DiGraph:
        """The trade graph (:func:`matcher.trade_graph`, pruned to ``config.graph_partners``
        suppliers per buyer), built on first use."""
        return trade_graph(
            self.market, self.candidates, max_partners=self.config.graph_partners or None
        )


def committed_quantities(plans: list[Plan]) -> dict[int, float]:
    """Base units committed per listing id (offer and need ids alike) by ``plans``.

    >>> from matcher.results import Leg
    >>> leg = Leg(1, 2, offer_id=10, need_id=20, product="x", quantity=5.0,
    ...           unit_price=1.0, distance_km=0.0, score=1.0)
    >>> committed_quantities([Plan(kind="trade", legs=(leg, leg), score=1.0)])
    {10: 10.0, 20: 10.0}
    """
    used: dict[int, float] = {}
    for plan in plans:
        for leg in plan.legs:
            used[leg.offer_id] = used.get(leg.offer_id, 0.0) + leg.quantity
            used[leg.need_id] = used.get(leg.need_id, 0.0) + leg.quantity
    return used


def run_round(
    market: Market,
    config: EngineConfig | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    *,
    keep_arcs: bool = False,
) -> RoundResult:
    """Run the whole engine on a market.

    Parameters
    ----------
    market
        The snapshot (reservations already taken out by the caller).
    config
        Weights and thresholds; defaults to ``EngineConfig()``.
    exclude_pairs
        ``(offer_id, need_id)`` pairs never to propose, in a barter or a trade (e.g. those
        a party declined recently); they are removed before candidates are ranked.
    keep_arcs
        Keep the allocation's arcs in :attr:`RoundResult.arcs` (e.g. to compare with the
        unpruned optimum); by default they are let go once allocated (some 300 MB at
        national scale) and ``arcs`` is empty.

    Returns
    -------
    RoundResult

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> m = synthetic_market(60, seed=1)
    >>> a, b = run_round(m), run_round(m)
    >>> a.plans == b.plans and a.candidates.equals(b.candidates)
    True
    """
    return _run_round(market, config, exclude_pairs, keep_arcs)


@contextmanager
def round_process_settings() -> Iterator[None]:
    """The process-wide settings under which rounds run fastest, for a process that exists
    to run them (the round worker, the CLI, the benchmark). Never enter it in a process that
    serves requests: both settings apply to every thread of the process.

    - The cyclic garbage collector pauses: a round makes hundreds of thousands of small
      objects (legs, plans, reasons) and no reference cycles; the collector's passes over
      them cost ~12 % of a round at 5,000 pesantren (reference counting still frees).
    - OpenBLAS runs one thread: the candidate stage's own threads would spin against its
      (the distance matrix product at 5,000 pesantren: 1.13 s with them, 0.74 s without).

    >>> import gc
    >>> with round_process_settings():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    with threadpool_limits(limits=1, user_api="blas"):
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()


def _run_round(
    market: Market,
    config: EngineConfig | None,
    exclude_pairs: Collection[tuple[int, int]],
    keep_arcs: bool,
) -> RoundResult:
    cfg = config or EngineConfig()
    timings: dict[str, float] = {}
    start = clock = time.perf_counter()
    listed = market
    market = market.without_resting(cfg.stale_days)  # resting listings: no match, no gap

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    # one pass: each need's top-k (graph, barters, gaps) and the allocation's wider arcs;
    # score components are computed for the legs proposed only
    arrays = market_arrays(market, cfg)
    candidates, pending_arcs = candidate_stage(
        market, cfg, exclude_pairs, components=False, arrays=arrays
    )
    components = functools.partial(pair_components, arrays, cfg)
    lap("candidates")

    cleared = solve_barters(market, candidates, cfg, components=components)
    barters = list(cleared.plans)
    lap("barter")

    arcs = pending_arcs.frame()  # assembled only now: barter clearing ran without it
    used = committed_quantities(barters)
    trades = list(allocate(market, arcs, cfg, used=used, components=components))
    n_arcs = len(arcs)
    if not keep_arcs:
        arcs = arcs.head(0).copy()  # a slice would keep the full columns alive
    lap("allocation")

    plans = barters + trades
    gaps = market_gaps(market, plans, candidates, cfg)
    lap("gaps")
    timings["total"] = time.perf_counter() - start

    stats: dict[str, Any] = {
        **market.size,
        "resting_offers": len(listed.offers) - len(market.offers),
        "resting_needs": len(listed.needs) - len(market.needs),
        "candidates": len(candidates),
        "allocation_arcs": n_arcs,
        "barter_pairs": sum(p.kind == "barter_pair" for p in plans),
        "barter_cycles": sum(p.kind == "barter_cycle" for p in plans),
        "trades": sum(p.kind == "trade" for p in plans),
        "barter_value": float(sum(p.value for p in plans if p.kind != "trade")),
        "trade_value": float(sum(p.value for p in plans if p.kind == "trade")),
        "unmet_value": float(gaps.unmet["value"].sum()) if len(gaps.unmet) else 0.0,
        "barter_optimal": bool(cleared.stats["optimal"]),
        "barter_gap": float(cleared.stats["gap"]),
        "barter_objective": float(cleared.stats["objective"]),
    }
    return RoundResult(
        bare_plans=plans,
        candidates=candidates,
        gaps=gaps,
        market=market,
        config=cfg,
        timings=timings,
        stats=stats,
        arcs=arcs,
    )
