"""Rounds without the real engine: :class:`FakeEngine` returns fixed plans, and
:func:`two_plans` builds a small market (a barter pair and a trade) with plans for it."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pandas as pd

from matcher.config import EngineConfig
from matcher.market import Market
from matcher.results import Leg, Plan
from tests.factories import make_listing, make_pesantren
from tests.webapp.proposal_helpers import make_pair
from webapp.models import Listing, db


def leg(offer: Listing, need: Listing, quantity: float) -> Leg:
    return Leg(
        giver_id=offer.pesantren_id,
        receiver_id=need.pesantren_id,
        offer_id=offer.id,
        need_id=need.id,
        product=offer.product.slug,
        quantity=quantity,
        unit_price=float(offer.price),
        distance_km=42.0,
        score=0.75,
        components={"distance": 0.5, "region": 1.0},
        reasons={"id": "dataran tinggi ↔ pesisir", "en": "highland ↔ coastal"},
    )


class FakeEngine:
    """Returns fixed plans (less those using an excluded pairing, as the engine would) and
    remembers the market, config and exclusions it was given."""

    def __init__(self, plans: list[Plan] | None = None, error: Exception | None = None) -> None:
        self.plans = plans or []
        self.error = error
        self.markets: list[Market] = []
        self.configs: list[EngineConfig] = []
        self.excluded: list[frozenset[tuple[int, int]]] = []

    def __call__(
        self, market: Market, config: EngineConfig, exclude_pairs: frozenset[tuple[int, int]]
    ) -> Any:
        self.markets.append(market)
        self.configs.append(config)
        self.excluded.append(exclude_pairs)
        if self.error is not None:
            raise self.error
        empty = pd.DataFrame()
        return SimpleNamespace(
            plans=[
                plan
                for plan in self.plans
                if not any((leg.offer_id, leg.need_id) in exclude_pairs for leg in plan.legs)
            ],
            gaps=SimpleNamespace(unmet=pd.DataFrame({"product": ["garam"]}), unsold=empty),
            timings={"candidates": 0.01, "barter": 0.02},
            stats={"candidates": 7},
        )


def two_plans() -> tuple[list[Plan], Any]:
    pair = make_pair("draft")
    town = make_pesantren("3578")
    town_need = make_listing(town, "need", "kentang", quantity=Decimal("80"))
    db.session.commit()
    plans = [
        Plan(
            kind="barter_pair",
            legs=(leg(pair.fish, pair.fish_need, 20), leg(pair.potato, pair.potato_need, 100)),
            score=0.8,
            reasons={"id": "barter seimbang", "en": "balanced barter"},
        ),
        Plan(kind="trade", legs=(leg(pair.potato, town_need, 80),), score=0.6),
    ]
    return plans, SimpleNamespace(pair=pair, town=town, town_need=town_need)


def publish_in_browser(client: Any, round_id: int) -> Any:
    """Publish a round as a facilitator does: open the summary, confirm with its token.
    Returns the confirmation's response (a redirect to the round)."""
    import re

    page = client.get(f"/fasilitator/putaran/{round_id}/terbitkan").get_data(as_text=True)
    found = re.search(r'name="confirmation" value="([^"]+)"', page)
    assert found, "the publish summary offers no confirmation"
    return client.post(
        f"/fasilitator/putaran/{round_id}/terbitkan", data={"confirmation": found.group(1)}
    )
