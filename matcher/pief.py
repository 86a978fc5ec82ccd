"""Cycle packing by the position-indexed edge formulation (PIEF, Dickerson et al. 2016).

The cycle formulation (:func:`matcher.cycles.solve_packing`) needs one variable per cycle,
and the cycles of at most ``L`` nodes grow like ``degree^L``: a 300-pair kidney-like pool has
100,000 cycles of length 3 and millions of length 4. PIEF has one variable per (copy, arc,
position) instead, and its LP relaxation is exactly as strong as the cycle formulation's.

Nodes are ranked; copy ``l`` holds the cycles whose first node (lowest rank) is ``l`` and uses
only nodes ranked above ``l``. ``x[l, (u, v), k] = 1`` says arc ``u → v`` is the ``k``-th arc
of copy ``l``'s cycle, ``1 ≤ k ≤ L``::

    maximise    Σ w_uv · x[l, (u, v), k]
    subject to  Σ_{l, u, k} x[l, (u, v), k] ≤ 1                       every node v (used once)
                Σ_u x[l, (u, v), k] = Σ_w x[l, (v, w), k + 1]         every copy l, v ≠ l, k < L

Arc ``u → v`` at position ``k`` in copy ``l`` exists only where it can lie on a cycle of at
most ``L`` arcs through ``l``: ``dist(l, u) ≤ k − 1`` and ``dist(v, l) ≤ L − k`` inside the
copy (breadth-first distances); arcs out of ``l`` only at position 1, arcs into ``l`` close
the cycle. Nodes are ranked by decreasing degree, so the busiest nodes appear in the fewest
copies. Strongly connected components are solved one by one (no cycle crosses two).

Capacities are 0 or 1 here: with a node allowed in two cycles, a closed walk could use one
cycle twice, which the cycle formulation forbids (:func:`matcher.pack_cycles` sends such
graphs to the cycle formulation).

>>> import numpy as np
>>> out = pief_packing(np.array([0, 1, 1, 2]), np.array([1, 0, 2, 0]),
...                    np.array([1.0, 1.0, 1.0, 1.0]), 3, 3)
>>> out.cycles, out.objective, out.optimal
([[0, 1, 2]], 3.0, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from matcher.arraytypes import FloatArray, IntArray
from matcher.mip import solve_binary

__all__ = ["PiefResult", "pief_packing"]


@dataclass(frozen=True)
class PiefResult:
    """Cycles (node ranks in cycle order, each from its lowest rank), the incumbent's
    objective, the proven bound, whether it is optimal, status, solver seconds and the
    model's size (``variables``)."""

    cycles: list[list[int]]
    objective: float
    bound: float
    optimal: bool
    status: str
    seconds: float
    variables: int
    solver: str = ""


def pief_packing(
    tails: IntArray,
    heads: IntArray,
    weights: FloatArray,
    n_nodes: int,
    max_length: int,
    *,
    time_limit: float | None = None,
    solver: str = "auto",
) -> PiefResult:
    """Maximum-weight packing of node-disjoint cycles of 2 to ``max_length`` arcs.

    Nodes are ``0 … n_nodes − 1``; arcs ``tails[i] → heads[i]`` of weight ``weights[i]``,
    without duplicates or self-loops. Returns the best packing found within ``time_limit``
    seconds (shared by all components) and its proven bound.
    """
    started = time.perf_counter()
    deadline = None if time_limit is None else started + float(time_limit)
    tails, heads = np.asarray(tails, np.int64), np.asarray(heads, np.int64)
    weights = np.asarray(weights, float)
    if len(tails):
        adj = sp.csr_array((np.ones(len(tails)), (tails, heads)), shape=(n_nodes, n_nodes))
        _, label = connected_components(adj, directed=True, connection="strong")
    else:
        label = np.arange(n_nodes)
    inside = label[tails] == label[heads] if len(tails) else np.zeros(0, bool)
    cycles: list[list[int]] = []
    objective = bound = 0.0
    optimal = True
    statuses: set[str] = set()
    variables = 0
    used: set[str] = set()
    arc_label = label[tails[inside]]
    order = np.argsort(arc_label, kind="stable")
    arcs = np.flatnonzero(inside)[order]
    for group in np.split(arcs, np.flatnonzero(np.diff(arc_label[order])) + 1):
        if len(group) < 2:
            continue
        part = _solve_component(
            tails[group], heads[group], weights[group], max_length, deadline, solver
        )
        cycles += part.cycles
        objective += part.objective
        bound += part.bound
        optimal &= part.optimal
        variables += part.variables
        used.update(filter(None, [part.solver]))
        if not part.optimal:
            statuses.add(part.status)
    cycles.sort(key=lambda c: (len(c), c))
    status = "; ".join(sorted(statuses)) or "optimal"
    return PiefResult(
        cycles,
        objective,
        max(bound, objective),
        optimal,
        status,
        time.perf_counter() - started,
        variables,
        "+".join(sorted(used)),
    )


