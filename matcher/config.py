"""Every weight and threshold the engine uses, in one documented object.

>>> cfg = EngineConfig()
>>> round(sum(cfg.weights.values()), 6)
1.0
>>> cfg.max_distance_km["fresh_days"] < cfg.max_distance_km["dry_months"]
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = [
    "DEFAULT_MAX_DISTANCE_KM",
    "DEFAULT_REGION_COMPLEMENTARITY",
    "DEFAULT_REGION_SCORE",
    "DEFAULT_WEIGHTS",
    "EngineConfig",
]

#: Score components and their weights (they sum to 1; a candidate's score is the weighted mean).
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "product": 0.15,  # exact product 1.0, declared substitute less
        "quantity": 0.15,  # how much of the need the offer covers
        "price": 0.15,  # asking price against the buyer's ceiling / reference range
        "distance": 0.20,  # nearer is better, relative to what the shelf life allows
        "region": 0.10,  # complementary region types (highland <-> coastal) score higher
        "certification": 0.10,  # certificates beyond what the need requires
        "freshness": 0.05,  # listings confirmed recently
        "track_record": 0.10,  # completed deals vs declines/cancellations (0.5: no history)
    }
)

#: How far a product may travel, by shelf-life class: fresh fish tens of km, dried fish anywhere.
DEFAULT_MAX_DISTANCE_KM: Mapping[str, float] = MappingProxyType(
    {
        "fresh_days": 60.0,
        "chilled": 80.0,
        "live": 150.0,
        "fresh_weeks": 250.0,
        "dry_months": math.inf,
        "durable": math.inf,
        "service": 40.0,
    }
)


#: Region component when no pair below matches (e.g. urban with anything, or unknown).
DEFAULT_REGION_SCORE = 0.5

#: Region complementarity of (supplier, buyer) dominant region types, symmetric: highland
#: produce for the coast and islands (and back) is the exchange OPOP wants to see most;
#: two pesantren of the same type have the least to offer each other.
DEFAULT_REGION_COMPLEMENTARITY: Mapping[tuple[str, str], float] = MappingProxyType(
    {
        ("highland_agriculture", "coastal_fisheries"): 1.0,
        ("highland_agriculture", "island"): 1.0,
        ("lowland_farming", "coastal_fisheries"): 0.8,
        ("lowland_farming", "island"): 0.8,
        ("highland_agriculture", "lowland_farming"): 0.7,
        ("coastal_fisheries", "island"): 0.4,
        ("urban", "urban"): 0.3,
        ("highland_agriculture", "highland_agriculture"): 0.2,
        ("coastal_fisheries", "coastal_fisheries"): 0.2,
        ("lowland_farming", "lowland_farming"): 0.2,
        ("island", "island"): 0.2,
    }
)


@dataclass(frozen=True)
class EngineConfig:
    """Weights and thresholds for candidates, scores, barters and allocation.

    Attributes
    ----------
    weights
        Score component weights, summing to 1 (see :data:`DEFAULT_WEIGHTS`).
    max_distance_km
        Hard distance limit per shelf-life class.
    price_tolerance
        An offer may exceed the buyer's ceiling by this fraction and still be a candidate.
    substitute_fit
        Product-fit component for a declared substitute (an exact product scores 1).
    top_k_per_need
        Candidates kept per need (best score first); bounds memory at national scale.
    max_cycle_length
        Longest barter cycle (pesantren count); 2 means pairs only.
    min_trade_value
        Smallest value (rupiah per month, quantity × price) of a trade leg worth proposing:
        below it the trip, the call and the paperwork cost more than the deal is worth
        (issue 10: a round proposed 68 deals under Rp 100.000 a month). Rp 250.000 by default.
    min_barter_value
        Smallest value per leg (rupiah/month) for a barter to be worth proposing; higher
        than a trade's (Rp 500.000 by default): a barter asks every party to deliver, so
        each leg must be worth the trip on its own.
    barter_partners
        Best partners kept per pesantren when enumerating cycles (prunes the cycle search).
    transport_cost_per_kg_km
        Rupiah per base unit per km, subtracted from the buyer's gain
        (:func:`matcher.surplus.unit_surplus`) in the allocation and barter objectives.
    stale_days
        A listing not confirmed for this many days counts as stale.
    solver_time_limit_s
        Wall-clock limit handed to the MILP/flow solvers.
    distance_reference_km
        For products whose shelf life sets no distance limit, the distance at which the
        distance component reaches 0 (roughly the width of the province).
    region_complementarity
        Score of the region component for (supplier, buyer) dominant region types; the pair is
        looked up in both orders, a missing pair scores :data:`DEFAULT_REGION_SCORE`.
    candidate_pool
        For products with more offers than this, each group of nearby needs scores only
        the offers with the best estimated score for the group (see
        :func:`matcher.find_candidates`); ``0`` scores every offer (exact, slower at
        national scale).
    graph_partners
        Suppliers kept per buyer (best score first) in the trade graph that
        :func:`matcher.run_round` builds; ``0`` keeps every edge. Bounds the graph at
        national scale, where every pesantren can supply hundreds of others.
    gap_producers
        Possible producers suggested per market gap.
    allocation_top_k
        Arcs the trade allocation sees: for every need its ``allocation_top_k`` most
        profitable offers, and for every offer its ``allocation_top_k`` most profitable
        needs (see :func:`matcher.candidates.candidate_frames`). Both sides matter: with
        each need's top 25 by score alone, needs crowd onto the same nearby offers and the
        allocation captured 0.94 of the unpruned optimum at 1,000 pesantren and 0.74 at
        5,000 (see ``docs/benchmarks.md`` for the value with this setting).
    allocation_pool
        When the round also builds the allocation arcs, products with at most this many
        offers are joined whole instead of through ``candidate_pool``: the pool (built for
        each need's top-k) hides offers no nearby need ranks highly, and those are exactly
        the ones the allocation can still sell (at 5,000 pesantren the pool alone cost 5 %
        of the allocation value). Larger products (national scale) still use the pool.
    threads
        Worker threads for the candidate stage (products are independent; numpy releases
        the interpreter lock in its loops); ``0`` uses every CPU the process may run on.
        The result does not depend on it.
    decline_memory_days
        A pair (offer, need) declined in a round is not proposed again for this many days
        (the application collects them; :func:`matcher.run_round` takes them as
        ``exclude_pairs``).
    """

    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    max_distance_km: Mapping[str, float] = field(default_factory=lambda: DEFAULT_MAX_DISTANCE_KM)
    price_tolerance: float = 0.10
    substitute_fit: float = 0.7
    top_k_per_need: int = 25
    max_cycle_length: int = 3
    min_trade_value: float = 250_000.0
    min_barter_value: float = 500_000.0
    barter_partners: int = 20
    transport_cost_per_kg_km: float = 2.0
    stale_days: int = 60
    solver_time_limit_s: float = 60.0
    distance_reference_km: float = 300.0
    region_complementarity: Mapping[tuple[str, str], float] = field(
        default_factory=lambda: DEFAULT_REGION_COMPLEMENTARITY
    )
    candidate_pool: int = 400
    graph_partners: int = 5
    gap_producers: int = 3
    allocation_top_k: int = 15
    allocation_pool: int = 2000
    decline_memory_days: int = 56
    threads: int = 0

    def __post_init__(self) -> None:
        total = sum(self.weights.values())
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(f"score weights must sum to 1, not {total:g}")
        if self.max_cycle_length < 2:
            raise ValueError("max_cycle_length must be at least 2")
        if self.allocation_top_k < 1 or self.decline_memory_days < 0:
            raise ValueError("allocation_top_k must be >= 1 and decline_memory_days >= 0")
        if self.threads < 0:
            raise ValueError(f"threads must be >= 0, not {self.threads}")
        for name in ("min_trade_value", "min_barter_value"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, not {value!r}")
        if self.price_tolerance < 0 or self.top_k_per_need < 1:
            raise ValueError("price_tolerance must be >= 0 and top_k_per_need >= 1")
