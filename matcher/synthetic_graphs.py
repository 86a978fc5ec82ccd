"""Seeded directed graphs for cycle packing: kidney-exchange-like pools and random weighted
digraphs (the fixtures of the cycle-packing tests and of :mod:`matcher.bench_cycles`).

- :func:`kidney_pool` follows the idea of Saidman et al. (2006): each node is an incompatible
  patient–donor pair with blood types and a patient's sensitisation (PRA) drawn from
  population frequencies; a pair whose donor could give to its own patient never enters the
  pool; an arc ``i → j`` says i's donor can give to j's patient (blood types compatible and a
  negative crossmatch, which fails with probability PRA of j). Unit weights.
- :func:`random_weighted_digraph` is a G(n, p) digraph with integer weights 1–100 on the arcs.

Both are deterministic in ``seed`` (their own ``random.Random``); written here, not copied
from any solver's fixtures.

>>> G = kidney_pool(50, seed=1)
>>> G.number_of_nodes(), G.number_of_edges() == kidney_pool(50, seed=1).number_of_edges()
(50, True)
>>> H = random_weighted_digraph(20, 0.1, seed=2)
>>> all(1 <= w <= 100 for _, _, w in H.edges(data="weight"))
True
"""

from __future__ import annotations

import random

import networkx as nx

__all__ = ["BLOOD_TYPES", "PRA_LEVELS", "kidney_pool", "random_weighted_digraph"]

#: Blood type and its share of patients and donors (the frequencies Saidman et al. used).
BLOOD_TYPES: tuple[tuple[str, float], ...] = (
    ("O", 0.4814),
    ("A", 0.3373),
    ("B", 0.1428),
    ("AB", 0.0385),
)

#: Patient sensitisation: (probability that a crossmatch with a random donor fails, share).
PRA_LEVELS: tuple[tuple[float, float], ...] = ((0.05, 0.7019), (0.45, 0.2), (0.9, 0.0981))


def _abo_compatible(donor: str, patient: str) -> bool:
    return donor == "O" or patient == "AB" or donor == patient


def kidney_pool(n: int, seed: int = 0) -> nx.DiGraph:
    """A pool of ``n`` incompatible patient–donor pairs, nodes ``0 … n − 1``.

    Node attributes ``patient``, ``donor`` (blood types) and ``pra``; arcs carry
    ``weight=1``.

    Parameters
    ----------
    n
        Pairs in the pool; at least 0.
    seed
        Seed of the generator.

    >>> G = kidney_pool(30, seed=3)
    >>> all(not _abo_compatible(G.nodes[v]["donor"], G.nodes[v]["patient"])
    ...     or G.nodes[v]["pra"] > 0 for v in G)
    True
    """
    if n < 0:
        raise ValueError(f"a pool has at least 0 pairs, not {n}")
    rng = random.Random(seed)
    types = [t for t, _ in BLOOD_TYPES]
    type_w = [w for _, w in BLOOD_TYPES]
    pras = [p for p, _ in PRA_LEVELS]
    pra_w = [w for _, w in PRA_LEVELS]
    G = nx.DiGraph()
    while G.number_of_nodes() < n:
        patient, donor = rng.choices(types, type_w, k=2)
        pra = rng.choices(pras, pra_w)[0]
        if _abo_compatible(donor, patient) and rng.random() >= pra:
            continue  # this pair can transplant directly: it never enters the pool
        G.add_node(G.number_of_nodes(), patient=patient, donor=donor, pra=pra)
    for i in range(n):
        donor = G.nodes[i]["donor"]
        for j in range(n):
            if (
                i != j
                and _abo_compatible(donor, G.nodes[j]["patient"])
                and rng.random() >= G.nodes[j]["pra"]
            ):
                G.add_edge(i, j, weight=1)
    return G


def random_weighted_digraph(n: int, p: float, seed: int = 0) -> nx.DiGraph:
    """G(n, p) digraph on nodes ``0 … n − 1``, each arc with an integer ``weight`` in 1–100.

    >>> random_weighted_digraph(3, 1.0, seed=0).number_of_edges()
    6
    """
    if n < 0 or not 0.0 <= p <= 1.0:
        raise ValueError(f"need n >= 0 and 0 <= p <= 1, not n={n}, p={p}")
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    for i in range(n):
        for j in range(n):
            if i != j and rng.random() < p:
                G.add_edge(i, j, weight=rng.randint(1, 100))
    return G
