"""Maximum-weight packing of short cycles in a directed graph, with its proof or its gap.

:func:`pack_cycles` is the reusable kidney-exchange core: any NetworkX ``DiGraph``, cycles of
2 to ``max_length`` nodes, node capacities. It picks a formulation by measurement
(``docs/benchmarks.md``, :mod:`matcher.bench_cycles`):

- the *cycle formulation* (:func:`matcher.cycles.solve_packing`), one variable per cycle,
  for cycles of at most 3 nodes while they number at most :data:`CYCLE_LIMIT`, and whenever
  a node may join more than one cycle;
- the *position-indexed edge formulation* (:func:`matcher.pief.pief_packing`) otherwise: its
  size grows with arcs × positions, not with the number of cycles.

It never raises on a time limit: the answer is a :class:`CyclePacking`, a valid packing with
its proven bound and gap, ``status`` ``"optimal"`` or ``"time_limit"``.

>>> import networkx as nx
>>> G = nx.DiGraph([(1, 2), (2, 1), (2, 3), (3, 1)])
>>> result = pack_cycles(G)  # node 2 joins only one of the pair and the ring: the ring weighs more
>>> result.cycles, result.objective, result.status, result.gap
([[1, 2, 3]], 3.0, 'optimal', 0.0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from matcher.cycles import _check_graph, _node_order, cycle_weight, rank_cycles, solve_packing
from matcher.mip import MIP_REL_GAP, SOLVERS
from matcher.pief import pief_packing

__all__ = ["CYCLE_LIMIT", "DEFAULT_SOLVER", "FORMULATIONS", "CyclePacking", "pack_cycles"]

#: Cycles (of at most 3 nodes) above which PIEF replaces the cycle formulation. Measured:
#: random weighted digraphs of 200 nodes, p = 0.1, L = 3 have 2,887 cycles; the cycle
#: formulation is not proven in 60 s (HiGHS, gap 1.25 %), PIEF proves it in 8 s (CBC).
CYCLE_LIMIT = 2000

#: Solver used unless one is named: by model size (:data:`matcher.mip.AUTO_CBC_MAX_VARIABLES`).
DEFAULT_SOLVER = "auto"

#: Formulation names :func:`pack_cycles` accepts.
FORMULATIONS: tuple[str, ...] = ("auto", "cycle", "pief")


@dataclass(frozen=True)
class CyclePacking:
    """What :func:`pack_cycles` found.

    Attributes
    ----------
    cycles
        Node-disjoint (within capacity) simple cycles, each in cycle order from its smallest
        node, sorted by length then nodes' order: a valid packing, optimal or not.
    objective
        Their total weight.
    bound
        Proven upper bound on the best total weight.
    gap
        ``(bound − objective) / bound``; 0 when proven optimal (or nothing to pack).
    status
        ``"optimal"`` or ``"time_limit"``.
    formulation
        ``"cycle"`` or ``"pief"``.
    solver
        The MIP solver that ran (``"cbc"``, ``"highs"``, … joined by ``+`` when the
        independent parts used different ones; ``"none"`` when nothing needed one).
    seconds
        Time in the solver, model building included.
    variables
        Size of the model.
    """

    cycles: list[list[Hashable]]
    objective: float
    bound: float
    gap: float
    status: Literal["optimal", "time_limit"]
    formulation: Literal["cycle", "pief"]
    solver: str
    seconds: float
    variables: int

    @property
    def optimal(self) -> bool:
        """Whether the optimum is proven."""
        return self.status == "optimal"


def pack_cycles(
    G: nx.DiGraph,
    max_length: int = 3,
    weight: str = "weight",
    capacity: str = "capacity",
    *,
    time_limit: float | None = None,
    formulation: str = "auto",
    solver: str = DEFAULT_SOLVER,
) -> CyclePacking:
    """Return a maximum-weight set of cycles in which no node is used beyond its capacity.

    Parameters
    ----------
    G : nx.DiGraph
        Any directed graph (not a multigraph). Self-loops are ignored.
    max_length : int
        Longest cycle in nodes (2 = pairs only); at least 2.
    weight : str
        Edge attribute holding the edge's weight (default 1 when missing). A cycle weighs
        the sum of its edges; cycles of non-positive weight are never returned.
    capacity : str
        Node attribute holding how many chosen cycles the node may join (default 1; a
        non-negative number, rounded down).
    time_limit : float, optional
        Seconds for the solver. When it runs out, the best packing found comes back with
        ``status="time_limit"`` and its proven gap.
    formulation : str
        ``"auto"`` (see the module), ``"cycle"`` or ``"pief"`` (capacities 0 or 1 only).
    solver : str
        One of :data:`matcher.mip.SOLVERS`.

    Returns
    -------
    CyclePacking

    Raises
    ------
    TypeError
        ``G`` is not a directed simple graph.
    ValueError
        ``max_length`` below 2; a capacity or weight that is negative, missing a number, or
        not finite; an unknown formulation or solver; PIEF asked for with a capacity above 1.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([(1, 2), (2, 1), (3, 4), (4, 3), (2, 3), (3, 2)])
    >>> pack_cycles(G).cycles  # unit weights: two pairs beat one
    [[1, 2], [3, 4]]
    >>> pack_cycles(G, formulation="pief").cycles
    [[1, 2], [3, 4]]
    >>> nx.set_node_attributes(G, {2: 2, 3: 2}, "capacity")
    >>> pack_cycles(G).cycles
    [[1, 2], [2, 3], [3, 4]]
    """
    _check_graph(G, max_length)
    if formulation not in FORMULATIONS:
        raise ValueError(f"unknown formulation {formulation!r}; choose one of {FORMULATIONS}")
    if solver not in SOLVERS:
        raise ValueError(f"unknown MIP solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    if time_limit is not None and not (isinstance(time_limit, int | float) and time_limit > 0):
        raise ValueError(f"time_limit must be positive seconds, not {time_limit!r}")
    caps: dict[Hashable, float] = {}
    for node, value in G.nodes(data=capacity, default=1):
        c = _number(value, f"capacity of node {node!r}")
        if c < 0:
            raise ValueError(f"capacity of node {node!r} is negative ({c:g})")
        caps[node] = math.floor(c + 1e-9)
    for u, v, value in G.edges(data=weight, default=1.0):
        _number(value, f"weight of edge {u!r} -> {v!r}")
    order = _node_order(G)
    rank = {node: i for i, node in enumerate(order)}
    # arcs between usable nodes, by rank; a node of capacity 0 joins no cycle
    edges = [(rank[u], rank[v], float(w)) for u, v, w in G.edges(data=weight, default=1.0)]
    edges = [e for e in edges if e[0] != e[1] and caps[order[e[0]]] >= 1 and caps[order[e[1]]] >= 1]
    arr = np.array([(u, v) for u, v, _ in edges], dtype=np.int64).reshape(-1, 2)
    w = np.array([x for _, _, x in edges], dtype=float)
    multi = any(caps[n] > 1 for n in order)
    if formulation == "pief" and multi:
        raise ValueError("the PIEF formulation takes capacities of 0 or 1 only")
    cycles: list[list[int]] | None = None
    if formulation == "auto":
        formulation = "cycle"
        if not multi:
            if max_length >= 4:
                formulation = "pief"
            else:
                listed = rank_cycles(arr[:, 0], arr[:, 1], len(order), max_length)
                cycles = list(itertools.islice(listed, CYCLE_LIMIT + 1))
                if len(cycles) > CYCLE_LIMIT:
                    formulation = "pief"
    if formulation == "pief":
        res = pief_packing(
            arr[:, 0], arr[:, 1], w, len(order), max_length, time_limit=time_limit, solver=solver
        )
        chosen = res.cycles
        ran = res.solver
        objective, bound, optimal, seconds, size = (
            res.objective,
            res.bound,
            res.optimal,
            res.seconds,
            res.variables,
        )
        kind: Literal["cycle", "pief"] = "pief"
    else:
        if cycles is None:
            cycles = list(rank_cycles(arr[:, 0], arr[:, 1], len(order), max_length))
        labelled = [[order[i] for i in c] for c in cycles]
        weights = [cycle_weight(G, c, weight) for c in labelled]
        sol = solve_packing(
            cycles,
            weights,
            {rank[n]: c for n, c in caps.items()},
            time_limit=time_limit,
            solver=solver,
        )
        chosen = [cycles[i] for i in sol.chosen]
        ran = sol.solver
        objective, bound, optimal, seconds, size = (
            sol.objective,
            sol.bound,
            sol.optimal,
            sol.seconds,
            len(cycles),
        )
        kind = "cycle"
    if not optimal and not multi:
        # a time-out: the solver's incumbent may be poor (none at all on a model it could not
        # finish presolving), its bound loose; a greedy packing and the cycle-cover bound
        # are cheap, valid and often better
        greedy = _greedy(arr, w, len(order), max_length)
        if _weight(greedy, arr, w) > _weight(chosen, arr, w):
            chosen = greedy
        bound = min(bound, _cover_bound(arr, w, len(order)))
    chosen = sorted(chosen, key=lambda c: (len(c), c))
    labelled_chosen = [[order[i] for i in c] for c in chosen]
    objective = sum(cycle_weight(G, c, weight) for c in labelled_chosen)
    bound = max(bound, objective)
    if bound - objective <= MIP_REL_GAP * max(abs(bound), 1.0):
        optimal = True
    gap = 0.0 if optimal or bound <= 0 else (bound - objective) / bound
    return CyclePacking(
        cycles=labelled_chosen,
        objective=float(objective),
        bound=float(objective if optimal else bound),
        gap=gap,
        status="optimal" if optimal else "time_limit",
        formulation=kind,
        solver=ran or "none",
        seconds=seconds,
        variables=size,
    )


#: Most nodes for the cycle-cover bound (a dense n × n assignment).
COVER_BOUND_MAX_NODES = 4000

#: Most cycles the greedy fallback looks at.
GREEDY_MAX_CYCLES = 200_000


def _weight(
    cycles: list[list[int]], arr: npt.NDArray[np.int64], w: npt.NDArray[np.float64]
) -> float:
    lookup = {(int(u), int(v)): float(x) for (u, v), x in zip(arr, w, strict=True)}
    return sum(lookup[u, v] for c in cycles for u, v in zip(c, [*c[1:], c[0]], strict=True))


def _greedy(
    arr: npt.NDArray[np.int64], w: npt.NDArray[np.float64], n: int, max_length: int
) -> list[list[int]]:
    """Disjoint cycles of at most 3 nodes, heaviest first (shorter first among equals)."""
    lookup = {(int(u), int(v)): float(x) for (u, v), x in zip(arr, w, strict=True)}
    listed = rank_cycles(arr[:, 0], arr[:, 1], n, min(max_length, 3))
    cycles = list(itertools.islice(listed, GREEDY_MAX_CYCLES))
    weights = [sum(lookup[u, v] for u, v in zip(c, [*c[1:], c[0]], strict=True)) for c in cycles]
    used: set[int] = set()
    chosen = []
    for i in sorted(range(len(cycles)), key=lambda i: (-weights[i], len(cycles[i]), i)):
        if weights[i] > 0 and used.isdisjoint(cycles[i]):
            used.update(cycles[i])
            chosen.append(cycles[i])
    return chosen


def _cover_bound(arr: npt.NDArray[np.int64], w: npt.NDArray[np.float64], n: int) -> float:
    """The best cycle cover of any length (an assignment: each node's successor is itself
    or one of its arcs' heads), an upper bound on every packing of disjoint cycles."""
    if n > COVER_BOUND_MAX_NODES or not len(arr):
        return math.inf
    profit = np.full((n, n), -1e12)
    np.fill_diagonal(profit, 0.0)
    profit[arr[:, 0], arr[:, 1]] = np.maximum(w, 0.0)
    rows, cols = linear_sum_assignment(profit, maximize=True)
    return float(np.maximum(profit[rows, cols], 0.0).sum())


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{what} must be a number, not {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{what} must be finite, not {out!r}")
    return out