def _solve_component(
    tails: IntArray,
    heads: IntArray,
    weights: FloatArray,
    max_length: int,
    deadline: float | None,
    solver: str,
) -> PiefResult:
    nodes, inverse = np.unique(np.concatenate([tails, heads]), return_inverse=True)
    n = len(nodes)
    t0, h0 = inverse[: len(tails)], inverse[len(tails) :]
    # busiest nodes first: they then appear in the fewest copies
    degree = np.bincount(t0, minlength=n) + np.bincount(h0, minlength=n)
    rank = np.empty(n, np.int64)
    rank[np.lexsort((np.arange(n), -degree))] = np.arange(n)
    t, h = rank[t0], rank[h0]
    var_l, var_arc, var_k = _variables(t, h, n, max_length)
    nv = len(var_l)
    if nv == 0:
        return PiefResult([], 0.0, 0.0, True, "optimal", 0.0, 0)
    vt, vh = t[var_arc], h[var_arc]
    c = weights[var_arc].astype(float)
    # node use: every variable is one arc into its head
    use = sp.csr_array((np.ones(nv), (vh, np.arange(nv))), shape=(n, nv))
    # conservation rows keyed (l, v, k): +1 for arcs into v at k, -1 for arcs out of v at k + 1
    into = vh != var_l
    key_in = (var_l[into] * n + vh[into]) * max_length + var_k[into]
    out = var_k > 1
    key_out = (var_l[out] * n + vt[out]) * max_length + (var_k[out] - 1)
    keys, row = np.unique(np.concatenate([key_in, key_out]), return_inverse=True)
    cols = np.concatenate([np.flatnonzero(into), np.flatnonzero(out)])
    vals = np.concatenate([np.ones(into.sum()), -np.ones(out.sum())])
    flow = sp.csr_array((vals, (row, cols)), shape=(len(keys), nv))
    a = sp.vstack([use, flow], format="csr")
    lower = np.concatenate([np.full(n, -np.inf), np.zeros(len(keys))])
    upper = np.concatenate([np.ones(n), np.zeros(len(keys))])
    # building the model counts against the time limit
    left = None if deadline is None else max(deadline - time.perf_counter(), 0.05)
    res = solve_binary(c, a, lower, upper, time_limit=left, solver=solver)
    back = np.empty(n, np.int64)
    back[rank] = nodes  # rank → original node id
    chosen = np.flatnonzero(res.x > 0.5)
    cycles = _walk(var_l[chosen], vt[chosen], vh[chosen], var_k[chosen])
    listed = [[int(back[v]) for v in cyc] for cyc in cycles]
    listed = [_from_smallest(cyc) for cyc in listed]
    bound = res.bound if math.isfinite(res.bound) else _trivial_bound(h, weights, n)
    return PiefResult(
        listed, res.objective, bound, res.optimal, res.status, res.seconds, nv, res.solver
    )


def _variables(
    t: IntArray, h: IntArray, n: int, max_length: int
) -> tuple[IntArray, IntArray, IntArray]:
    """(copy, arc index, position) of every variable that can lie on a short cycle."""
    adj = sp.csr_array((np.ones(len(t)), (t, h)), shape=(n, n))
    adj_t = sp.csr_array(adj.T)
    arcs = np.arange(len(t))
    ls: list[IntArray] = []
    es: list[IntArray] = []
    ks: list[IntArray] = []
    big = max_length + 1
    for low in range(n):
        allowed = np.arange(n) >= low
        d_from = _distances(adj, low, allowed, max_length)
        d_to = _distances(adj_t, low, allowed, max_length)
        mine = allowed[t] & allowed[h]
        if not mine.any():
            continue
        e = arcs[mine]
        u, v = t[e], h[e]
        # arcs out of l: position 1; arcs into l: position dist(l, u) + 1 … L; others between
        kmin = np.where(u == low, 1, d_from[u] + 1)
        kmax = np.where(v == low, max_length, max_length - d_to[v])
        kmax = np.where((u == low) & (v != low), np.minimum(kmax, 1), kmax)
        kmin = np.where((v == low) & (u != low), np.maximum(kmin, 2), kmin)
        ok = (d_from[u] < big) & (d_to[v] < big) & (kmin <= kmax)
        e, kmin, kmax = e[ok], kmin[ok], kmax[ok]
        span = kmax - kmin + 1
        rep = np.repeat(e, span)
        start = np.repeat(kmin, span)
        offset = np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span)
        ls.append(np.full(len(rep), low, np.int64))
        es.append(rep)
        ks.append(start + offset)
    if not ls:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    return np.concatenate(ls), np.concatenate(es), np.concatenate(ks)


def _distances(
    adj: sp.csr_array, source: int, allowed: npt.NDArray[np.bool_], depth: int
) -> IntArray:
    """Breadth-first arc counts from ``source`` over ``allowed`` nodes, up to ``depth``
    (``depth + 1`` for farther or unreachable)."""
    dist = np.full(adj.shape[0], depth + 1, np.int64)
    dist[source] = 0
    frontier = np.zeros(adj.shape[0])
    frontier[source] = 1.0
    for step in range(1, depth + 1):
        reach = (frontier @ adj) > 0
        new = reach & allowed & (dist > depth)
        if not new.any():
            break
        dist[new] = step
        frontier = new.astype(float)
    return dist


def _walk(copies: IntArray, t: IntArray, h: IntArray, k: IntArray) -> list[list[int]]:
    """The chosen arcs of each copy, followed from its first node."""
    nxt = {(int(a), int(b), int(p)): int(c) for a, b, c, p in zip(copies, t, h, k, strict=True)}
    cycles = []
    for copy in sorted(set(copies.tolist())):
        cycle = [copy]
        node, pos = nxt.get((copy, copy, 1)), 1
        while node is not None and node != copy:
            cycle.append(node)
            pos += 1
            node = nxt.get((copy, node, pos))
        if node == copy:
            cycles.append(cycle)
    return cycles


def _from_smallest(cycle: list[int]) -> list[int]:
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def _trivial_bound(h: IntArray, weights: FloatArray, n: int) -> float:
    """A cycle weighs at most the sum of its nodes' best positive incoming arcs."""
    best = np.zeros(n)
    np.maximum.at(best, h, np.maximum(weights, 0.0))
    return float(best.sum())
