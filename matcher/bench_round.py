"""One round's wall time, stage timings and peak memory, for before/after comparisons.

``python -m matcher.bench_round MARKET.pkl`` (a pickled :class:`~matcher.Market`, e.g. the
seed market: ``docs/benchmarks.md``) or ``python -m matcher.bench_round 20000`` (a
``synthetic_market(20000, seed=1)``) runs :func:`matcher.run_round` once under
:func:`matcher.engine.round_process_settings` and prints one JSON line: ``round_s``, the
stage ``timings``, ``peak_mb`` (the process's peak RSS, market included) and
``before_round_mb``. Run each measurement in its own process: the peak is per process.

>>> out = measure("40")
>>> out["round_s"] > 0 and out["peak_mb"] >= out["before_round_mb"]
True
"""

from __future__ import annotations

import json
import pickle
import resource
import sys
import time
from collections.abc import Sequence
from typing import Any

from matcher.engine import round_process_settings, run_round
from matcher.market import Market
from matcher.synthetic import synthetic_market

__all__ = ["main", "measure"]


def measure(market_arg: str, seed: int = 1) -> dict[str, Any]:
    """Run one round on the pickled market at ``market_arg``, or a synthetic one of that
    many pesantren, and return what :mod:`matcher.bench_round` prints."""
    if market_arg.isdigit():
        market = synthetic_market(int(market_arg), seed=seed)
    else:
        with open(market_arg, "rb") as handle:
            market = pickle.load(handle)  # noqa: S301 - the caller's own snapshot
        if not isinstance(market, Market):
            raise ValueError(f"{market_arg}: not a pickled matcher.Market")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    started = time.perf_counter()
    with round_process_settings():
        result = run_round(market)
    return {
        "market": market_arg,
        "round_s": round(time.perf_counter() - started, 2),
        "timings": {k: round(v, 2) for k, v in result.timings.items()},
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0),
        "before_round_mb": round(before),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m matcher.bench_round MARKET.pkl|N", file=sys.stderr)
        return 2
    try:
        print(json.dumps(measure(args[0])))
    except (OSError, ValueError, pickle.UnpicklingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
