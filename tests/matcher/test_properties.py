"""Properties of barters and trades together on random small markets (hypothesis).

Markets are built with ``Market.from_frames`` from drawn pesantren, offers and needs; the
candidates come from the engine's own ``find_candidates``. Whatever the market:
no listing is committed beyond its quantity by barters and trades together, every barter is
balanced, nobody trades with itself, ``pack_cycles`` equals brute force, and the same market
gives the same plans.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable

import networkx as nx
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.allocation import allocate
from matcher.barter import clear_barters
from matcher.candidates import find_candidates
from matcher.config import EngineConfig
from matcher.cycles import cycle_weight
from matcher.engine import committed_quantities
from matcher.market import Market
from matcher.packing import pack_cycles
from matcher.results import Plan
from tests.matcher.engine_markets import CATALOGUE

AS_OF = dt.date(2026, 11, 23)
PRODUCTS = list(CATALOGUE["product"])
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def markets(draw: st.DrawFn) -> Market:
    n = draw(st.integers(2, 7))
    pesantren = pd.DataFrame(
        {
            "pesantren_id": range(1, n + 1),
            "name": [f"Pondok {i}" for i in range(1, n + 1)],
            "regency_code": "3507",
            "kabupaten": "Malang",
            "lat": [draw(st.floats(-8.2, -7.6)) for _ in range(n)],
            "lon": [draw(st.floats(112.0, 112.9)) for _ in range(n)],
            "region_types": [
                draw(st.sampled_from(["highland_agriculture", "coastal_fisheries", "urban"]))
                for _ in range(n)
            ],
            "santri": 300,
        }
    )
    offers, needs = [], []
    listing = 1
    for pid in range(1, n + 1):
        for kind, rows in (("offer", offers), ("need", needs)):
            for product in draw(st.lists(st.sampled_from(PRODUCTS), max_size=2, unique=True)):
                row = {
                    "listing_id": listing,
                    "pesantren_id": pid,
                    "product": product,
                    "quantity": float(draw(st.integers(1, 60)) * 10),
                    "min_lot": float(draw(st.sampled_from([0, 0, 0, 20, 100]))),
                    "last_confirmed": pd.Timestamp(AS_OF),
                }
                price = float(draw(st.integers(5, 120)) * 1000)
                row["price" if kind == "offer" else "max_price"] = price
                if kind == "need":
                    row["max_price"] = float("nan")
                    row["required_certs"] = ""
                rows.append(row)
                listing += 1
    offer_cols = [
        "listing_id",
        "pesantren_id",
        "product",
        "quantity",
        "price",
        "min_lot",
        "last_confirmed",
    ]
    need_cols = [
        "listing_id",
        "pesantren_id",
        "product",
        "quantity",
        "max_price",
        "min_lot",
        "required_certs",
        "last_confirmed",
    ]
    return Market.from_frames(
        pesantren=pesantren,
        offers=pd.DataFrame(offers, columns=offer_cols),
        needs=pd.DataFrame(needs, columns=need_cols),
        catalogue=CATALOGUE,
        as_of=AS_OF,
    )


def _round(market: Market, max_length: int = 3) -> tuple[list[Plan], list[Plan]]:
    cfg = EngineConfig(max_cycle_length=max_length, min_barter_value=0.0)
    cands = find_candidates(market, cfg)
    barters = clear_barters(market, cands, cfg)
    trades = allocate(market, cands, cfg, used=committed_quantities(barters))
    return barters, trades


@SETTINGS
@given(markets(), st.sampled_from([2, 3, 4]))
def test_no_listing_is_over_committed_by_barters_and_trades_together(
    market: Market, max_length: int
) -> None:
    barters, trades = _round(market, max_length)
    quantity = {
        **dict(zip(market.offers["listing_id"], market.offers["quantity"], strict=True)),
        **dict(zip(market.needs["listing_id"], market.needs["quantity"], strict=True)),
    }
    for listing, used in committed_quantities(barters + trades).items():
        assert used <= quantity[listing] + 1e-6, (listing, used, quantity[listing])


@SETTINGS
@given(markets())
def test_every_barter_is_balanced_and_nobody_trades_with_itself(market: Market) -> None:
    barters, trades = _round(market)
    for plan in barters:
        assert plan.kind == ("barter_pair" if len(plan.legs) == 2 else "barter_cycle")
        assert all(abs(v) <= 1.0 for v in plan.balance().values())  # within one rupiah
        givers = [leg.giver_id for leg in plan.legs]
        assert len(set(givers)) == len(givers)
        assert [leg.receiver_id for leg in plan.legs] == givers[1:] + givers[:1]
    for plan in barters + trades:
        assert all(leg.giver_id != leg.receiver_id for leg in plan.legs)
        assert all(leg.quantity > 0 for leg in plan.legs)


@SETTINGS
@given(markets())
def test_every_leg_respects_the_listings_min_lot(market: Market) -> None:
    barters, trades = _round(market)
    lots = {
        **dict(zip(market.offers["listing_id"], market.offers["min_lot"], strict=True)),
        **dict(zip(market.needs["listing_id"], market.needs["min_lot"], strict=True)),
    }
    for plan in barters + trades:
        for leg in plan.legs:
            assert leg.quantity >= max(lots[leg.offer_id], lots[leg.need_id]) - 1e-6


@settings(max_examples=15, deadline=None)
@given(markets())
def test_the_same_market_gives_the_same_plans(market: Market) -> None:
    assert _round(market) == _round(market)


def _brute_force(G: nx.DiGraph, max_length: int) -> float:
    cycles = [c for c in nx.simple_cycles(G, length_bound=max_length) if len(c) > 1]
    weights = [cycle_weight(G, c) for c in cycles]
    best = 0.0

    def search(i: int, used: Counter[Hashable], total: float) -> None:
        nonlocal best
        best = max(best, total)
        if i == len(cycles):
            return
        if all(used[n] < G.nodes[n].get("capacity", 1) for n in cycles[i]):
            used.update(cycles[i])
            search(i + 1, used, total + weights[i])
            used.subtract(cycles[i])
        search(i + 1, used, total)

    search(0, Counter(), 0.0)
    return best


@st.composite
def digraphs(draw: st.DrawFn) -> nx.DiGraph:
    n = draw(st.integers(0, 7))
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=18)) if pairs else []
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    for u, v in edges:
        G.add_edge(u, v, weight=draw(st.sampled_from([1.0, 1.0, 0.5, 2.0])))
    for node in G:
        G.nodes[node]["capacity"] = draw(st.sampled_from([1, 1, 1, 2, 0]))
    return G


@settings(max_examples=150, deadline=None)
@given(digraphs(), st.sampled_from([2, 3, 4]))
def test_pack_cycles_equals_brute_force(G: nx.DiGraph, max_length: int) -> None:
    chosen = pack_cycles(G, max_length=max_length).cycles
    use = Counter(n for c in chosen for n in c)
    assert all(use[n] <= G.nodes[n]["capacity"] for n in use)
    total = sum(cycle_weight(G, c) for c in chosen)
    assert abs(total - _brute_force(G, max_length)) < 1e-6
