"""Match rounds: storing the engine's plans, failures, background runs, publishing, comparing,
and ``opop-match match`` on the seed data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from flask import Flask

from matcher.config import EngineConfig
from matcher.results import Plan
from tests.factories import make_listing, make_pesantren, make_user
from tests.webapp.round_helpers import FakeEngine, leg, make_pair, two_plans
from webapp import proposals, rounds, worker
from webapp.models import Listing, MatchRound, Proposal, ProposalEvent, db
from webapp.models.base import utcnow
from webapp.rounds import RoundError, compare_rounds, publish_round, run_match_round


def test_a_round_stores_draft_proposals_with_legs_parties_events_and_a_summary(app: Flask) -> None:
    plans, w = two_plans()
    facilitator = make_user("facilitator")
    seen: list[str] = []
    round_ = run_match_round(facilitator, progress=seen.append, engine=FakeEngine(plans))
    assert round_.status == "draft"
    assert round_.created_by_id == facilitator.id
    kinds = sorted(p.kind for p in round_.proposals)
    assert kinds == ["barter_pair", "trade"]
    barter = next(p for p in round_.proposals if p.kind == "barter_pair")
    assert barter.state == "draft"
    assert float(barter.value_idr) == 2_000_000.0
    assert barter.reasons == {"id": ["barter seimbang"], "en": ["balanced barter"]}
    assert sorted(pt.pesantren_id for pt in barter.parties) == sorted(
        [w.pair.coast.id, w.pair.hills.id]
    )
    assert {pt.response for pt in barter.parties} == {"pending"}
    first = barter.legs[0]
    assert (first.giver_id, first.receiver_id) == (w.pair.coast.id, w.pair.hills.id)
    assert (float(first.quantity), float(first.unit_price), float(first.value_idr)) == (
        20.0,
        50000.0,
        1_000_000.0,
    )
    assert first.reasons["en"] == "highland ↔ coastal"
    assert first.reasons["components"]["region"] == 1.0
    assert first.distance_km == 42.0
    assert [(e.action, e.to_state, e.user_id) for e in barter.events] == [
        ("create", "draft", facilitator.id)
    ]
    summary = round_.summary
    assert summary["counts"] == {"trade": 1, "barter_pair": 1, "barter_cycle": 0}
    assert summary["value_idr"] == 2_000_000.0 + 800_000.0
    assert summary["market"]["offers"] == 2
    assert summary["gaps"]["unmet"] == 1
    assert {"snapshot", "engine", "store", "total", "engine.barter"} <= set(summary["timings"])
    assert round_.params["max_cycle_length"] == 3
    assert round_.progress.startswith("done")
    assert seen[0].startswith("snapshot")
    assert seen[-1].startswith("storing")


def test_an_engine_error_marks_the_round_failed_and_stores_nothing(app: Flask) -> None:
    plans, _ = two_plans()
    seen: list[str] = []
    round_ = run_match_round(
        progress=seen.append, engine=FakeEngine(plans, error=RuntimeError("solver exploded"))
    )
    assert round_.status == "failed"
    assert round_.error == "RuntimeError: solver exploded"
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == 1  # make_pair's own
    assert seen[-1] == "failed: RuntimeError: solver exploded"


def test_a_plan_that_cannot_be_stored_fails_the_whole_round(app: Flask) -> None:
    plans, w = two_plans()
    broken = dataclasses.replace(
        plans[1], legs=(dataclasses.replace(plans[1].legs[0], product="no-such-product"),)
    )
    round_ = run_match_round(engine=FakeEngine([plans[0], broken]))
    assert round_.status == "failed"
    assert "no-such-product" in round_.error
    assert db.session.scalars(db.select(Proposal).filter_by(round_id=round_.id)).all() == []


def test_only_one_round_runs_at_a_time(app: Flask) -> None:
    db.session.add(
        MatchRound(status="running", as_of=pd.Timestamp("2026-11-30").date(), claimed_by="w:1")
    )
    db.session.commit()
    with pytest.raises(RoundError, match="still running"):
        run_match_round(engine=FakeEngine())


def test_a_round_whose_process_died_is_retired_and_no_longer_blocks_the_next(app: Flask) -> None:
    silent = utcnow() - rounds.STALE_RUNNING - dt.timedelta(minutes=1)
    dead = MatchRound(
        status="running", as_of=dt.date(2026, 11, 30), progress="engine: 720", claimed_by="w:1"
    )
    db.session.add(dead)
    db.session.commit()
    db.session.execute(
        db.update(MatchRound).where(MatchRound.id == dead.id).values(updated_at=silent)
    )
    db.session.commit()

    round_ = run_match_round(engine=FakeEngine())

    assert round_.status == "draft"
    db.session.refresh(dead)
    assert dead.status == "failed"
    assert "no progress since" in dead.error
    assert "engine: 720" in dead.error


def test_a_round_still_reporting_progress_is_not_retired(app: Flask) -> None:
    alive = MatchRound(
        status="running", as_of=dt.date(2026, 11, 30), progress="storing", claimed_by="w:1"
    )
    db.session.add(alive)
    db.session.commit()
    assert rounds.retire_dead_rounds(db.session) == []
    with pytest.raises(RoundError, match="still running"):
        run_match_round(engine=FakeEngine())


def test_a_queued_round_is_computed_by_the_worker_and_finishes_as_draft(app: Flask) -> None:
    plans, _ = two_plans()
    queued = rounds.queue_match_round()
    assert (queued.status, queued.progress, queued.claimed_by) == ("running", "queued", "")
    queued_id = queued.id
    assert worker.run_next_round(engine=FakeEngine(plans)) == queued_id
    assert worker.run_next_round(engine=FakeEngine(plans)) is None  # nothing else waits
    round_ = db.session.get(MatchRound, queued_id)
    assert round_.status == "draft"
    assert round_.claimed_by
    assert round_.progress == "done: 2 proposals"
    assert len(round_.proposals) == 2


def test_the_next_round_plans_around_confirmed_and_declined_proposals(app: Flask) -> None:
    plans, w = two_plans()
    engine = FakeEngine(plans)
    first = run_match_round(engine=engine)
    publish_round(first)
    barter = next(p for p in first.proposals if p.kind == "barter_pair")
    trade = next(p for p in first.proposals if p.kind == "trade")
    proposals.accept(barter, w.pair.coast.id)
    proposals.accept(barter, w.pair.hills.id)
    proposals.decline(trade, w.town.id, None, "distance")
    run_match_round(engine=engine)
    market = engine.markets[-1]
    offers = market.offers.set_index("listing_id")["quantity"]
    needs = market.needs.set_index("listing_id")["quantity"]
    assert offers[w.pair.fish.id] == pytest.approx(80.0)  # 20 confirmed
    assert offers[w.pair.potato.id] == pytest.approx(400.0)  # 100 confirmed, 80 declined
    assert needs[w.town_need.id] == pytest.approx(80.0)  # the decline released it


def test_publishing_supersedes_older_rounds_but_their_standing_proposals_carry_on(
    app: Flask,
) -> None:
    plans, w = two_plans()
    facilitator = make_user("facilitator")
    old = run_match_round(engine=FakeEngine(plans))
    publish_round(old, facilitator)
    old_barter = next(p for p in old.proposals if p.kind == "barter_pair")
    old_trade = next(p for p in old.proposals if p.kind == "trade")
    proposals.accept(old_barter, w.pair.coast.id)
    proposals.accept(old_barter, w.pair.hills.id)
    unpublished = run_match_round(engine=FakeEngine(plans))  # a draft nobody published

    engine = FakeEngine(plans)
    new = run_match_round(engine=engine)
    trade_pairing = (w.pair.potato.id, w.town_need.id)
    assert trade_pairing in engine.excluded[-1]  # the standing trade is not proposed again
    assert [p.kind for p in new.proposals] == ["barter_pair"]
    publish_round(new, facilitator)

    db.session.expire_all()
    assert db.session.get(MatchRound, old.id).status == "superseded"
    assert db.session.get(MatchRound, new.id).status == "published"
    assert db.session.get(Proposal, old_barter.id).state == "confirmed"  # honoured
    standing = db.session.get(Proposal, old_trade.id)
    assert standing.state == "published"  # the same proposal, still open
    assert [e.action for e in standing.events] == ["create", "publish"]
    published_at = db.session.get(MatchRound, old.id).published_at
    assert standing.respond_by == published_at.replace(microsecond=0) + dt.timedelta(
        days=14
    ) or abs(standing.respond_by - (published_at + dt.timedelta(days=14))) < dt.timedelta(seconds=5)
    never_published = db.session.get(MatchRound, unpublished.id).proposals
    assert {p.state for p in never_published} == {"expired"}
    assert never_published[0].events[-1].reason == f"superseded by round {new.id}"


def test_a_round_is_published_once(app: Flask) -> None:
    round_ = run_match_round(engine=FakeEngine())
    publish_round(round_)
    with pytest.raises(RoundError, match="published, not draft"):
        publish_round(round_)
    officer = make_user("officer")
    other = run_match_round(engine=FakeEngine())
    with pytest.raises(proposals.ProposalError, match="facilitator"):
        publish_round(other, officer)
    assert db.session.get(MatchRound, other.id).status == "draft"


def test_comparing_rounds_says_what_changed_and_why(app: Flask) -> None:
    plans, w = two_plans()
    pair = w.pair
    extra_buyer = make_pesantren("3523")
    extra_need = make_listing(extra_buyer, "need", "ikan-asin", quantity=Decimal("10"))
    db.session.commit()
    extra_plan = Plan(kind="trade", legs=(leg(pair.fish, extra_need, 10),), score=0.5)
    a = run_match_round(engine=FakeEngine([*plans, extra_plan]))
    publish_round(a)
    barter = next(p for p in a.proposals if p.kind == "barter_pair")
    proposals.accept(barter, pair.coast.id)
    proposals.accept(barter, pair.hills.id)
    trade = next(
        p for p in a.proposals if p.kind == "trade" and p.legs[0].need_id == w.town_need.id
    )
    proposals.decline(trade, w.town.id, None, "price")
    db.session.get(Listing, extra_need.id).status = "paused"
    db.session.commit()
    # round b: the barter again but smaller, and the released potatoes go to a new buyer
    newcomer = make_pesantren("3511")
    new_need = make_listing(newcomer, "need", "kentang", quantity=Decimal("80"))
    db.session.commit()
    smaller = Plan(
        kind="barter_pair",
        legs=(leg(pair.fish, pair.fish_need, 10), leg(pair.potato, pair.potato_need, 50)),
        score=0.8,
    )
    b = run_match_round(
        engine=FakeEngine([smaller, Plan("trade", (leg(pair.potato, new_need, 80),), 0.6)])
    )

    diff = compare_rounds(a, b)
    assert diff.counts == {"new": 1, "gone": 1, "changed": 1, "carried": 1, "unchanged": 0}
    gone = {c.pesantren_ids: {r["code"] for r in c.reasons} for c in diff.gone}
    assert "declined" in gone[tuple(sorted((pair.hills.id, w.town.id)))]
    # the unanswered trade to the extra buyer still stands (though its need was paused)
    carried = {c.pesantren_ids: {r["code"] for r in c.reasons} for c in diff.carried}
    assert {"standing", "listing_inactive"} <= carried[
        tuple(sorted((pair.coast.id, extra_buyer.id)))
    ]
    assert "confirmed" in {r["code"] for r in diff.changed[0].reasons}
    new = diff.new[0]
    assert new.products == ("kentang",)
    codes = {r["code"] for r in new.reasons}
    assert {"listing_new", "released_by_decline"} <= codes
    assert all(r["id"] and r["en"] for r in new.reasons)
    # a reader knows a listing by its product and pesantren, not by its internal id
    texts = " ".join(r["id"] + " " + r["en"] for r in new.reasons)
    assert "listing " not in texts
    assert new_need.pesantren.name in texts
    changed = diff.changed[0]
    assert (changed.before_value, changed.after_value) == (2_000_000.0, 1_000_000.0)


# -- the command --------------------------------------------------------------------------


def test_match_command_stores_a_round_and_prints_a_summary(app: Flask, cli, monkeypatch) -> None:
    plans, _ = two_plans()
    engine = FakeEngine(plans)
    monkeypatch.setattr(rounds.run, "_default_engine", lambda: engine)
    result = cli("match", "--max-cycle-length", "4")
    assert result.exit_code == 0, result.output
    assert "2 proposals" in result.output
    assert "barter_pair: 1" in result.output
    assert "trade: 1" in result.output
    assert "Rp 2,800,000" in result.output
    assert engine.configs[-1].max_cycle_length == 4
    round_ = db.session.scalars(db.select(MatchRound).order_by(MatchRound.id.desc())).first()
    assert round_.status == "draft"


def test_match_command_can_publish(app: Flask, cli, monkeypatch) -> None:
    plans, _ = two_plans()
    monkeypatch.setattr(rounds.run, "_default_engine", lambda: FakeEngine(plans))
    result = cli("match", "--publish")
    assert result.exit_code == 0, result.output
    assert "(published)" in result.output


def test_match_command_exits_non_zero_when_the_engine_fails(app: Flask, cli, monkeypatch) -> None:
    monkeypatch.setattr(rounds.run, "_default_engine", lambda: FakeEngine(error=ValueError("bad")))
    result = cli("match")
    assert result.exit_code == 1
    assert "failed: ValueError: bad" in result.output


def test_match_command_rejects_a_silly_cycle_length(app: Flask, cli) -> None:
    result = cli("match", "--max-cycle-length", "1")
    assert result.exit_code == 2
    assert "max-cycle-length" in result.output
    assert db.session.scalar(db.select(db.func.count(MatchRound.id))) == 0


# -- with the real engine -----------------------------------------------------------------


def real_engine() -> Any:
    from matcher.engine import run_round

    return run_round


def test_the_real_engine_on_a_small_market_stores_a_barter_and_a_trade(app: Flask) -> None:
    real_engine()
    make_pair("draft")
    town = make_pesantren("3578")
    make_listing(town, "need", "kentang", quantity=Decimal("50"), price=Decimal("15000"))
    db.session.commit()
    round_ = run_match_round()
    assert round_.status == "draft", round_.error
    kinds = {p.kind for p in round_.proposals}
    assert "barter_pair" in kinds
    for p in round_.proposals:
        if p.kind != "trade":
            values = [float(leg.value_idr) for leg in p.legs]
            assert max(values) - min(values) <= 0.01 * max(values)


@pytest.mark.slow
def test_match_on_the_seed_data_finds_highland_coastal_barters_cycles_and_trades(
    app: Flask, cli
) -> None:
    real_engine()
    from webapp.seed import load_seed

    load_seed()
    result = cli("match")
    assert result.exit_code == 0, result.output
    round_ = db.session.scalars(db.select(MatchRound).order_by(MatchRound.id.desc())).first()
    kinds = {p.kind for p in round_.proposals}
    assert {"trade", "barter_pair", "barter_cycle"} <= kinds
    assert any(p.kind == "barter_cycle" and len(p.parties) == 3 for p in round_.proposals)
    from webapp.models import Pesantren

    dominant = {p.id: (p.region_types or [""])[0] for p in db.session.scalars(db.select(Pesantren))}
    complementary = {"highland_agriculture", "coastal_fisheries"}
    assert any(
        p.kind.startswith("barter")
        and {dominant[pt.pesantren_id] for pt in p.parties} >= complementary
        for p in round_.proposals
    )
    assert db.session.scalar(
        db.select(db.func.count(ProposalEvent.id)).where(ProposalEvent.action == "create")
    ) == len(round_.proposals)


def test_a_declined_barter_is_not_proposed_again_by_the_next_round(app: Flask) -> None:
    real_engine()
    pair = make_pair("draft")
    db.session.commit()
    first = run_match_round()
    assert first.status == "draft", first.error
    barter = next(p for p in first.proposals if p.kind == "barter_pair")
    declined = {(leg.offer_id, leg.need_id) for leg in barter.legs}
    assert declined == {(pair.fish.id, pair.fish_need.id), (pair.potato.id, pair.potato_need.id)}
    publish_round(first)
    proposals.decline(barter, pair.coast.id, None, "distance")

    second = run_match_round()
    assert second.status == "draft", second.error
    proposed = {(leg.offer_id, leg.need_id) for p in second.proposals for leg in p.legs}
    assert not proposed & declined  # neither as a barter nor as a trade
    assert second.summary["declined_pairs_excluded"] == 2


def test_a_declined_ring_excludes_only_the_legs_of_the_pesantren_that_declined(
    app: Flask,
) -> None:
    from tests.webapp.plan_helpers import add_plan

    a, b, c = (make_pesantren(code) for code in ("3529", "3579", "3511"))
    a_gives = make_listing(a, "offer", "ikan-asin", quantity=Decimal("100"))
    b_needs = make_listing(b, "need", "ikan-asin", quantity=Decimal("50"))
    b_gives = make_listing(b, "offer", "ikan-asin", quantity=Decimal("100"))
    c_needs = make_listing(c, "need", "ikan-asin", quantity=Decimal("50"))
    c_gives = make_listing(c, "offer", "ikan-asin", quantity=Decimal("100"))
    a_needs = make_listing(a, "need", "ikan-asin", quantity=Decimal("50"))
    ring = add_plan(
        "barter_cycle",
        [(a_gives, b_needs, 10), (b_gives, c_needs, 10), (c_gives, a_needs, 10)],
        state="published",
    )
    db.session.commit()
    proposals.decline(ring, b.id, None, "price")

    excluded = rounds.declined_pairs(db.session, utcnow() - dt.timedelta(days=1))

    # B's purchase and B's sale are declined; C selling to A was never refused
    assert excluded == {(a_gives.id, b_needs.id), (b_gives.id, c_needs.id)}


def test_a_decline_older_than_the_memory_lets_the_pair_come_back(app: Flask) -> None:
    real_engine()
    pair = make_pair("draft")
    db.session.commit()
    first = run_match_round()
    barter = next(p for p in first.proposals if p.kind == "barter_pair")
    publish_round(first)
    proposals.decline(barter, pair.hills.id, None, "distance")
    event = db.session.scalars(
        db.select(ProposalEvent).where(
            ProposalEvent.proposal_id == barter.id, ProposalEvent.action == "decline"
        )
    ).one()
    event.at = event.at - dt.timedelta(days=EngineConfig().decline_memory_days + 1)
    db.session.commit()
    again = run_match_round()
    proposed = {(leg.offer_id, leg.need_id) for p in again.proposals for leg in p.legs}
    assert (pair.fish.id, pair.fish_need.id) in proposed
    assert again.summary["declined_pairs_excluded"] == 0
