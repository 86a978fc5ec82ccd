"""OPOP Match engine: a pure library over pandas frames and NetworkX graphs.

Build a :class:`Market`, then ``run_round(market)`` for a whole match round, or use the
stages on their own: :func:`find_candidates`, :class:`SupplierIndex` / :func:`find_suppliers`,
:func:`trade_graph`, :func:`pack_cycles`, :func:`clear_barters`, :func:`allocate`,
:func:`market_gaps`. The barter and allocation solvers are imported on first use, so the
package imports even while one of them is missing.
"""

from __future__ import annotations

from typing import Any

from matcher.candidates import find_candidates
from matcher.config import EngineConfig
from matcher.engine import RoundResult, run_round
from matcher.explain import explain_candidate, explain_candidates, explain_plan, plan_reasons
from matcher.gaps import Gaps, market_gaps
from matcher.graph import trade_graph
from matcher.market import Market, MarketError, empty_market, validate_market
from matcher.results import Leg, Plan
from matcher.search import SupplierIndex, SupplierQuery, find_suppliers
from matcher.synthetic import synthetic_market

__all__ = [
    "EngineConfig",
    "Gaps",
    "Leg",
    "Market",
    "MarketError",
    "Plan",
    "RoundResult",
    "SupplierIndex",
    "SupplierQuery",
    "allocate",
    "clear_barters",
    "empty_market",
    "explain_candidate",
    "explain_candidates",
    "explain_plan",
    "find_candidates",
    "find_suppliers",
    "market_gaps",
    "pack_cycles",
    "plan_reasons",
    "run_round",
    "synthetic_market",
    "trade_graph",
    "validate_market",
]

# E2's solvers: resolved on first access (PEP 562), so a module still being written does
# not break ``import matcher``.
_LAZY = {
    "pack_cycles": "matcher.cycles",
    "clear_barters": "matcher.barter",
    "allocate": "matcher.allocation",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
