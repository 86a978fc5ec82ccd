"""The proposal state machine: every transition, every illegal one, events, reservations."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask import Flask

from tests.factories import make_listing, make_pesantren, make_product
from tests.webapp.plan_helpers import add_plan
from tests.webapp.proposal_helpers import Pair, assert_unchanged, events, fresh, make_pair  # noqa: F401
from webapp import proposals
from webapp.market_io import build_market
from webapp.models import Listing, db
from webapp.proposals import ConflictError, ProposalError


def test_publish_records_who_and_when(app: Flask) -> None:
    pair = make_pair("draft")
    proposals.publish(pair.proposal, pair.facilitator)
    p = fresh(pair.proposal)
    assert p.state == "published"
    assert events(p) == [("create", "", "draft"), ("publish", "draft", "published")]
    assert p.events[-1].user_id == pair.facilitator.id
    assert p.events[-1].at is not None


def test_first_acceptance_waits_for_the_other_party(app: Flask) -> None:
    pair = make_pair()
    proposals.accept(pair.proposal, pair.coast.id, pair.officer_coast)
    p = fresh(pair.proposal)
    assert p.state == "accepted_by_some"
    responses = {pt.pesantren_id: pt.response for pt in p.parties}
    assert responses == {pair.coast.id: "accepted", pair.hills.id: "pending"}
    party = next(pt for pt in p.parties if pt.pesantren_id == pair.coast.id)
    assert party.responded_by_id == pair.officer_coast.id
    assert party.responded_at is not None
    assert events(p)[-1] == ("accept", "published", "accepted_by_some")
    assert p.events[-1].pesantren_id == pair.coast.id


def test_both_acceptances_confirm_and_the_next_market_plans_around_them(app: Flask) -> None:
    pair = make_pair()
    proposals.accept(pair.proposal, pair.coast.id, pair.officer_coast)
    proposals.accept(pair.proposal, pair.hills.id, pair.officer_hills)
    p = fresh(pair.proposal)
    assert p.state == "confirmed"
    assert events(p)[-1] == ("accept", "accepted_by_some", "confirmed")
    market = build_market()
    offers = market.offers.set_index("listing_id")["quantity"]
    needs = market.needs.set_index("listing_id")["quantity"]
    assert offers[pair.fish.id] == pytest.approx(80.0)
    assert offers[pair.potato.id] == pytest.approx(400.0)
    assert needs[pair.fish_need.id] == pytest.approx(10.0)
    assert needs[pair.potato_need.id] == pytest.approx(100.0)


def test_a_decline_releases_everything_and_records_the_reason(app: Flask) -> None:
    pair = make_pair()
    proposals.accept(pair.proposal, pair.coast.id, pair.officer_coast)
    proposals.decline(pair.proposal, pair.hills.id, pair.officer_hills, "price", "terlalu mahal")
    p = fresh(pair.proposal)
    assert p.state == "declined"
    party = next(pt for pt in p.parties if pt.pesantren_id == pair.hills.id)
    assert (party.response, party.decline_reason) == ("declined", "price")
    assert p.events[-1].reason == "price: terlalu mahal"
    offers = build_market().offers.set_index("listing_id")["quantity"]
    assert offers[pair.fish.id] == pytest.approx(100.0)


def test_completed_proposals_keep_their_reservation(app: Flask) -> None:
    pair = make_pair()
    proposals.accept(pair.proposal, pair.coast.id)
    proposals.accept(pair.proposal, pair.hills.id)
    proposals.complete(pair.proposal, pair.officer_hills)
    p = fresh(pair.proposal)
    assert p.state == "completed"
    assert events(p)[-1] == ("complete", "confirmed", "completed")
    offers = build_market().offers.set_index("listing_id")["quantity"]
    assert offers[pair.fish.id] == pytest.approx(80.0)


def test_cancelling_a_confirmed_proposal_releases_its_reservation(app: Flask) -> None:
    pair = make_pair()
    proposals.accept(pair.proposal, pair.coast.id)
    proposals.accept(pair.proposal, pair.hills.id)
    proposals.cancel(pair.proposal, pair.facilitator, "truk rusak")
    p = fresh(pair.proposal)
    assert (p.state, p.events[-1].reason) == ("cancelled", "truk rusak")
    offers = build_market().offers.set_index("listing_id")["quantity"]
    assert offers[pair.fish.id] == pytest.approx(100.0)


def test_veto_and_expire(app: Flask) -> None:
    vetoed = make_pair("draft")
    proposals.veto(vetoed.proposal, vetoed.facilitator, "harga tidak wajar")
    assert fresh(vetoed.proposal).state == "cancelled"
    assert events(vetoed.proposal)[-1] == ("veto", "draft", "cancelled")
    expired = make_pair()
    proposals.expire(expired.proposal, None, "tidak dijawab")
    assert fresh(expired.proposal).state == "expired"
    assert events(expired.proposal)[-1] == ("expire", "published", "expired")


def test_every_action_bumps_the_version(app: Flask) -> None:
    pair = make_pair("draft")
    versions = [fresh(pair.proposal).version]
    proposals.publish(pair.proposal)
    versions.append(fresh(pair.proposal).version)
    proposals.accept(pair.proposal, pair.coast.id)
    versions.append(fresh(pair.proposal).version)
    proposals.accept(pair.proposal, pair.hills.id)
    versions.append(fresh(pair.proposal).version)
    assert versions == sorted(set(versions))


# -- reduce ------------------------------------------------------------------------------


def test_reducing_a_barter_scales_every_leg_and_keeps_it_balanced(app: Flask) -> None:
    pair = make_pair("draft")
    fish_leg = next(leg for leg in pair.proposal.legs if leg.offer_id == pair.fish.id)
    proposals.reduce(pair.proposal, pair.facilitator, {fish_leg.id: 10}, "stok terbatas")
    p = fresh(pair.proposal)
    quantities = {leg.offer_id: float(leg.quantity) for leg in p.legs}
    assert quantities == {pair.fish.id: 10.0, pair.potato.id: 50.0}
    assert {float(leg.value_idr) for leg in p.legs} == {500_000.0}
    assert float(p.value_idr) == 1_000_000.0
    assert p.state == "draft"
    assert events(p)[-1][0] == "reduce"
    assert "stok terbatas" in p.events[-1].reason


def test_reducing_a_trade_changes_only_that_leg(app: Flask) -> None:
    a, b = make_pesantren("3529"), make_pesantren("3579")
    offer, need = make_listing(a, "offer"), make_listing(b, "need")
    p = add_plan("trade", [(offer, need, 40)])
    db.session.commit()
    proposals.reduce(p, None, {p.legs[0].id: Decimal("12.5")})
    p = fresh(p)
    assert float(p.legs[0].quantity) == 12.5
    assert float(p.value_idr) == 12.5 * 50000


@pytest.mark.parametrize("quantity", [0, -1, 25, float("nan")])
def test_reduce_refuses_zero_negative_or_more_than_proposed(app: Flask, quantity: float) -> None:
    pair = make_pair("draft")
    leg = pair.proposal.legs[0]
    with pytest.raises(ProposalError, match="at most"):
        proposals.reduce(pair.proposal, pair.facilitator, {leg.id: quantity})
    assert float(fresh(pair.proposal).legs[0].quantity) == 20.0


# -- illegal transitions -----------------------------------------------------------------


def test_accepting_a_declined_proposal_is_refused(app: Flask) -> None:
    pair = make_pair()
    proposals.decline(pair.proposal, pair.coast.id, None, "quantity")
    with pytest.raises(ProposalError, match="declined"):
        proposals.accept(pair.proposal, pair.hills.id)
    assert_unchanged(pair.proposal, "declined", 3)


def test_a_pesantren_that_is_not_a_party_cannot_answer(app: Flask) -> None:
    pair = make_pair()
    stranger = make_pesantren("3578")
    db.session.commit()
    with pytest.raises(ProposalError, match="not a party"):
        proposals.accept(pair.proposal, stranger.id)
    with pytest.raises(ProposalError, match="not a party"):
        proposals.decline(pair.proposal, stranger.id, None, "price")
    assert_unchanged(pair.proposal, "published", 2)


def test_an_officer_cannot_answer_for_another_pesantren(app: Flask) -> None:
    pair = make_pair()
    with pytest.raises(ProposalError, match="own pesantren"):
        proposals.accept(pair.proposal, pair.hills.id, pair.officer_coast)
    assert_unchanged(pair.proposal, "published", 2)


def test_answering_twice_is_refused(app: Flask) -> None:
    pair = make_pair()
    proposals.accept(pair.proposal, pair.coast.id)
    with pytest.raises(ProposalError, match="already accepted"):
        proposals.accept(pair.proposal, pair.coast.id)
    assert_unchanged(pair.proposal, "accepted_by_some", 3)


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", lambda pr: proposals.accept(pr.proposal, pr.coast.id)),
        ("draft", lambda pr: proposals.decline(pr.proposal, pr.coast.id, None, "price")),
        ("draft", lambda pr: proposals.complete(pr.proposal)),
        ("published", lambda pr: proposals.publish(pr.proposal)),
        ("published", lambda pr: proposals.complete(pr.proposal)),
        ("published", lambda pr: proposals.reduce(pr.proposal, None, {pr.proposal.legs[0].id: 1})),
        ("accepted_by_some", lambda pr: proposals.publish(pr.proposal)),
        ("accepted_by_some", lambda pr: proposals.veto(pr.proposal, None, "late")),
        ("accepted_by_some", lambda pr: proposals.complete(pr.proposal)),
        ("confirmed", lambda pr: proposals.accept(pr.proposal, pr.coast.id)),
        ("confirmed", lambda pr: proposals.decline(pr.proposal, pr.hills.id, None, "price")),
        ("confirmed", lambda pr: proposals.expire(pr.proposal)),
        ("confirmed", lambda pr: proposals.veto(pr.proposal, None, "late")),
    ],
)
def test_transitions_from_the_wrong_state_are_refused(app: Flask, state: str, action) -> None:
    pair = make_pair(state)
    n = len(fresh(pair.proposal).events)
    with pytest.raises(ProposalError, match=f"it is {state}"):
        action(pair)
    assert_unchanged(pair.proposal, state, n)


def test_nothing_leaves_a_final_state(app: Flask) -> None:
    pair = make_pair()
    proposals.accept(pair.proposal, pair.coast.id)
    proposals.accept(pair.proposal, pair.hills.id)
    proposals.complete(pair.proposal)
    for action in (
        lambda: proposals.decline(pair.proposal, pair.coast.id, None, "price"),
        lambda: proposals.cancel(pair.proposal, None, "late"),
        lambda: proposals.expire(pair.proposal),
        lambda: proposals.veto(pair.proposal, None, "late"),
    ):
        with pytest.raises(ProposalError, match="completed"):
            action()
    assert_unchanged(pair.proposal, "completed", 5)


def test_decline_needs_a_known_reason_and_a_short_note(app: Flask) -> None:
    pair = make_pair()
    with pytest.raises(ProposalError, match="decline reason"):
        proposals.decline(pair.proposal, pair.coast.id, None, "bored")
    with pytest.raises(ProposalError, match="too long"):
        proposals.decline(pair.proposal, pair.coast.id, None, "other", "x" * 501)
    assert_unchanged(pair.proposal, "published", 2)


def test_only_facilitators_publish_veto_reduce_or_cancel_an_open_proposal(app: Flask) -> None:
    pair = make_pair("draft")
    officer = pair.officer_coast
    leg = pair.proposal.legs[0]
    for action in (
        lambda: proposals.publish(pair.proposal, officer),
        lambda: proposals.veto(pair.proposal, officer, "no"),
        lambda: proposals.reduce(pair.proposal, officer, {leg.id: 1}),
    ):
        with pytest.raises(ProposalError, match="Only a facilitator"):
            action()
    # a party cancels only its own confirmed deal (tests/webapp/test_deals.py)
    with pytest.raises(ProposalError, match="Cannot cancel proposal .* it is draft"):
        proposals.cancel(pair.proposal, officer, "no")
    assert_unchanged(pair.proposal, "draft", 1)


def test_veto_needs_a_reason(app: Flask) -> None:
    pair = make_pair("draft")
    with pytest.raises(ProposalError, match="reason"):
        proposals.veto(pair.proposal, pair.facilitator, "  ")
    assert_unchanged(pair.proposal, "draft", 1)


def test_an_outdated_copy_is_refused_with_a_conflict(app: Flask) -> None:
    pair = make_pair()
    seen = fresh(pair.proposal).version
    proposals.accept(pair.proposal, pair.coast.id)
    with pytest.raises(ConflictError, match="changed by someone else"):
        proposals.decline(pair.proposal, pair.hills.id, None, "price", expected_version=seen)
    assert_unchanged(pair.proposal, "accepted_by_some", 3)


# -- confirmation checks the listings ----------------------------------------------------


def test_confirming_more_than_a_listing_has_left_is_a_conflict_naming_the_listing(
    app: Flask,
) -> None:
    first = make_pair(fish_qty="30")
    # a second barter drawing on the same fish offer: 20 + 20 > 30
    other = make_pesantren("3511", region_types=["highland_agriculture"])
    make_product("kopi-arabika", category="coffee", price_min=60000, price_max=90000)
    other_need = make_listing(other, "need", "ikan-asin", quantity=Decimal("50"))
    coffee = make_listing(
        other, "offer", "kopi-arabika", quantity=Decimal("100"), price=Decimal("50000")
    )
    coffee_need = make_listing(first.coast, "need", "kopi-arabika", quantity=Decimal("100"))
    second = add_plan("barter_pair", [(first.fish, other_need, 20), (coffee, coffee_need, 20)])
    db.session.commit()
    proposals.publish(second)
    for p in (first.proposal, second):
        proposals.accept(p, first.coast.id)
    proposals.accept(first.proposal, first.hills.id)
    # named as its owner knows it (product and pesantren), not by its id
    named = f"The listing of {first.fish.product.name('en')}, {first.fish.pesantren.name} has only 10 kg"
    with pytest.raises(ConflictError, match=re.escape(named)):
        proposals.accept(second, other.id)
    p = fresh(second)
    assert p.state == "accepted_by_some"
    assert {pt.pesantren_id: pt.response for pt in p.parties}[other.id] == "pending"
    assert events(p)[-1] == ("accept", "published", "accepted_by_some")


def test_a_listing_paused_since_the_round_blocks_confirmation(app: Flask) -> None:
    pair = make_pair()
    proposals.accept(pair.proposal, pair.coast.id)
    db.session.get(Listing, pair.potato.id).status = "paused"
    db.session.commit()
    with pytest.raises(ConflictError, match="no longer active"):
        proposals.accept(pair.proposal, pair.hills.id)
    assert fresh(pair.proposal).state == "accepted_by_some"


def test_errors_speak_the_users_language_in_a_request(app: Flask) -> None:
    import flask_babel

    pair = make_pair()
    stranger = make_pesantren("3578")
    db.session.commit()
    for lang, expected in (("id", "bukan pihak dalam usulan"), ("en", "is not a party to")):
        with app.test_request_context(f"/?lang={lang}"):
            flask_babel.refresh()  # the test shares one app context across both requests
            with pytest.raises(ProposalError, match=expected):
                proposals.accept(pair.proposal, stranger.id)
