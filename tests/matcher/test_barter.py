"""Barter clearing: balanced pairs and rings, listings never over-committed, exact beats greedy."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.barter import (
    barter_objective,
    clear_barters,
    greedy_barters,
    solve_barters,
)
from matcher.barter_arcs import _best_per_arc, _mutual_partners, barter_arcs
from matcher.candidates import find_candidates
from matcher.config import EngineConfig
from matcher.engine import committed_quantities
from tests.matcher.engine_markets import market, need, offer, solver_frame


def _cands(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """(supplier, buyer, offer_id, need_id, price, offer_qty, need_qty, score) per row."""
    products = [f"p{row[2]}" for row in rows]
    return solver_frame(
        rows, product=products, need_product=products, distance_km=50.0, s_distance=0.5
    )


def _usage_ok(plans: list[Any], cands: pd.DataFrame) -> bool:
    qty = {
        **dict(zip(cands["offer_id"], cands["offer_qty"], strict=True)),
        **dict(zip(cands["need_id"], cands["need_qty"], strict=True)),
    }
    return all(v <= qty[k] * (1 + 1e-9) + 1e-9 for k, v in committed_quantities(plans).items())


#: No value floor, for markets of a few rupiah.
NO_FLOOR = EngineConfig(min_barter_value=0.0)

PAIR = _cands([(1, 2, 11, 21, 50_000.0, 100.0, 20.0, 0.8), (2, 1, 12, 22, 40_000.0, 300, 200, 0.7)])


def test_no_candidates_no_barters() -> None:
    result = solve_barters(None, PAIR.iloc[:0])
    assert result.plans == []
    assert result.stats["cycles"] == 0


def test_one_way_trade_is_not_a_barter() -> None:
    assert clear_barters(None, PAIR.iloc[:1]) == []


def test_a_pair_exchanges_equal_value_limited_by_the_scarcer_side() -> None:
    [plan] = clear_barters(None, PAIR)
    assert plan.kind == "barter_pair"
    kopi, fish = plan.legs
    assert (kopi.giver_id, kopi.receiver_id, fish.giver_id, fish.receiver_id) == (1, 2, 2, 1)
    assert kopi.quantity == pytest.approx(20.0)  # buyer 2 needs only 20
    assert fish.quantity == pytest.approx(25.0)  # Rp 1.000.000 of fish at Rp 40.000
    assert all(abs(v) < 1.0 for v in plan.balance().values())
    assert kopi.components == {"distance": 0.5}


def test_a_ring_of_three_clears_when_no_pair_exists() -> None:
    ring = _cands(
        [
            (1, 2, 11, 21, 50_000.0, 100.0, 10.0, 0.8),
            (2, 3, 12, 22, 40_000.0, 100.0, 100.0, 0.7),
            (3, 1, 13, 23, 12_000.0, 1000.0, 1000.0, 0.9),
        ]
    )
    [plan] = clear_barters(None, ring)
    assert plan.kind == "barter_cycle"
    assert [leg.giver_id for leg in plan.legs] == [1, 2, 3]
    assert [leg.value for leg in plan.legs] == pytest.approx([500_000.0] * 3)
    pairs_only = dataclasses.replace(EngineConfig(), max_cycle_length=2)
    assert clear_barters(None, ring, pairs_only) == []


def test_a_ring_of_four_needs_max_cycle_length_four() -> None:
    ring = _cands([(i, i % 4 + 1, 10 + i, 20 + i, 1000.0, 10.0, 10.0, 0.9) for i in range(1, 5)])
    assert clear_barters(None, ring, NO_FLOOR) == []
    four = dataclasses.replace(NO_FLOOR, max_cycle_length=4)
    [plan] = clear_barters(None, ring, four)
    assert len(plan.legs) == 4


def test_a_shared_offer_is_split_between_barters_never_over_committed() -> None:
    # Pesantren 1 offers 30 kg to both 2 and 3; each wants 30 kg and can pay back in kind.
    cands = _cands(
        [
            (1, 2, 11, 21, 1000.0, 30.0, 30.0, 0.9),
            (1, 3, 11, 31, 1000.0, 30.0, 30.0, 0.9),
            (2, 1, 12, 22, 1000.0, 100.0, 100.0, 0.9),
            (3, 1, 13, 23, 1000.0, 100.0, 100.0, 0.9),
        ]
    )
    plans = clear_barters(None, cands, NO_FLOOR)
    assert plans
    assert sum(leg.quantity for p in plans for leg in p.legs if leg.offer_id == 11) <= 30 + 1e-6
    assert _usage_ok(plans, cands)


def test_the_length_discount_trades_a_longer_ring_against_a_surer_pair() -> None:
    # 1 and 2 can swap directly, or go round through 3 (which serves one more need).
    cands = _cands(
        [
            (1, 2, 11, 21, 100.0, 1.0, 1.0, 0.8),
            (2, 1, 12, 22, 100.0, 1.0, 1.0, 0.8),
            (2, 3, 12, 32, 100.0, 1.0, 1.0, 0.8),
            (3, 1, 13, 23, 100.0, 1.0, 1.0, 0.8),
        ]
    ).assign(distance_km=0.0)  # at 50 km carrying would cost more than the goods
    [ring] = solve_barters(None, cands, NO_FLOOR).plans  # 3 legs x 0.9 beat 2 legs x 1
    assert ring.kind == "barter_cycle"
    [pair] = solve_barters(None, cands, NO_FLOOR, length_discount=0.6).plans
    assert pair.kind == "barter_pair"


def test_minimum_barter_value_drops_small_barters() -> None:
    small = dataclasses.replace(EngineConfig(), min_barter_value=2_000_000.0)
    assert clear_barters(None, PAIR, small) == []
    result = solve_barters(None, PAIR, dataclasses.replace(small, min_barter_value=500_000.0))
    assert len(result.plans) == 1
    assert result.stats["binaries"] == 0  # the floor is no binary (see the module notes)
    assert result.stats["optimal"]
    assert all(leg.value >= 500_000.0 - 1e-6 for leg in result.plans[0].legs)


def test_min_lot_of_a_listing_is_respected() -> None:
    m = market(
        [
            offer(11, 1, "kopi-bubuk", quantity=50.0, price=100_000.0, min_lot=40.0),
            offer(12, 2, "ikan-asin", quantity=500.0, price=40_000.0),
        ],
        [need(21, 2, "kopi-bubuk", quantity=30.0), need(22, 1, "ikan-asin", quantity=500.0)],
    )
    cands = find_candidates(m)
    assert len(cands) == 2
    assert clear_barters(m, cands) == []  # 2 needs 30 kg, 1 sells at least 40
    m2 = m.with_frames(needs=m.needs.assign(quantity=[45.0, 500.0]))
    [plan] = clear_barters(m2, find_candidates(m2))
    assert plan.legs[0].quantity >= 40.0 - 1e-6


def test_barters_never_join_a_pesantren_to_itself() -> None:
    cands = pd.concat([PAIR, _cands([(1, 1, 11, 22, 50_000.0, 100.0, 20.0, 1.0)])])
    for plan in clear_barters(None, cands):
        assert all(leg.giver_id != leg.receiver_id for leg in plan.legs)


def test_the_best_candidate_realises_each_arc() -> None:
    two_offers = pd.concat([PAIR, _cands([(1, 2, 13, 21, 60_000.0, 100.0, 20.0, 0.3)])])
    arcs = barter_arcs(two_offers, partners=0)
    assert len(arcs) == 2
    assert set(arcs["offer_id"]) == {11, 12}


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="missing columns.*score"):
        clear_barters(None, PAIR.drop(columns="score"))


def test_bad_length_discount_is_refused() -> None:
    with pytest.raises(ValueError, match="length_discount"):
        solve_barters(None, PAIR, length_discount=0.0)


@pytest.mark.parametrize("seed", range(4))
def test_exact_clearing_is_never_worse_than_greedy_on_a_generated_market(seed: int) -> None:
    from matcher.synthetic import synthetic_market

    m = synthetic_market(120, seed=seed)
    cands = find_candidates(m)
    for length in (2, 3, 4):
        cfg = dataclasses.replace(EngineConfig(), max_cycle_length=length)
        exact = solve_barters(m, cands, cfg)
        greedy = greedy_barters(m, cands, cfg)
        assert exact.stats["optimal"]
        assert barter_objective(exact.plans) >= barter_objective(greedy) - 1e-6
        assert exact.stats["objective"] == pytest.approx(barter_objective(exact.plans))
        assert _usage_ok(exact.plans, cands)
        assert _usage_ok(greedy, cands)


def test_the_same_candidates_give_the_same_barters() -> None:
    from matcher.synthetic import synthetic_market

    m = synthetic_market(80, seed=5)
    cands = find_candidates(m)
    assert clear_barters(m, cands) == clear_barters(m, cands.sample(frac=1.0, random_state=1))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 300),
    arcs=st.integers(1, 40),
    levels=st.integers(1, 6),
    seed=st.integers(0, 2**16),
)
def test_each_arc_keeps_the_same_candidate_as_a_full_three_key_sort(
    n: int, arcs: int, levels: int, seed: int
) -> None:
    # the best key per (supplier, buyer), ties (few key levels) to the smallest listing pair

    rng = np.random.default_rng(seed)
    arc = rng.integers(0, arcs, n).astype(np.int64) * np.int64(2**31) + 7
    key = rng.integers(0, levels, n).astype(float) / levels
    tie = rng.permutation(n).astype(np.int64) * 3 + 1
    order = np.lexsort((tie, -key, arc))
    first = np.ones(n, dtype=bool)
    first[1:] = arc[order][1:] != arc[order][:-1]
    assert _best_per_arc(arc, key, tie).tolist() == order[first].tolist()


def _mutual_partners_by_lexsort(sup: Any, buy: Any, key: Any, k: int) -> Any:
    """The partner pruning as first written (three lexsorts), to compare the fast one with."""
    lo, hi = np.minimum(sup, buy), np.maximum(sup, buy)
    base = np.int64(int(hi.max(initial=0)) + 1)
    pairs, pair_of_arc = np.unique(lo * base + hi, return_inverse=True)
    both_ways = np.bincount(pair_of_arc, minlength=len(pairs))
    by_pair = np.lexsort((-key, pair_of_arc))
    first = np.ones(len(by_pair), dtype=bool)
    first[1:] = pair_of_arc[by_pair][1:] != pair_of_arc[by_pair][:-1]
    best = key[by_pair[first]]
    end = np.concatenate([pairs // base, pairs % base])
    other = np.concatenate([pairs % base, pairs // base])
    order = np.lexsort((other, -np.tile(best, 2), end * 3 + (2 - np.tile(both_ways, 2))))
    end_sorted = end[order]
    starts = np.flatnonzero(np.r_[True, end_sorted[1:] != end_sorted[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    kept = np.zeros(len(order), dtype=bool)
    kept[order[rank < k]] = True
    return np.flatnonzero((kept[: len(pairs)] & kept[len(pairs) :])[pair_of_arc])


@settings(max_examples=60, deadline=None)
@given(
    nodes=st.integers(2, 40),
    levels=st.integers(1, 5),
    k=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    offset=st.sampled_from([100, 2**25]),  # small ids are used as they are, large ones ranked
)
def test_partner_pruning_keeps_the_same_arcs_as_the_lexsort_version(
    nodes: int, levels: int, k: int, seed: int, offset: int
) -> None:

    rng = np.random.default_rng(seed)
    arcs = np.unique(rng.integers(0, nodes, (nodes * 4, 2)), axis=0)
    arcs = arcs[arcs[:, 0] != arcs[:, 1]]
    if not len(arcs):
        return
    sup, buy = arcs[:, 0].astype(np.int64) + offset, arcs[:, 1].astype(np.int64) + offset
    key = rng.integers(0, levels, len(sup)) / levels  # ties between partners
    expected = _mutual_partners_by_lexsort(sup, buy, key, k)
    assert _mutual_partners(sup, buy, key, k).tolist() == expected.tolist()
