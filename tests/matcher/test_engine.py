"""A whole round: stages wired together, listings never over-committed, same market → same round."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from matcher.candidates import find_candidates
from matcher.config import EngineConfig
from matcher.engine import STAGES, committed_quantities, run_round
from matcher.synthetic import synthetic_market


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return run_round(synthetic_market(250, seed=21))


def test_a_round_times_every_stage_and_counts_what_it_made(result) -> None:  # type: ignore[no-untyped-def]
    assert set(result.timings) == {*STAGES, "total"}
    assert result.stats["candidates"] == len(result.candidates) > 0
    assert result.graph.number_of_edges() > 0
    kinds = [p.kind for p in result.plans]
    assert result.stats["trades"] == kinds.count("trade")
    assert result.stats["barter_pairs"] == kinds.count("barter_pair")


def test_every_plan_explains_itself_in_both_languages(result) -> None:  # type: ignore[no-untyped-def]
    for plan in result.plans:
        assert set(plan.reasons) >= {"id", "en"}
        assert all(plan.reasons[lang] for lang in ("id", "en"))


def test_barters_and_trades_together_never_over_commit_a_listing(result) -> None:  # type: ignore[no-untyped-def]
    m = synthetic_market(250, seed=21)
    used = committed_quantities(result.plans)
    quantity = pd.concat([m.offers, m.needs]).set_index("listing_id")["quantity"]
    for listing, q in used.items():
        assert q <= quantity[listing] * (1 + 1e-6) + 1e-6
    for plan in result.plans:
        for leg in plan.legs:
            assert leg.giver_id != leg.receiver_id


def test_the_same_market_gives_the_same_round() -> None:
    m = synthetic_market(200, seed=22)
    a, b = run_round(m), run_round(synthetic_market(200, seed=22))
    assert a.plans == b.plans
    pd.testing.assert_frame_equal(a.candidates, b.candidates)
    pd.testing.assert_frame_equal(a.gaps.unmet, b.gaps.unmet)
    pd.testing.assert_frame_equal(a.gaps.producers, b.gaps.producers)
    assert sorted(a.graph.edges(data="weight")) == sorted(b.graph.edges(data="weight"))


def test_the_graph_of_a_round_is_pruned_to_the_configured_partners() -> None:
    r = run_round(synthetic_market(200, seed=23), EngineConfig(graph_partners=2))
    assert max(d for _, d in r.graph.in_degree()) <= 2


def test_unserved_demand_shows_up_as_gaps(result) -> None:  # type: ignore[no-untyped-def]
    served = {leg.need_id for plan in result.plans for leg in plan.legs}
    m = synthetic_market(250, seed=21).without_resting(EngineConfig().stale_days)
    unserved = set(m.needs["listing_id"]) - served
    assert unserved <= set(result.gaps.unmet_needs["need_id"])


def test_resting_listings_are_not_matched_nor_gaps_and_are_counted() -> None:
    m = synthetic_market(250, seed=21)
    cfg = EngineConfig()
    age = pd.Timestamp(m.as_of) - m.offers["last_confirmed"]
    resting_offers = set(m.offers.loc[age > pd.Timedelta(days=cfg.stale_days), "listing_id"])
    age = pd.Timestamp(m.as_of) - m.needs["last_confirmed"]
    resting_needs = set(m.needs.loc[age > pd.Timedelta(days=cfg.stale_days), "listing_id"])
    assert resting_offers  # the synthetic market has some of each
    assert resting_needs
    result = run_round(m, cfg)
    assert result.stats["resting_offers"] == len(resting_offers)
    assert result.stats["resting_needs"] == len(resting_needs)
    legs = [leg for plan in result.plans for leg in plan.legs]
    assert not {leg.offer_id for leg in legs} & resting_offers
    assert not {leg.need_id for leg in legs} & resting_needs
    assert not set(result.candidates["offer_id"]) & resting_offers
    assert not set(result.gaps.unmet_needs["need_id"]) & resting_needs
    assert not set(find_candidates(m, cfg)["need_id"]) & resting_needs
    # confirmed again (today): they take part
    fresh = m.with_frames(
        offers=m.offers.assign(last_confirmed=pd.Timestamp(m.as_of)),
        needs=m.needs.assign(last_confirmed=pd.Timestamp(m.as_of)),
    )
    again = run_round(fresh, cfg)
    assert again.stats["resting_offers"] == again.stats["resting_needs"] == 0
    assert set(again.candidates["offer_id"]) & resting_offers


def test_a_declined_pair_is_not_proposed_again_in_a_barter_or_a_trade(result) -> None:  # type: ignore[no-untyped-def]
    m = synthetic_market(250, seed=21)
    barter = next(p for p in result.plans if p.kind != "trade")
    trade = next(p for p in result.plans if p.kind == "trade")
    declined = frozenset(
        (leg.offer_id, leg.need_id) for plan in (barter, trade) for leg in plan.legs
    )
    again = run_round(m, exclude_pairs=declined)
    proposed = {(leg.offer_id, leg.need_id) for p in again.plans for leg in p.legs}
    assert proposed
    assert not proposed & declined
    candidates = set(zip(again.candidates["offer_id"], again.candidates["need_id"], strict=True))
    assert not candidates & declined
    # the rest of the market still trades
    assert again.stats["trades"] > 0
    assert again.stats["barter_pairs"] > 0


def test_declined_pairs_unknown_to_the_market_change_nothing(result) -> None:  # type: ignore[no-untyped-def]
    again = run_round(synthetic_market(250, seed=21), exclude_pairs={(10**9, 10**9 + 1)})
    assert again.plans == result.plans


def test_every_leg_carries_the_components_its_score_was_made_of(result) -> None:  # type: ignore[no-untyped-def]
    # the round scores candidates without their component columns and computes them for
    # the proposed legs only: they must be the very components find_candidates reports
    from matcher.candidates import candidate_frames
    from matcher.scoring import combine

    config = EngineConfig()
    cands, arcs = candidate_frames(synthetic_market(250, seed=21), config)
    scored = pd.concat([cands, arcs]).drop_duplicates(["need_id", "offer_id"])
    scored = scored.set_index(["need_id", "offer_id"])
    legs = [leg for plan in result.plans for leg in plan.legs]
    assert legs
    for leg in legs:
        assert set(leg.components) == set(config.weights)
        assert combine(leg.components, config.weights) == pytest.approx(leg.score, abs=1e-9)
        row = scored.loc[(leg.need_id, leg.offer_id)]
        for name, value in leg.components.items():
            assert value == pytest.approx(float(row[f"s_{name}"]), abs=1e-6)


def test_a_round_builds_the_graph_and_the_sentences_only_when_a_caller_asks() -> None:
    r = run_round(synthetic_market(120, seed=24))
    assert "graph" not in vars(r)
    assert "plans" not in vars(r)
    assert r.bare_plans
    assert not any(p.reasons for p in r.bare_plans)
    explained = r.plans  # the facilitator's pages and the emails read these
    assert [dataclasses.replace(p, reasons={}) for p in explained] == r.bare_plans
    assert all(p.reasons["id"] and p.reasons["en"] for p in explained)
    assert r.plans is explained  # built once
    assert r.graph is r.graph
    assert r.graph.number_of_nodes() == len(synthetic_market(120, seed=24).pesantren)
