"""Trade allocation: limited supply shared network-wide, never promised twice, exact."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from scipy.optimize import linprog

from matcher.allocation import (
    allocate,
    allocation_value,
    solve_allocation,
    unpruned_allocation_value,
)
from matcher.candidates import find_candidates
from matcher.config import EngineConfig
from matcher.engine import committed_quantities
from tests.matcher.engine_markets import market, need, offer, solver_frame


def _cands(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """(supplier, buyer, offer_id, need_id, price, offer_qty, need_qty, score, km) per row."""
    return solver_frame(rows, product="beras", need_product="beras")


#: No value floor: the LP checks below compare with the plain transportation problem.
NO_FLOOR = EngineConfig(min_trade_value=0.0)


def _surplus(c: pd.DataFrame, cost: float) -> pd.Series:
    """Fit-weighted buyer's gain per unit, written out here (an independent check)."""
    return c["score"] * (c["buyer_value"] - c["price"] - cost * c["distance_km"])


def _lp_optimum(cands: pd.DataFrame, cost: float = 2.0) -> float:
    """The same transportation problem as a plain LP (independent check)."""
    profit = _surplus(cands, cost)
    c = cands[(profit > 0) & (cands["supplier_id"] != cands["buyer_id"])]
    p = _surplus(c, cost).to_numpy()
    rows, rhs = [], []
    for col, qty in (("offer_id", "offer_qty"), ("need_id", "need_qty")):
        for lid, grp in c.groupby(col):
            rows.append((c[col] == lid).to_numpy(float))
            rhs.append(float(grp[qty].iloc[0]))
    if not len(c):
        return 0.0
    res = linprog(-p, A_ub=rows, b_ub=rhs, bounds=(0, None), method="highs")
    return float(-res.fun)


COMPETING = _cands(
    [
        # one offer of 500 kg, two buyers of 300 and 400 kg: never both promised in full
        (1, 2, 11, 21, 12_000.0, 500.0, 300.0, 0.8, 10.0),
        (1, 3, 11, 22, 12_000.0, 500.0, 400.0, 0.8, 200.0),
    ]
)


def test_no_candidates_no_trades() -> None:
    result = solve_allocation(None, COMPETING.iloc[:0])
    assert result.plans == []
    assert result.stats["value"] == 0.0


def test_two_buyers_are_never_promised_the_same_supply() -> None:
    plans = allocate(None, COMPETING)
    assert sum(p.legs[0].quantity for p in plans) == pytest.approx(500.0)
    assert {p.legs[0].need_id: p.legs[0].quantity for p in plans} == {21: 300.0, 22: 200.0}
    assert all(p.kind == "trade" and len(p.legs) == 1 for p in plans)


def test_used_quantities_from_barters_are_taken_out_first() -> None:
    plans = allocate(None, COMPETING, used={11: 450.0})
    assert sum(p.legs[0].quantity for p in plans) == pytest.approx(50.0)
    assert allocate(None, COMPETING, used={11: 500.0}) == []


def test_a_trade_that_costs_more_to_carry_than_it_is_worth_is_not_proposed() -> None:
    far = _cands([(1, 2, 11, 21, 1000.0, 10.0, 10.0, 0.5, 400.0)])  # 500 < 2 x 400
    assert allocate(None, far) == []


def test_no_trade_inside_one_pesantren() -> None:
    own = _cands([(1, 1, 11, 21, 12_000.0, 10.0, 10.0, 1.0, 0.0)])
    assert allocate(None, own) == []


def test_a_need_served_by_substitutes_is_never_over_served() -> None:
    m = market(
        [offer(11, 1, "ikan-asin", quantity=300.0), offer(12, 3, "teri-asin", quantity=300.0)],
        [need(21, 2, "ikan-asin", quantity=400.0)],
    )
    cands = find_candidates(m)
    assert set(cands["offer_id"]) == {11, 12}
    plans = allocate(m, cands)
    assert sum(p.legs[0].quantity for p in plans) == pytest.approx(400.0)


def test_a_need_offered_unrelated_products_is_still_one_node_of_one_flow() -> None:
    # families are solved one by one; arcs that are not the catalogue's substitutes (a
    # hand-made frame) must not split a need between two flows and serve it twice
    m = market(
        [offer(11, 1, "kentang", quantity=300.0), offer(12, 3, "kopi-bubuk", quantity=300.0)],
        [need(21, 2, "kentang", quantity=400.0)],
    )
    cands = _cands(
        [
            (1, 2, 11, 21, 12_000.0, 300.0, 400.0, 0.8, 10.0),
            (3, 2, 12, 21, 90_000.0, 300.0, 400.0, 0.8, 10.0),
        ]
    ).assign(product=["kentang", "kopi-bubuk"])
    result = solve_allocation(m, cands, NO_FLOOR)
    assert sum(p.legs[0].quantity for p in result.plans) == pytest.approx(400.0)
    assert result.stats["groups"] == 1
    assert result.stats["value"] == pytest.approx(_lp_optimum(cands))


def test_product_families_are_solved_one_by_one() -> None:
    m = market(
        [
            offer(11, 1, "kentang", quantity=300.0, price=10_000.0),
            offer(12, 3, "kopi-bubuk", quantity=300.0),
        ],
        [need(21, 2, "kentang", quantity=400.0), need(22, 4, "kopi-bubuk", quantity=50.0)],
    )
    cands = find_candidates(m)
    result = solve_allocation(m, cands, NO_FLOOR)
    assert result.stats["groups"] == 2
    assert result.stats["value"] == pytest.approx(_lp_optimum(cands))


