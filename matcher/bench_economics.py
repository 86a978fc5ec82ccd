"""What the buyers of a round gain from the surplus objective (issue 10, point 1).

``python -m matcher.bench --economics MARKET.pkl`` (a pickled :class:`~matcher.Market`, e.g.
the seed market: see ``docs/benchmarks.md``) runs the round once, then allocates the same
arcs, after the same barters and under the same floors, with the old objective
``score · price − transport`` (emulated exactly through the buyer value, see
:func:`old_objective_arcs`), and compares what the buyers pay and gain. It also counts the
trade legs that cost the buyer more, delivered, than another candidate of at least the same
fit whose offer still had free supply after the round: the surplus objective must leave none.

>>> from matcher.synthetic import synthetic_market
>>> out = economics(synthetic_market(80, seed=1))
>>> out["new"]["dearer_than_free_equal_fit"] < out["old"]["dearer_than_free_equal_fit"]
True
>>> out["new"]["buyer_gain"] >= out["old"]["buyer_gain"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from matcher.allocation import QUANTUM, solve_allocation
from matcher.config import EngineConfig
from matcher.engine import committed_quantities, run_round
from matcher.market import Market
from matcher.results import Plan

__all__ = ["economics", "format_economics", "old_objective_arcs", "trade_summary"]


def old_objective_arcs(arcs: pd.DataFrame, config: EngineConfig) -> pd.DataFrame:
    """``arcs`` with the buyer value that makes the surplus equal the old objective.

    ``score · (v − p − t·km) = score · p − t·km`` for ``v = 2p + t·km − t·km / score``.
    """
    t_km = config.transport_cost_per_kg_km * arcs["distance_km"].to_numpy(float)
    score = np.maximum(arcs["score"].to_numpy(float), 1e-12)
    price = arcs["price"].to_numpy(float)
    return arcs.assign(buyer_value=2 * price + t_km - t_km / score)


def trade_summary(
    trades: list[Plan],
    arcs: pd.DataFrame,
    used: dict[int, float],
    config: EngineConfig,
    lots: pd.Series,
) -> dict[str, Any]:
    """Quantity, money paid, the buyers' gain (value − price − transport, not fit-weighted)
    and the dearer-than-a-free-equal-fit-candidate count of ``trades``.

    ``arcs`` must carry the true ``buyer_value``; ``used`` is what barters committed;
    ``lots`` each offer's ``min_lot`` by listing id. "Free supply" is enough left of an
    offer to take the leg over, or as much of it as the floor allows: at least the offer's
    lot, and ``min(free, leg quantity) × price`` at least ``config.min_trade_value``.
    """
    legs = [leg for plan in trades for leg in plan.legs]
    value = arcs.set_index(["offer_id", "need_id"])["buyer_value"]
    cost = config.transport_cost_per_kg_km
    paid = sum(leg.quantity * leg.unit_price for leg in legs)
    carried = sum(leg.quantity * cost * leg.distance_km for leg in legs)
    worth = sum(leg.quantity * float(value[(leg.offer_id, leg.need_id)]) for leg in legs)
    committed = dict(used)
    for leg in legs:
        committed[leg.offer_id] = committed.get(leg.offer_id, 0.0) + leg.quantity
    taken = arcs["offer_id"].map(committed).fillna(0.0).to_numpy(float)
    frame = arcs.assign(
        _free=arcs["offer_qty"].to_numpy(float) - taken,
        _lot=arcs["offer_id"].map(lots).fillna(0.0).to_numpy(float),
        _delivered=arcs["price"] + cost * arcs["distance_km"],
    )
    by_need = dict(tuple(frame.groupby("need_id")))
    dearer = 0
    for leg in legs:
        others = by_need[leg.need_id]
        delivered = leg.unit_price + cost * leg.distance_km
        better = (
            (others["offer_id"] != leg.offer_id)
            & (others["score"] >= leg.score - 1e-9)
            & (others["_delivered"] < delivered - 1e-6)
            & (others["_free"] >= np.maximum(others["_lot"], QUANTUM))
            & (
                np.minimum(others["_free"], leg.quantity) * others["price"]
                >= config.min_trade_value
            )
        )
        dearer += bool(better.any())
    return {
        "legs": len(legs),
        "quantity": float(sum(leg.quantity for leg in legs)),
        "paid": float(paid),
        "transport": float(carried),
        "buyer_gain": float(worth - paid - carried),
        "dearer_than_free_equal_fit": dearer,
        "dearer_than_free_equal_fit_share": dearer / len(legs) if legs else 0.0,
    }


def economics(market: Market, config: EngineConfig | None = None) -> dict[str, Any]:
    """The round's trades under the surplus objective against the old one (module notes)."""
    cfg = config or EngineConfig()
    result = run_round(market, cfg, keep_arcs=True)
    barters = [p for p in result.plans if p.kind != "trade"]
    trades = [p for p in result.plans if p.kind == "trade"]
    used = committed_quantities(barters)
    arcs = result.arcs
    old = solve_allocation(market, old_objective_arcs(arcs, cfg), cfg, used=used).plans
    lots = market.offers.set_index("listing_id")["min_lot"]
    new_summary = trade_summary(trades, arcs, used, cfg, lots)
    old_summary = trade_summary(old, arcs, used, cfg, lots)
    return {
        "market": market.size,
        "barters": len(barters),
        "new": new_summary,
        "old": old_summary,
        "saved_per_unit": (
            old_summary["paid"] / old_summary["quantity"]
            - new_summary["paid"] / new_summary["quantity"]
            if old_summary["quantity"] and new_summary["quantity"]
            else 0.0
        ),
        "floors": {"trade": cfg.min_trade_value, "barter": cfg.min_barter_value},
    }


def format_economics(out: dict[str, Any]) -> str:
    """``economics`` as a markdown table."""
    rows = [
        ("trade legs", "legs", "{:,.0f}"),
        ("quantity (base units / month)", "quantity", "{:,.0f}"),
        ("paid (Rp / month)", "paid", "{:,.0f}"),
        ("transport (Rp / month)", "transport", "{:,.0f}"),
        ("buyers' gain: value − paid − transport (Rp / month)", "buyer_gain", "{:,.0f}"),
        ("legs dearer than a free equal-fit candidate", "dearer_than_free_equal_fit", "{:,}"),
        ("  share", "dearer_than_free_equal_fit_share", "{:.1%}"),
    ]
    lines = ["| | surplus (new) | score · price (old) |", "|---|---:|---:|"]
    for label, key, fmt in rows:
        lines.append(f"| {label} | {fmt.format(out['new'][key])} | {fmt.format(out['old'][key])} |")
    return "\n".join(lines)
