"""What the engine returns: proposal plans made of legs, each able to explain itself.

A :class:`Plan` is what becomes a proposal in a match round: a one-way ``trade``, a
``barter_pair`` (u ⇄ v) or a ``barter_cycle`` (u → v → w → u). Each :class:`Leg` is one
flow of one product from a supplier's offer to a buyer's need, in base units per month.

>>> leg = Leg(giver_id=1, receiver_id=2, offer_id=10, need_id=20, product="ikan-asin",
...           quantity=100.0, unit_price=55000.0, distance_km=42.0, score=0.8)
>>> leg.value
5500000.0
>>> Plan(kind="trade", legs=(leg,), score=0.8).participants
(1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["PLAN_KINDS", "Leg", "Plan", "PlanKind"]

PlanKind = Literal["trade", "barter_pair", "barter_cycle"]
PLAN_KINDS: tuple[PlanKind, ...] = ("trade", "barter_pair", "barter_cycle")


@dataclass(frozen=True)
class Leg:
    """``giver_id`` supplies ``quantity`` of ``product`` (its offer ``offer_id``) to
    ``receiver_id`` (its need ``need_id``) at ``unit_price`` rupiah per base unit;
    ``buyer_value`` is what a base unit is worth to the buyer (its ceiling, else the
    reference price: :mod:`matcher.surplus`), ``None`` when not known."""

    giver_id: int
    receiver_id: int
    offer_id: int
    need_id: int
    product: str
    quantity: float
    unit_price: float
    distance_km: float
    score: float
    components: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # {"id": "...", "en": "..."}
    buyer_value: float | None = None

    @property
    def value(self) -> float:
        """Rupiah per month."""
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Plan:
    """A proposed trade or barter; ``score`` in [0, 1]; ``reasons`` per language."""

    kind: PlanKind
    legs: tuple[Leg, ...]
    score: float
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def value(self) -> float:
        """Total rupiah per month moved by all legs."""
        return sum(leg.value for leg in self.legs)

    @property
    def participants(self) -> tuple[int, ...]:
        """Pesantren taking part, in order of first appearance."""
        seen: dict[int, None] = {}
        for leg in self.legs:
            seen.setdefault(leg.giver_id)
            seen.setdefault(leg.receiver_id)
        return tuple(seen)

    def balance(self) -> dict[int, float]:
        """Value received minus value given, per participant (0 for a balanced barter)."""
        out = dict.fromkeys(self.participants, 0.0)
        for leg in self.legs:
            out[leg.receiver_id] += leg.value
            out[leg.giver_id] -= leg.value
        return out
