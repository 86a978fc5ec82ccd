"""Candidates: every hard rule removes a pair, substitutes count, scores stay in [0, 1]."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.candidates import CANDIDATE_COLUMNS, find_candidates
from matcher.config import EngineConfig
from matcher.synthetic import synthetic_market
from tests.matcher.engine_markets import AS_OF, cert, market, need, offer


def pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(frame["need_id"], frame["offer_id"], strict=True))


def test_dried_fish_crosses_the_province_but_fresh_fish_stays_within_its_distance() -> None:
    m = market(
        offers=[
            offer(1, 4, "ikan-asin"),  # Banyuwangi → Batu: 209 km, dried: fine
            offer(2, 4, "ikan-tongkol-segar", price=30000.0),  # 209 km, chilled: too far
            offer(3, 5, "ikan-tongkol-segar", price=30000.0),  # Malang → Batu: 17 km
        ],
        needs=[need(10, 1, "ikan-asin"), need(11, 1, "ikan-tongkol-segar")],
    )
    c = find_candidates(m)
    assert pairs(c) == {(10, 1), (11, 3)}
    assert c.set_index("offer_id").loc[1, "distance_km"] == pytest.approx(208.7, abs=0.5)


def test_a_required_certificate_that_is_missing_or_expired_excludes_the_supplier() -> None:
    m = market(
        offers=[
            offer(1, 2, "ikan-asin"),  # valid halal
            offer(2, 3, "ikan-asin"),  # halal expired the day before the market date
            offer(3, 4, "ikan-asin"),  # halal only for another product
            offer(4, 5, "ikan-asin"),  # no certificate at all
            offer(5, 4, "kentang"),
        ],
        needs=[need(10, 1, "ikan-asin", required_certs="halal")],
        certificates=[
            cert(2, "ikan-asin", expires="2027-06-01"),
            cert(3, "ikan-asin", expires=pd.Timestamp(AS_OF) - pd.Timedelta(days=1)),
            cert(4, "kentang"),
        ],
    )
    c = find_candidates(m)
    assert pairs(c) == {(10, 1)}
    assert c["cert_mask"].iloc[0] & 1


def test_a_certificate_expiring_on_the_market_date_still_counts() -> None:
    m = market(
        offers=[offer(1, 2, "ikan-asin")],
        needs=[need(10, 1, "ikan-asin", required_certs="halal")],
        certificates=[cert(2, "ikan-asin", expires=pd.Timestamp(AS_OF))],
    )
    assert pairs(find_candidates(m)) == {(10, 1)}


def test_a_price_over_the_ceiling_counts_only_within_the_tolerance() -> None:
    m = market(
        offers=[
            offer(1, 2, "ikan-asin", price=50000.0),  # at the ceiling
            offer(2, 3, "ikan-asin", price=54000.0),  # 8 % over: within 10 %
            offer(3, 4, "ikan-asin", price=56000.0),  # 12 % over: out
        ],
        needs=[need(10, 1, "ikan-asin", max_price=50000.0)],
    )
    c = find_candidates(m, EngineConfig(price_tolerance=0.10)).set_index("offer_id")
    assert set(c.index) == {1, 2}
    assert c.loc[2, "s_price"] < c.loc[1, "s_price"]
    strict = find_candidates(m, EngineConfig(price_tolerance=0.0))
    assert set(strict["offer_id"]) == {1}


def test_availability_windows_must_overlap_and_open_ends_always_do() -> None:
    m = market(
        offers=[
            offer(1, 2, "ikan-asin", available_until=pd.Timestamp("2026-10-31")),
            offer(2, 3, "ikan-asin", available_from=pd.Timestamp("2026-12-01")),
            offer(3, 4, "ikan-asin"),
        ],
        needs=[
            need(10, 1, "ikan-asin", available_from=pd.Timestamp("2026-11-15")),
            need(11, 5, "ikan-asin", available_until=pd.Timestamp("2026-11-30")),
        ],
    )
    assert pairs(find_candidates(m)) == {(10, 2), (10, 3), (11, 1), (11, 3)}


def test_a_pesantren_never_supplies_itself() -> None:
    m = market(
        offers=[offer(1, 1, "ikan-asin"), offer(2, 2, "ikan-asin")],
        needs=[need(10, 1, "ikan-asin")],
    )
    c = find_candidates(m)
    assert pairs(c) == {(10, 2)}
    big = find_candidates(synthetic_market(300, seed=11))
    assert (big["buyer_id"] != big["supplier_id"]).all()


def test_a_declared_substitute_is_a_candidate_with_a_lower_product_fit() -> None:
    m = market(
        offers=[offer(1, 2, "teri-asin", price=60000.0), offer(2, 3, "ikan-asin")],
        needs=[need(10, 1, "ikan-asin"), need(11, 5, "teri-asin")],
    )
    cfg = EngineConfig(substitute_fit=0.7)
    c = find_candidates(m, cfg).set_index(["need_id", "offer_id"])
    assert set(c.index) == {(10, 1), (10, 2), (11, 1), (11, 2)}  # read in both directions
    assert c.loc[(10, 1), "product"] == "teri-asin"
    assert c.loc[(10, 1), "need_product"] == "ikan-asin"
    assert bool(c.loc[(10, 1), "substitute"])
    assert c.loc[(10, 1), "s_product"] == pytest.approx(0.7)
    assert c.loc[(10, 2), "s_product"] == 1.0


def test_highland_and_coastal_partners_score_highest_on_region() -> None:
    m = market(
        offers=[offer(1, 2, "kentang", price=9000.0), offer(2, 5, "kentang", price=9000.0)],
        needs=[need(10, 1, "kentang"), need(11, 4, "kentang")],
    )
    c = find_candidates(m).set_index(["need_id", "offer_id"])
    # Batu (highland) buying from Paciran (coastal) vs from Malang (urban)
    assert c.loc[(10, 1), "s_region"] == 1.0
    assert c.loc[(10, 1), "s_region"] > c.loc[(10, 2), "s_region"]


def test_every_weight_has_a_component_column_and_scores_are_their_weighted_sum() -> None:
    cfg = EngineConfig()
    c = find_candidates(synthetic_market(250, seed=3), cfg)
    assert list(c.columns[: len(CANDIDATE_COLUMNS)]) == list(CANDIDATE_COLUMNS)
    comps = [f"s_{w}" for w in cfg.weights]
    assert set(comps) <= set(c.columns)
    assert c[[*comps, "score"]].apply(lambda s: s.between(0, 1).all()).all()
    weighted = sum(c[f"s_{w}"] * v for w, v in cfg.weights.items())
    np.testing.assert_allclose(c["score"], weighted, atol=1e-6)  # components are float32


def test_top_k_keeps_the_best_offers_of_each_need_in_a_stable_order() -> None:
    m = synthetic_market(250, seed=4)
    everything = find_candidates(m, EngineConfig(top_k_per_need=10_000, candidate_pool=0))
    top = find_candidates(m, EngineConfig(top_k_per_need=3, candidate_pool=0))
    assert top.groupby("need_id").size().max() <= 3
    expected = everything.groupby("need_id", sort=False).head(3)
    assert pairs(top) == pairs(expected)
    ordered = top.sort_values(["need_id", "score", "offer_id"], ascending=[True, False, True])
    assert top.reset_index(drop=True).equals(ordered.reset_index(drop=True))


def test_pooled_candidates_keep_nearly_all_of_the_exact_best_scores() -> None:
    m = synthetic_market(1500, seed=5)
    exact = find_candidates(m, EngineConfig(candidate_pool=0))
    pooled = find_candidates(m, EngineConfig(candidate_pool=100))
    best_exact = exact.groupby("need_id")["score"].max()
    best_pooled = pooled.groupby("need_id")["score"].max().reindex(best_exact.index)
    assert (best_pooled >= best_exact - 1e-12).mean() > 0.95


def test_the_same_market_gives_identical_candidates_and_the_caller_frames_are_untouched() -> None:
    m = synthetic_market(200, seed=6)
    before = m.offers.copy()
    first, second = find_candidates(m), find_candidates(m)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(m.offers, before)


def test_a_market_without_matching_products_gives_an_empty_frame_with_the_columns() -> None:
    m = market(offers=[offer(1, 2, "kentang")], needs=[need(10, 1, "kopi-bubuk")])
    c = find_candidates(m)
    assert c.empty
    assert {"score", "s_distance"} <= set(c.columns)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(5, 60))
def test_every_candidate_of_a_random_market_obeys_every_hard_rule(seed: int, n: int) -> None:
    m = synthetic_market(n, seed=seed)
    cfg = EngineConfig()
    c = find_candidates(m, cfg)
    if c.empty:
        return
    assert (c["buyer_id"] != c["supplier_id"]).all()
    cap = c["max_price"] * (1 + cfg.price_tolerance)
    assert (c["max_price"].isna() | (c["price"] <= cap + 1e-9)).all()
    assert (c["distance_km"] <= c["max_distance_km"] + 1e-9).all()
    needs = m.needs.set_index("listing_id")
    certs = m.certificates
    valid = certs[certs["expires"].isna() | (certs["expires"] >= pd.Timestamp(m.as_of))]
    held = set(zip(valid["pesantren_id"], valid["product"], valid["kind"], strict=True))
    for row in c.itertuples():
        for kind in filter(None, str(needs.at[row.need_id, "required_certs"]).split(";")):
            assert (row.supplier_id, row.product, kind) in held
    assert c["score"].between(0, 1).all()


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(1, 200),
    cols=st.integers(1, 200),
    k=st.sampled_from([1, 2, 5, 25, 30]),
    axis=st.sampled_from([0, 1]),
    decimals=st.integers(1, 3),
    invalid=st.floats(0.0, 1.0),
    shift=st.floats(0.0, 3.0),
    seed=st.integers(0, 2**16),
)
def test_the_fast_top_k_mask_keeps_exactly_what_a_full_partition_keeps(
    rows: int, cols: int, k: int, axis: int, decimals: int, invalid: float, shift: float, seed: int
) -> None:
    # ties (rounded values), the -1 filler of invalid pairs and negative profits included
    from matcher.ranking import top_mask as _top_mask

    rng = np.random.default_rng(seed)
    values = np.round(rng.random((rows, cols)), decimals).astype(np.float32) - np.float32(shift)
    values[rng.random((rows, cols)) < invalid] = -1.0
    size = values.shape[axis]
    if size <= k:
        expected = np.ones(values.shape, dtype=bool)
    else:
        kth = np.take(np.partition(values, size - k, axis=axis), [size - k], axis=axis)
        expected = values >= kth - 1e-9
    assert np.array_equal(_top_mask(values, k, axis), expected)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 400),
    groups=st.integers(1, 30),
    levels=st.integers(1, 8),
    nan=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_grouped_order_sorts_exactly_as_the_three_key_lexsort(
    n: int, groups: int, levels: int, nan: bool, seed: int
) -> None:
    from matcher.ranking import grouped_order

    rng = np.random.default_rng(seed)
    group = rng.integers(-3, groups, n).astype(np.int64)
    value = rng.integers(-levels, levels, n) / levels  # ties, negatives and -0.0 vs 0.0
    if nan and n:
        value[rng.integers(0, n)] = np.nan
    tie = rng.permutation(n).astype(np.int64)
    expected = np.lexsort((tie, -value, group))
    assert grouped_order(group, value, tie).tolist() == expected.tolist()


def test_pending_arcs_are_the_arcs_of_candidate_frames_and_assemble_once() -> None:
    from matcher.candidates import candidate_frames, candidate_stage
    from matcher.synthetic import synthetic_market

    m = synthetic_market(80, seed=3)
    cands, arcs = candidate_frames(m)
    staged, pending = candidate_stage(m)
    pd.testing.assert_frame_equal(staged, cands)
    pd.testing.assert_frame_equal(pending.frame(), arcs)
    with pytest.raises(RuntimeError, match="assembled already"):
        pending.frame()


def test_the_candidate_threads_do_not_change_the_result() -> None:
    from matcher.candidates import candidate_frames

    m = synthetic_market(150, seed=5)
    one = candidate_frames(m, EngineConfig(threads=1))
    three = candidate_frames(m, EngineConfig(threads=3))
    for a, b in zip(one, three, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_a_negative_thread_count_is_refused() -> None:
    with pytest.raises(ValueError, match="threads"):
        EngineConfig(threads=-1)
