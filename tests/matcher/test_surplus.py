"""Issue 10, points 1 and 2: the buyer's surplus decides (cheaper wins, nearer wins, in
trades and in barters alike), and nothing under the value floors is proposed."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from matcher.allocation import allocate
from matcher.barter import clear_barters
from matcher.config import EngineConfig
from matcher.engine import run_round
from tests.matcher.engine_markets import market, need, offer, solver_frame


def _trade(rows: list[tuple[Any, ...]]) -> list[tuple[int, float]]:
    plans = allocate(None, solver_frame(rows, product="x", buyer_value=50_000.0))
    return [(p.legs[0].offer_id, p.legs[0].quantity) for p in plans]


def test_of_two_suppliers_equal_but_for_price_the_cheaper_is_allocated_first() -> None:
    # (supplier, buyer, offer, need, price, offer_qty, need_qty, score, km)
    rows = [(1, 9, 11, 91, 44_000.0, 100.0, 100.0, 0.8, 20.0)]
    rows.append((2, 9, 12, 91, 30_000.0, 100.0, 100.0, 0.8, 20.0))
    assert _trade(rows) == [(12, 100.0)]
    rows[1] = (2, 9, 12, 91, 30_000.0, 60.0, 100.0, 0.8, 20.0)  # the cheaper runs out
    assert _trade(rows) == [(11, 40.0), (12, 60.0)]


def test_of_two_suppliers_equal_but_for_distance_the_nearer_is_allocated_first() -> None:
    rows = [(1, 9, 11, 91, 30_000.0, 100.0, 100.0, 0.8, 150.0)]
    rows.append((2, 9, 12, 91, 30_000.0, 100.0, 100.0, 0.8, 10.0))
    assert _trade(rows) == [(12, 100.0)]


def test_the_round_gives_the_trade_to_the_cheaper_of_two_neighbours() -> None:
    # the case: same place, same score but for price, Rp 30.000 against 44.000
    m = market(
        [
            offer(11, 1, "ikan-asin", quantity=100.0, price=44_000.0),
            offer(12, 3, "ikan-asin", quantity=100.0, price=30_000.0),
        ],
        [need(21, 2, "ikan-asin", quantity=100.0)],
    )
    m = m.with_frames(pesantren=m.pesantren.assign(lat=-7.5, lon=112.5))
    trades = [p for p in run_round(m).plans if p.kind == "trade"]
    assert [(leg.offer_id, leg.quantity) for p in trades for leg in p.legs] == [(12, 100.0)]


def _barter(prices: tuple[float, float], km: tuple[float, float]) -> list[tuple[int, ...]]:
    """Pesantren 1 has 10 units of A (Rp 100.000) and needs B; 2 and 3 each offer B and
    need A. Only one pair can be filled: which one does the clearing pick?"""
    rows = [
        (1, 2, 11, 22, 100_000.0, 10.0, 10.0, 0.8, km[0]),  # A to 2
        (1, 3, 11, 23, 100_000.0, 10.0, 10.0, 0.8, km[1]),  # A to 3
        (2, 1, 12, 21, prices[0], 100.0, 100.0, 0.8, km[0]),  # B from 2
        (3, 1, 13, 21, prices[1], 100.0, 100.0, 0.8, km[1]),  # B from 3
    ]
    value = [120_000.0, 120_000.0, 50_000.0, 50_000.0]
    frame = solver_frame(rows, product=["a", "a", "b", "b"], buyer_value=value)
    plans = clear_barters(None, frame)
    for plan in plans:
        assert all(abs(v) < 1.0 for v in plan.balance().values())  # value balance kept
    return [plan.participants for plan in plans]


def test_among_balanced_barters_the_cheaper_partner_is_chosen() -> None:
    assert _barter((44_000.0, 30_000.0), (40.0, 40.0)) == [(1, 3)]
    assert _barter((30_000.0, 44_000.0), (40.0, 40.0)) == [(1, 2)]


def test_among_balanced_barters_the_nearer_partner_is_chosen() -> None:
    assert _barter((30_000.0, 30_000.0), (150.0, 20.0)) == [(1, 3)]
    assert _barter((30_000.0, 30_000.0), (20.0, 150.0)) == [(1, 2)]


def test_no_trade_leg_under_the_trade_floor() -> None:
    # 5 kg at Rp 40.000 is Rp 200.000 a month: under the Rp 250.000 floor
    m = market([offer(11, 1, "ikan-asin", quantity=5.0)], [need(21, 2, "ikan-asin")])
    assert run_round(m).plans == []
    lower = EngineConfig(min_trade_value=150_000.0)
    [plan] = run_round(m, lower).plans
    assert plan.legs[0].value == pytest.approx(200_000.0)


def test_no_barter_leg_under_the_barter_floor() -> None:
    rows = [
        (1, 2, 11, 21, 50_000.0, 100.0, 8.0, 0.8, 10.0),  # 8 units: Rp 400.000 a month
        (2, 1, 12, 22, 40_000.0, 300.0, 200.0, 0.7, 10.0),
    ]
    frame = solver_frame(rows, product=["a", "b"])
    assert clear_barters(None, frame) == []
    [plan] = clear_barters(None, frame, EngineConfig(min_barter_value=300_000.0))
    assert plan.legs[0].value == pytest.approx(400_000.0)


@pytest.mark.parametrize("seed", [1, 2])
def test_no_proposal_of_a_round_is_under_the_floors(seed: int) -> None:
    from matcher.synthetic import synthetic_market

    cfg = EngineConfig()
    result = run_round(synthetic_market(150, seed=seed), cfg)
    assert any(p.kind == "trade" for p in result.plans)
    for plan in result.plans:
        floor = cfg.min_trade_value if plan.kind == "trade" else cfg.min_barter_value
        assert all(leg.value >= floor - 1e-6 for leg in plan.legs), plan


def test_floors_must_be_finite_and_not_negative() -> None:
    with pytest.raises(ValueError, match="min_trade_value"):
        EngineConfig(min_trade_value=-1.0)
    with pytest.raises(ValueError, match="min_barter_value"):
        dataclasses.replace(EngineConfig(), min_barter_value=float("inf"))
