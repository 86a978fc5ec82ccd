"""Oracles for the cycle-packing tests: exhaustive search and small random digraphs."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable

import networkx as nx

from matcher.cycles import cycle_weight

__all__ = ["best_packing_weight", "canonical", "random_graph", "total_weight"]


def canonical(cycle: list[Hashable]) -> tuple[Hashable, ...]:
    i = cycle.index(min(cycle))  # type: ignore[type-var]
    return tuple(cycle[i:] + cycle[:i])


def best_packing_weight(G: nx.DiGraph, max_length: int) -> float:
    """Best total weight over every feasible subset of cycles (exhaustive search)."""
    cycles = [canonical(c) for c in nx.simple_cycles(G, length_bound=max_length) if len(c) > 1]
    weights = [cycle_weight(G, c) for c in cycles]
    caps = {n: int(G.nodes[n].get("capacity", 1)) for n in G}
    best = 0.0

    def search(i: int, used: Counter[Hashable], total: float) -> None:
        nonlocal best
        best = max(best, total)
        if i == len(cycles) or total + sum(w for w in weights[i:] if w > 0) <= best:
            return
        if all(used[n] < caps[n] for n in cycles[i]):
            used.update(cycles[i])
            search(i + 1, used, total + weights[i])
            used.subtract(cycles[i])
        search(i + 1, used, total)

    search(0, Counter(), 0.0)
    return best


def total_weight(G: nx.DiGraph, cycles: list[list[Hashable]]) -> float:
    return sum(cycle_weight(G, c) for c in cycles)


def random_graph(seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    n = rng.randint(2, 8)
    G = nx.gnp_random_graph(n, rng.uniform(0.2, 0.6), directed=True, seed=seed)
    if rng.random() < 0.5:
        for u, v in G.edges:
            G.edges[u, v]["weight"] = rng.choice([0.5, 1.0, 2.0, 3.5])
    if rng.random() < 0.3:
        for node in G:
            G.nodes[node]["capacity"] = rng.choice([0, 1, 1, 2])
    return G
