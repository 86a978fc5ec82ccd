"""OPOP Match engine: a pure library over pandas frames and NetworkX graphs.

Importing the package loads nothing: each feature lives in its own module, imported by path.

- :mod:`matcher.vocabulary`: region types, certificate kinds, shelf-life classes (no dependencies).
- :mod:`matcher.market`: the :class:`~matcher.market.Market` snapshot and its validation.
- :mod:`matcher.config`: :class:`~matcher.config.EngineConfig`, every tunable of a round.
- :mod:`matcher.units`, :mod:`matcher.catalogue`, :mod:`matcher.identifiers`: units and number
  parsing, product resolution, NSPP and other identifiers.
- :mod:`matcher.rules`: the hard matching rules, written once for every stage.
- :mod:`matcher.candidates`: who could supply whom (``find_candidates``), scored, built on
  :mod:`matcher.candidate_blocks` (the blocked join and scoring) and
  :mod:`matcher.allocation_arcs` (the arcs the allocation may use).
- :mod:`matcher.search`: the supplier index behind the search page (``SupplierIndex``).
- :mod:`matcher.graph`, :mod:`matcher.cycles`, :mod:`matcher.barter_arcs`, :mod:`matcher.barter`,
  :mod:`matcher.allocation`: the trade graph, barter cycles, the arcs a barter may use,
  barter clearing and the allocation of scarce supply.
- :mod:`matcher.packing` (``pack_cycles``), :mod:`matcher.pief`, :mod:`matcher.mip`: cycle
  packing with its proof or gap, the position-indexed formulation, the MIP solvers.
- :mod:`matcher.engine`: ``run_round``, a whole match round from a Market to plans.
- :mod:`matcher.gaps`, :mod:`matcher.explain`: market gaps and human-readable reasons.
- :mod:`matcher.synthetic`, :mod:`matcher.bench`: synthetic markets and the benchmark harness;
  :mod:`matcher.synthetic_graphs`, :mod:`matcher.bench_cycles`, :mod:`matcher.bench_round`:
  seeded graphs and the cycle-packing benchmark, one round's time and memory.
"""