def test_allocation_is_the_lp_optimum_on_random_frames() -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(1, 25))
        offers = rng.integers(0, 6, n)
        needs = rng.integers(0, 6, n)
        frame = _cands(
            [
                (
                    int(o),
                    int(d) + 10,
                    100 + int(o),
                    200 + int(d),
                    float(rng.integers(1, 50) * 1000),
                    float(rng.integers(1, 50) * 10),
                    float(rng.integers(1, 50) * 10),
                    float(rng.uniform(0.2, 1)),
                    float(rng.uniform(0, 300)),
                )
                for o, d in zip(offers, needs, strict=True)
            ]
        ).drop_duplicates(["offer_id", "need_id"])
        # listing quantities are per listing, not per row
        frame["offer_qty"] = frame.groupby("offer_id")["offer_qty"].transform("first")
        frame["need_qty"] = frame.groupby("need_id")["need_qty"].transform("first")
        result = solve_allocation(None, frame, NO_FLOOR)
        assert result.stats["value"] == pytest.approx(_lp_optimum(frame), rel=1e-4, abs=1.0)
        used = committed_quantities(result.plans)
        qty = {
            **dict(zip(frame["offer_id"], frame["offer_qty"], strict=True)),
            **dict(zip(frame["need_id"], frame["need_qty"], strict=True)),
        }
        assert all(v <= qty[k] + 1e-6 for k, v in used.items())


def test_allocation_value_is_the_fit_weighted_surplus_after_transport() -> None:
    plans = allocate(None, COMPETING)  # buyers value beras at 15.000 (solver_frame's margin)
    expected = 0.8 * (15_000 - 12_000 - 2 * 10) * 300 + 0.8 * (15_000 - 12_000 - 2 * 200) * 200
    assert allocation_value(plans) == pytest.approx(expected)
    cheap = EngineConfig(transport_cost_per_kg_km=0.0)
    assert allocation_value(plans, cheap) == pytest.approx(0.8 * 3_000 * 500)


def test_flows_below_a_min_lot_are_dropped() -> None:
    m = market(
        [offer(11, 1, "kentang", quantity=100.0, price=9000.0, min_lot=80.0)],
        [need(21, 2, "kentang", quantity=50.0)],
    )
    result = solve_allocation(m, find_candidates(m))
    assert result.plans == []
    assert result.stats["arcs"] == 0  # 50 kg can never make an 80 kg lot: never enters


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="missing columns.*price"):
        allocate(None, COMPETING.drop(columns="price"))
    with pytest.raises(ValueError, match="negative"):
        allocate(None, COMPETING, used={11: -1.0})


def test_the_same_candidates_give_the_same_trades_in_any_row_order() -> None:
    from matcher.synthetic import synthetic_market

    m = synthetic_market(80, seed=2)
    cands = find_candidates(m)
    assert allocate(m, cands) == allocate(m, cands.sample(frac=1.0, random_state=4))


def test_top_k_candidates_never_beat_the_unpruned_optimum() -> None:
    from matcher.synthetic import synthetic_market

    m = synthetic_market(60, seed=4)
    pruned = solve_allocation(m, find_candidates(m)).stats["value"]
    full = unpruned_allocation_value(m)
    assert full["arcs"] >= len(find_candidates(m))
    assert 0 < pruned <= full["value"] + 1e-6


def test_the_allocation_of_a_round_captures_nearly_the_unpruned_optimum() -> None:
    from matcher.allocation import solve_allocation, unpruned_allocation_value
    from matcher.candidates import candidate_frames, find_candidates
    from matcher.synthetic import synthetic_market

    m = synthetic_market(300, seed=5)
    best = unpruned_allocation_value(m)["value"]
    top_k_only = solve_allocation(m, find_candidates(m, EngineConfig(top_k_per_need=3)))
    _, arcs = candidate_frames(m, EngineConfig(top_k_per_need=3))
    wide = solve_allocation(m, arcs)
    assert wide.stats["value"] >= 0.995 * best
    assert wide.stats["value"] >= top_k_only.stats["value"]


def test_the_allocation_never_uses_an_excluded_arc() -> None:
    cands = pd.DataFrame(
        {
            "need_id": [21, 21],
            "offer_id": [11, 12],
            "buyer_id": [3, 3],
            "supplier_id": [1, 2],
            "product": ["telur", "telur"],
            "distance_km": [5.0, 90.0],
            "price": [28_000.0, 27_000.0],
            "buyer_value": [30_000.0, 30_000.0],
            "offer_qty": [500.0, 500.0],
            "need_qty": [120.0, 120.0],
            "score": [0.9, 0.7],
        }
    )
    plans = allocate(None, cands, exclude_pairs={(11, 21)})
    assert [(p.legs[0].offer_id, p.legs[0].quantity) for p in plans] == [(12, 120.0)]


def test_each_trade_leg_carries_its_candidates_score_components_as_floats() -> None:
    # what the proposal page shows as "why": one value per weight, read from the arc
    from matcher.synthetic import synthetic_market

    m = synthetic_market(60, seed=1)
    cands = find_candidates(m)
    plans = allocate(m, cands, EngineConfig())
    assert plans
    by_pair = cands.set_index(["offer_id", "need_id"])
    names = [c for c in cands.columns if c.startswith("s_")]
    for plan in plans:
        leg = plan.legs[0]
        row = by_pair.loc[(leg.offer_id, leg.need_id)]
        assert list(leg.components) == [n[2:] for n in names]
        assert all(type(v) is float for v in leg.components.values())
        assert leg.components == {n[2:]: float(row[n]) for n in names}
