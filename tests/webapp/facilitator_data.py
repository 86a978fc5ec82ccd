"""A small complementary network for the facilitator and API tests.

Highland pesantren (Batu, Bondowoso) and coastal ones (Sumenep, Tuban) with an urban one
(Surabaya) whose listings make exactly: a barter pair (apple chips ⇄ salted fish), a barter
cycle of three (coffee → terasi → rice → coffee) and a trade (salted fish to Surabaya).
:func:`plans_for` gives the engine plans for it, so tests can store a round without the
engine, or stand in for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from matcher.results import Leg, Plan
from tests import factories as f
from webapp.models import Listing, MatchRound, Pesantren, User, db


@dataclass
class Network:
    pesantren: dict[str, Pesantren]
    offers: dict[str, Listing]
    needs: dict[str, Listing]
    officers: dict[str, User]
    facilitator: User
    admin: User
    extra: dict[str, Any] = field(default_factory=dict)


def _products() -> None:
    f.make_product(
        "keripik-apel",
        name_id="Keripik apel",
        name_en="Apple chips",
        category="snacks",
        price_min=80000.0,
        price_max=120000.0,
        produced_in="highland_agriculture",
    )
    f.make_product(
        "ikan-asin",
        name_id="Ikan asin",
        name_en="Salted fish",
        category="processed fish",
        produced_in="coastal_fisheries",
    )
    f.make_product(
        "kopi-bubuk",
        name_id="Kopi bubuk",
        name_en="Ground coffee",
        category="beverages",
        price_min=90000.0,
        price_max=140000.0,
        produced_in="highland_agriculture",
    )
    f.make_product(
        "terasi",
        name_id="Terasi",
        name_en="Shrimp paste",
        category="processed fish",
        price_min=40000.0,
        price_max=70000.0,
        produced_in="coastal_fisheries",
    )
    f.make_product(
        "beras-medium",
        name_id="Beras medium",
        name_en="Rice, medium grade",
        category="staples",
        price_min=11000.0,
        price_max=14000.0,
        produced_in="lowland_farming",
    )
    f.make_product(
        "susu-sapi",
        name_id="Susu sapi",
        name_en="Cow's milk",
        category="dairy",
        base_unit="liter",
        price_min=7000.0,
        price_max=10000.0,
        produced_in="highland_agriculture",
    )


def build_network() -> Network:
    _products()
    p = {
        "batu": f.make_pesantren(
            "3579", name="Pondok Apel Batu", region_types=["highland_agriculture"]
        ),
        "sumenep": f.make_pesantren(
            "3529", name="Pondok Bahari Sumenep", region_types=["coastal_fisheries", "island"]
        ),
        "bondowoso": f.make_pesantren(
            "3511", name="Pondok Kopi Ijen", region_types=["highland_agriculture"]
        ),
        "tuban": f.make_pesantren(
            "3523", name="Pondok Terasi Tuban", region_types=["coastal_fisheries"]
        ),
        "surabaya": f.make_pesantren("3578", name="Pondok Kota Surabaya", region_types=["urban"]),
    }
    money = Decimal
    offers = {
        "apel": f.make_listing(
            p["batu"], "offer", "keripik-apel", quantity=money(60), price=money(100000)
        ),
        "ikan": f.make_listing(
            p["sumenep"], "offer", "ikan-asin", quantity=money(400), price=money(50000)
        ),
        "kopi": f.make_listing(
            p["bondowoso"], "offer", "kopi-bubuk", quantity=money(50), price=money(120000)
        ),
        "terasi": f.make_listing(
            p["tuban"], "offer", "terasi", quantity=money(200), price=money(60000)
        ),
        "beras": f.make_listing(
            p["surabaya"], "offer", "beras-medium", quantity=money(2000), price=money(12000)
        ),
    }
    needs = {
        "apel": f.make_listing(
            p["sumenep"], "need", "keripik-apel", quantity=money(60), price=money(115000)
        ),
        "ikan": f.make_listing(
            p["batu"], "need", "ikan-asin", quantity=money(120), price=money(60000)
        ),
        "kopi": f.make_listing(
            p["tuban"], "need", "kopi-bubuk", quantity=money(50), price=money(130000)
        ),
        "terasi": f.make_listing(
            p["surabaya"], "need", "terasi", quantity=money(100), price=money(65000)
        ),
        "beras": f.make_listing(
            p["bondowoso"], "need", "beras-medium", quantity=money(500), price=money(13000)
        ),
        "ikan_kota": f.make_listing(
            p["surabaya"], "need", "ikan-asin", quantity=money(150), price=money(60000)
        ),
        "susu": f.make_listing(
            p["tuban"], "need", "susu-sapi", quantity=money(300), price=money(9000)
        ),
    }
    officers = {
        key: f.make_user("officer", pesantren, email=f"{key}@example.org")
        for key, pesantren in p.items()
    }
    network = Network(
        p,
        offers,
        needs,
        officers,
        f.make_user("facilitator", email="fasilitator@example.org"),
        f.make_user("admin", email="admin@example.org"),
    )
    db.session.commit()
    return network


def _leg(net: Network, key: str, need_key: str, quantity: float) -> Leg:
    offer, need = net.offers[key], net.needs[need_key]
    return Leg(
        giver_id=offer.pesantren_id,
        receiver_id=need.pesantren_id,
        offer_id=offer.id,
        need_id=need.id,
        product=offer.product.slug,
        quantity=quantity,
        unit_price=float(offer.price or 0),
        distance_km=150.0,
        score=0.8,
        reasons={"id": "Saling melengkapi", "en": "Complementary"},
    )


def plans_for(net: Network) -> list[Plan]:
    """A barter pair (5 Jt each way), a cycle of three (4.8 Jt per leg) and one trade."""
    pair = Plan(
        "barter_pair",
        (_leg(net, "apel", "apel", 50.0), _leg(net, "ikan", "ikan", 100.0)),
        0.85,
        {"id": "Barter dataran tinggi ⇄ pesisir", "en": "Highland ⇄ coast barter"},
    )
    cycle = Plan(
        "barter_cycle",
        (
            _leg(net, "kopi", "kopi", 40.0),
            _leg(net, "terasi", "terasi", 80.0),
            _leg(net, "beras", "beras", 400.0),
        ),
        0.8,
        {"id": "Barter tiga pihak", "en": "Three-way barter"},
    )
    trade = Plan(
        "trade",
        (_leg(net, "ikan", "ikan_kota", 150.0),),
        0.7,
        {"id": "Pemasok terdekat", "en": "Nearest supplier"},
    )
    return [pair, cycle, trade]


def fake_engine(net: Network) -> Any:
    """Stands in for ``matcher.engine.run_round``: returns :func:`plans_for` whatever the
    market, less the plans that use an excluded pairing (as the engine would)."""

    def engine(market: Any, config: Any, exclude_pairs: Any = frozenset()) -> Any:
        plans = [
            plan
            for plan in plans_for(net)
            if not any((leg.offer_id, leg.need_id) in exclude_pairs for leg in plan.legs)
        ]
        return SimpleNamespace(plans=plans, gaps=None, timings={}, stats={})

    return engine


def stored_round(net: Network) -> MatchRound:
    """A draft round holding :func:`plans_for`, stored by the rounds service."""
    from webapp import rounds

    return rounds.run_match_round(net.facilitator, engine=fake_engine(net))
