"""Proposals that outlive the weekly round: standing proposals carry over to their deadline,
and a facilitator's vetoes and caps hold in later rounds until they lapse or are lifted.
The real engine on a small market (a barter pair and a third pesantren that buys)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from matcher.results import Leg, Plan
from tests.factories import make_listing, make_pesantren
from tests.webapp.round_helpers import make_pair
from webapp import decisions, proposals
from webapp.models import PairingDecision, Proposal, ProposalEvent, db, utcnow
from webapp.rounds import (
    compare_rounds,
    expire_overdue,
    publish_round,
    run_match_round,
    standing_pairs,
)


def _market():
    pair = make_pair("draft")
    town = make_pesantren("3578")
    make_listing(town, "need", "kentang", quantity=Decimal("50"), price=Decimal("15000"))
    db.session.commit()
    return pair


def _round(publish: bool = True):
    round_ = run_match_round()
    assert round_.status == "draft", round_.error
    if publish:
        publish_round(round_)
    return round_


def _pairings(round_) -> set[tuple[int, int]]:
    return {(leg.offer_id, leg.need_id) for p in round_.proposals for leg in p.legs}


def _barter(round_) -> Proposal:
    return next(p for p in round_.proposals if p.kind == "barter_pair")


def test_an_accepted_proposal_is_the_same_proposal_after_two_more_rounds_until_its_deadline(
    app: Flask,
) -> None:
    pair = _market()
    first = _round()
    barter = _barter(first)
    barter_id, pairings = barter.id, {(leg.offer_id, leg.need_id) for leg in barter.legs}
    proposals.accept(barter, pair.coast.id)
    assert barter.respond_by is not None

    second, third = _round(), _round()

    for later in (second, third):
        assert not _pairings(later) & pairings  # never proposed twice side by side
        assert later.summary["standing_pairs_excluded"] >= len(pairings)
    db.session.expire_all()
    kept = db.session.get(Proposal, barter_id)
    assert kept.state == "accepted_by_some"
    assert {pt.pesantren_id: pt.response for pt in kept.parties} == {
        pair.coast.id: "accepted",
        pair.hills.id: "pending",
    }
    assert [e.action for e in kept.events] == ["create", "publish", "accept"]

    # the deadline passes: answers are refused at once, and the next round expires it
    kept.respond_by = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(proposals.ProposalError, match="closed for answers"):
        proposals.accept(kept, pair.hills.id)
    fourth = _round()
    db.session.expire_all()
    expired = db.session.get(Proposal, barter_id)
    assert expired.state == "expired"
    event = expired.events[-1]
    assert (event.action, event.channel) == ("expire", "system")
    assert "deadline" in event.reason
    assert fourth.summary["expired_at_start"] == 1
    assert _pairings(fourth) & pairings  # free again, so the engine may propose it anew


def test_a_declined_proposal_does_not_stand(app: Flask) -> None:
    pair = _market()
    first = _round()
    barter = _barter(first)
    pairings = {(leg.offer_id, leg.need_id) for leg in barter.legs}
    assert pairings <= standing_pairs(db.session)
    proposals.decline(barter, pair.hills.id, None, "price")
    still_open = {
        (leg.offer_id, leg.need_id) for p in first.proposals if p.id != barter.id for leg in p.legs
    }
    assert standing_pairs(db.session) == still_open
    second = _round()
    assert db.session.get(Proposal, barter.id).state == "declined"
    assert second.summary["declined_pairs_excluded"] == len(pairings)


def test_expire_overdue_leaves_proposals_within_their_deadline_alone(app: Flask) -> None:
    _market()
    first = _round()
    assert expire_overdue() == 0
    assert {p.state for p in first.proposals} == {"published"}


def test_a_vetoed_pairing_stays_out_of_the_next_two_rounds_and_returns_when_lifted(
    app: Flask,
) -> None:
    from tests.factories import make_user

    facilitator = make_user("facilitator", name="Fatimah")
    _market()
    first = _round(publish=False)
    barter = _barter(first)
    vetoed = {(leg.offer_id, leg.need_id) for leg in barter.legs}
    proposals.veto(barter, facilitator, "jalan ke Sumenep putus")
    publish_round(first)

    active = decisions.active_decisions(db.session)
    assert {(d.offer_id, d.need_id) for d in active} == vetoed
    assert {d.kind for d in active} == {"veto"}
    assert all(d.created_by_id == facilitator.id for d in active)
    weeks = (active[0].expires_at - active[0].created_at).days / 7
    assert weeks == pytest.approx(8)

    second = _round(publish=False)
    third = _round(publish=False)
    for later in (second, third):
        assert not _pairings(later) & vetoed
        assert later.summary["vetoed_pairs_excluded"] == len(vetoed)
    diff = compare_rounds(first, second)
    gone = [c for c in diff.gone if c.before_id == barter.id]
    assert gone
    codes = [r["code"] for r in gone[0].reasons]
    assert "facilitator_veto" in codes
    assert "reoptimised" not in codes
    assert any("Fatimah" in r["en"] and "Sumenep" in r["en"] for r in gone[0].reasons)

    for d in active:
        decisions.lift(db.session, d, facilitator)
    fourth = _round(publish=False)
    assert _pairings(fourth) & vetoed


def test_a_veto_lapses_after_its_period(app: Flask) -> None:
    from tests.factories import make_user

    _market()
    first = _round(publish=False)
    proposals.veto(_barter(first), make_user("facilitator"), "sementara")
    later = utcnow() + dt.timedelta(weeks=8, days=1)
    assert decisions.vetoed_pairs(db.session, later) == frozenset()
    assert decisions.vetoed_pairs(db.session) != frozenset()


def test_a_reduced_pairing_never_exceeds_its_cap_in_later_rounds(app: Flask) -> None:
    from tests.factories import make_user

    facilitator = make_user("facilitator")
    _market()
    first = _round(publish=False)
    trade = next(p for p in first.proposals if p.kind == "trade")
    leg = trade.legs[0]
    cap = float(leg.quantity) / 2
    proposals.reduce(trade, facilitator, {leg.id: cap}, "gudang kecil")

    for _ in range(2):  # the draft round was never published, so the pairing comes back
        later = _round(publish=False)
        same = [
            lg
            for p in later.proposals
            for lg in p.legs
            if (lg.offer_id, lg.need_id) == (leg.offer_id, leg.need_id)
        ]
        assert same
        assert all(float(lg.quantity) <= cap + 1e-6 for lg in same)
        assert later.summary["plans_capped"] >= 1
    caps = decisions.pair_caps(db.session)
    assert caps == {(leg.offer_id, leg.need_id): pytest.approx(cap)}


def test_the_comparison_names_a_cap_as_the_facilitators_decision(app: Flask) -> None:
    from tests.factories import make_user

    facilitator = make_user("facilitator", name="Fatimah")
    _market()
    first = _round(publish=False)
    trade = next(p for p in first.proposals if p.kind == "trade")
    before = float(trade.legs[0].quantity)
    second = _round(publish=False)
    trade_2 = next(p for p in second.proposals if p.kind == "trade")
    proposals.reduce(trade_2, facilitator, {trade_2.legs[0].id: before / 4}, "gudang kecil")
    third = _round(publish=False)
    diff = compare_rounds(first, third)
    changed = [c for c in diff.changed if c.kind == "trade"]
    assert changed
    codes = [r["code"] for r in changed[0].reasons]
    assert "facilitator_cap" in codes
    assert "reoptimised" not in codes


def test_apply_caps_cuts_a_trade_leg_and_scales_a_barter_as_a_whole() -> None:
    def leg(offer: int, need: int, qty: float, price: float) -> Leg:
        return Leg(1, 2, offer, need, "beras", qty, price, 10.0, 0.8)

    trade = Plan("trade", (leg(10, 20, 1589.0, 12000.0),), 0.8)
    barter = Plan("barter_pair", (leg(11, 21, 100.0, 10000.0), leg(12, 22, 20.0, 50000.0)), 0.9)
    (t, b), cut = decisions.apply_caps([trade, barter], {(10, 20): 794.5, (12, 22): 5.0})
    assert cut == 2
    assert t.legs[0].quantity == 794.5
    assert [lg.quantity for lg in b.legs] == [25.0, 5.0]  # a quarter of each: still balanced
    assert b.legs[0].value == b.legs[1].value


def test_facilitators_see_and_lift_vetoes_and_caps_and_officers_cannot(
    app: Flask, client, login
) -> None:
    from tests.factories import make_user

    facilitator = make_user("facilitator", name="Fatimah Azzahra")
    pair = _market()
    first = _round(publish=False)
    proposals.veto(_barter(first), facilitator, "jalan putus")
    login(facilitator)
    page = client.get("/fasilitator/keputusan").get_data(as_text=True)
    assert "jalan putus" in page
    assert "Fatimah Azzahra" in page
    assert pair.coast.name in page
    decision = db.session.scalars(select(PairingDecision)).first()
    response = client.post(f"/fasilitator/keputusan/{decision.id}/cabut", follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(PairingDecision, decision.id).lifted_at is not None
    assert db.session.get(PairingDecision, decision.id).lifted_by_id == facilitator.id

    login(pair.officer_coast)
    assert client.get("/fasilitator/keputusan").status_code == 403
    other = db.session.scalars(
        select(PairingDecision).where(PairingDecision.lifted_at.is_(None))
    ).first()
    assert client.post(f"/fasilitator/keputusan/{other.id}/cabut").status_code == 403
    assert db.session.get(PairingDecision, other.id).lifted_at is None
    assert (
        db.session.scalar(
            select(db.func.count(ProposalEvent.id)).where(ProposalEvent.action == "veto")
        )
        == 1
    )


def test_the_api_lists_and_lifts_vetoes_and_caps_for_facilitators_only(app: Flask, client) -> None:
    from tests.factories import make_user
    from tests.webapp.api_helpers import API, bearer

    facilitator = make_user("facilitator", name="Fatimah")
    pair = _market()
    first = _round(publish=False)
    proposals.veto(_barter(first), facilitator, "jalan putus")
    listed = client.get(f"{API}/decisions", headers=bearer(facilitator)).get_json()["data"]
    assert {d["kind"] for d in listed} == {"veto"}
    assert {d["reason"] for d in listed} == {"jalan putus"}
    assert all(d["created_by"] == "Fatimah" and d["active"] for d in listed)
    officer = client.get(f"{API}/decisions", headers=bearer(pair.officer_coast))
    assert officer.status_code == 403
    lifted = client.post(f"{API}/decisions/{listed[0]['id']}/lift", headers=bearer(facilitator))
    assert lifted.status_code == 200
    assert lifted.get_json()["active"] is False
    assert len(client.get(f"{API}/decisions", headers=bearer(facilitator)).get_json()["data"]) == (
        len(listed) - 1
    )
    missing = client.post(f"{API}/decisions/999999/lift", headers=bearer(facilitator))
    assert missing.status_code == 404
