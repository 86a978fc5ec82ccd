"""Cycle-packing benchmark: formulations × solvers on seeded kidney-like and random graphs.

``python -m matcher.bench_cycles`` (or ``--instances kidney300:4,random200:3``) runs every
instance with every ``--runs`` entry (``formulation/solver``, default the automatic choices
of :func:`matcher.packing.pack_cycles` plus the cycle and PIEF formulations on HiGHS and CBC;
the cycle formulation lists every cycle first, millions at ``kidney300:4``: leave it out there)
under ``--time-limit`` seconds, one subprocess-free run after another, and prints one row per
run: formulation, solver, seconds, objective, bound, gap, status, model size.

Instances (:mod:`matcher.synthetic_graphs`, ``seed=1``):

- ``kidneyN``: :func:`~matcher.synthetic_graphs.kidney_pool` of N pairs, unit weights;
- ``randomN``: :func:`~matcher.synthetic_graphs.random_weighted_digraph` of N nodes,
  p = 0.1, integer weights 1–100.

>>> rows = bench_cycles([("random30", 3)], [("auto", "auto")], time_limit=10)
>>> rows[0]["status"], rows[0]["gap"]
('optimal', 0.0)
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from typing import Any

import networkx as nx

from matcher.packing import pack_cycles
from matcher.synthetic_graphs import kidney_pool, random_weighted_digraph

__all__ = ["DEFAULT_INSTANCES", "DEFAULT_RUNS", "bench_cycles", "format_rows", "instance", "main"]

#: The issue's targets: 300-pair kidney pool at L = 4, random 200 at L = 3 and 100 at L = 4.
DEFAULT_INSTANCES: tuple[tuple[str, int], ...] = (
    ("kidney300", 4),
    ("random200", 3),
    ("random100", 4),
)

#: (formulation, solver) pairs run on every instance.
DEFAULT_RUNS: tuple[tuple[str, str], ...] = (
    ("auto", "auto"),
    ("cycle", "highs"),
    ("cycle", "cbc"),
    ("pief", "highs"),
    ("pief", "cbc"),
)

#: Arc probability of the random weighted instances.
RANDOM_P = 0.1


def instance(name: str, seed: int = 1) -> nx.DiGraph:
    """The graph called ``name`` (``kidneyN`` or ``randomN``).

    >>> instance("kidney20").number_of_nodes()
    20
    """
    match = re.fullmatch(r"(kidney|random)(\d+)", name)
    if match is None:
        raise ValueError(f"unknown instance {name!r}: use kidneyN or randomN")
    n = int(match.group(2))
    if match.group(1) == "kidney":
        return kidney_pool(n, seed=seed)
    return random_weighted_digraph(n, RANDOM_P, seed=seed)


def bench_cycles(
    instances: Sequence[tuple[str, int]],
    runs: Sequence[tuple[str, str]],
    *,
    time_limit: float = 60.0,
    seed: int = 1,
) -> list[dict[str, Any]]:
    """One row per (instance, run): what :func:`pack_cycles` reached within ``time_limit``."""
    rows: list[dict[str, Any]] = []
    for name, max_length in instances:
        G = instance(name, seed)
        for formulation, solver in runs:
            started = time.perf_counter()
            result = pack_cycles(
                G, max_length, time_limit=time_limit, formulation=formulation, solver=solver
            )
            rows.append(
                {
                    "instance": name,
                    "nodes": G.number_of_nodes(),
                    "arcs": G.number_of_edges(),
                    "L": max_length,
                    "asked": formulation,
                    "formulation": result.formulation,
                    "solver": result.solver,
                    "seconds": time.perf_counter() - started,
                    "objective": result.objective,
                    "bound": result.bound,
                    "gap": result.gap,
                    "status": result.status,
                    "variables": result.variables,
                }
            )
    return rows


def format_rows(rows: Sequence[dict[str, Any]]) -> str:
    """A Markdown table of :func:`bench_cycles` rows."""
    head = (
        "| instance | nodes | arcs | L | asked | formulation | solver | s | objective | bound "
        "| gap | status | variables |"
    )
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['nodes']} | {r['arcs']} | {r['L']} | {r['asked']} "
            f"| {r['formulation']} | {r['solver']} | {r['seconds']:.1f} | {r['objective']:g} "
            f"| {r['bound']:g} | {100 * r['gap']:.2f} % | {r['status']} | {r['variables']:,} |"
        )
    return "\n".join(lines)


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    out = []
    for item in filter(None, text.split(",")):
        left, sep, right = item.partition(":" if what == "instance" else "/")
        if not sep or not left or not right:
            raise argparse.ArgumentTypeError(f"bad {what} {item!r}")
        out.append((left, right))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m matcher.bench_cycles", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--instances",
        default=",".join(f"{n}:{L}" for n, L in DEFAULT_INSTANCES),
        help="comma-separated NAME:L, NAME kidneyN or randomN",
    )
    parser.add_argument(
        "--runs",
        default=",".join(f"{f}/{s}" for f, s in DEFAULT_RUNS),
        help="comma-separated FORMULATION/SOLVER (auto|cycle|pief / auto|highs|cbc|scip|cp_sat)",
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        instances = [(n, int(L)) for n, L in _pairs(args.instances, "instance")]
        runs = _pairs(args.runs, "run")
    except (argparse.ArgumentTypeError, ValueError) as exc:
        parser.error(str(exc))
    print(format_rows([]), flush=True)
    for name, max_length in instances:  # one row at a time: a long run shows progress
        for run in runs:
            rows = bench_cycles(
                [(name, max_length)], [run], time_limit=args.time_limit, seed=args.seed
            )
            print(format_rows(rows).splitlines()[-1] if rows else "", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
