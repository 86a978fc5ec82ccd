"""Deals end: completion with the delivered quantity, cancellation by a party, what a completed
deal still holds, the track record it builds, and the overdue flag."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from flask import Flask

from tests.factories import make_listing, make_pesantren, make_product, make_user
from tests.webapp.plan_helpers import add_plan
from tests.webapp.proposal_helpers import (
    assert_unchanged,
    deal_fingerprint,  # noqa: F401
    events,
    fresh,
    make_pair,
)
from webapp import proposals
from webapp.deals import overdue_deals
from webapp.market_io import build_market, remaining_quantities, snapshot_market
from webapp.models import ProposalEvent, db, utcnow
from webapp.proposals import DeliveryError, ProposalError


def legs_by_listing(pair):
    p = fresh(pair.proposal)
    return {leg.offer_id: leg for leg in p.legs}


def test_completing_with_less_than_agreed_frees_the_rest_for_the_next_round(app: Flask) -> None:
    pair = make_pair("confirmed")  # fish 20 of 100, potatoes 100 of 500
    fish_leg = legs_by_listing(pair)[pair.fish.id]
    before = snapshot_market()
    assert before.reserved[pair.fish.id] == pytest.approx(20.0)
    proposals.complete(pair.proposal, pair.officer_hills, {fish_leg.id: Decimal("5")})
    after = snapshot_market()
    offers = after.market.offers.set_index("listing_id")["quantity"]
    needs = after.market.needs.set_index("listing_id")["quantity"]
    assert after.reserved[pair.fish.id] == pytest.approx(5.0)
    assert offers[pair.fish.id] == pytest.approx(95.0)  # 15 kg back in the market
    assert needs[pair.fish_need.id] == pytest.approx(25.0)  # the need is open again for 25
    assert offers[pair.potato.id] == pytest.approx(400.0)  # delivered as agreed: still held
    legs = legs_by_listing(pair)
    assert legs[pair.fish.id].delivered_quantity == Decimal("5")
    assert legs[pair.potato.id].delivered_quantity == legs[pair.potato.id].quantity
    p = fresh(pair.proposal)
    assert p.state == "completed"
    event = p.events[-1]
    assert (event.action, event.pesantren_id, event.user_id) == (
        "complete",
        pair.hills.id,
        pair.officer_hills.id,
    )
    assert f"{fish_leg.id}:5/20" in event.reason
    assert remaining_quantities(db.session, [pair.fish.id]) == {pair.fish.id: pytest.approx(95.0)}


def test_completion_defaults_to_the_agreed_quantities(app: Flask) -> None:
    pair = make_pair("confirmed")
    proposals.complete(pair.proposal, pair.facilitator)
    assert snapshot_market().reserved[pair.fish.id] == pytest.approx(20.0)
    assert fresh(pair.proposal).events[-1].pesantren_id is None  # a facilitator acted


@pytest.mark.parametrize("quantity", [0, -1, 20.001, float("nan"), float("inf"), 0.0001])
def test_a_delivered_quantity_outside_0_to_agreed_is_refused_naming_the_leg(
    app: Flask, quantity: float
) -> None:
    pair = make_pair("confirmed")
    leg = legs_by_listing(pair)[pair.fish.id]
    named = f"Leg {leg.product.name_en}, {leg.giver.name} → {leg.receiver.name}: the delivered"
    with pytest.raises(DeliveryError, match=re.escape(named)) as error:
        proposals.complete(pair.proposal, pair.officer_coast, {leg.id: quantity})
    assert error.value.leg_id == leg.id
    assert_unchanged(pair.proposal, "confirmed", 4)
    assert all(leg.delivered_quantity is None for leg in fresh(pair.proposal).legs)


def test_a_leg_of_another_proposal_is_refused(app: Flask) -> None:
    pair = make_pair("confirmed")
    with pytest.raises(DeliveryError, match="Leg 999999 is not part of proposal") as error:
        proposals.complete(pair.proposal, pair.officer_coast, {999999: 1})
    assert error.value.leg_id == 999999
    assert_unchanged(pair.proposal, "confirmed", 4)


def test_only_a_party_or_a_facilitator_completes_and_only_a_confirmed_deal(app: Flask) -> None:
    pair = make_pair("confirmed")
    outsider = make_user("officer", make_pesantren("3578"))
    with pytest.raises(ProposalError, match="is not a party to proposal"):
        proposals.complete(pair.proposal, outsider)
    assert_unchanged(pair.proposal, "confirmed", 4)
    open_pair = make_pair("accepted_by_some")
    with pytest.raises(ProposalError, match="Cannot complete .* it is accepted_by_some"):
        proposals.complete(open_pair.proposal, open_pair.officer_coast)


def test_a_party_cancels_its_confirmed_deal_with_a_reason_and_releases_it(app: Flask) -> None:
    pair = make_pair("confirmed")
    with pytest.raises(ProposalError, match="Give a reason"):
        proposals.cancel(pair.proposal, pair.officer_coast, "  ")
    assert_unchanged(pair.proposal, "confirmed", 4)
    proposals.cancel(pair.proposal, pair.officer_coast, "kapal tidak berangkat")
    p = fresh(pair.proposal)
    assert events(p)[-1] == ("cancel", "confirmed", "cancelled")
    assert (p.events[-1].pesantren_id, p.events[-1].reason) == (
        pair.coast.id,
        "kapal tidak berangkat",
    )
    assert pair.fish.id not in snapshot_market().reserved


@pytest.mark.parametrize("state", ["published", "accepted_by_some"])
def test_a_party_cannot_cancel_a_proposal_still_open(app: Flask, state: str) -> None:
    pair = make_pair(state)
    n = len(fresh(pair.proposal).events)
    with pytest.raises(ProposalError, match=f"Cannot cancel proposal .* it is {state}"):
        proposals.cancel(pair.proposal, pair.officer_hills, "no")
    assert_unchanged(pair.proposal, state, n)


def test_an_outsider_cannot_cancel_a_confirmed_deal(app: Flask) -> None:
    pair = make_pair("confirmed")
    outsider = make_user("officer", make_pesantren("3578"))
    with pytest.raises(ProposalError, match="is not a party to proposal"):
        proposals.cancel(pair.proposal, outsider, "no")
    assert_unchanged(pair.proposal, "confirmed", 4)


def test_a_completed_or_cancelled_deal_cannot_end_again(app: Flask) -> None:
    pair = make_pair("confirmed")
    proposals.complete(pair.proposal, pair.officer_coast)
    with pytest.raises(ProposalError, match="it is completed"):
        proposals.cancel(pair.proposal, pair.officer_coast, "late")
    other = make_pair("confirmed")
    proposals.cancel(other.proposal, other.officer_coast, "late")
    with pytest.raises(ProposalError, match="it is cancelled"):
        proposals.complete(other.proposal, other.officer_coast)


# -- ranking: the track record, through the real supplier search --------------------------


def two_suppliers():
    """Two identical fish suppliers in one regency and a buyer elsewhere; the first one
    created wins a tie (lower offer id)."""
    first = make_pesantren("3529", region_types=["coastal_fisheries"])
    second = make_pesantren("3529", region_types=["coastal_fisheries"])
    buyer = make_pesantren("3579", region_types=["highland_agriculture"])
    make_product("kentang", category="vegetables", price_min=8000, price_max=14000)
    for supplier in (first, second):
        make_listing(supplier, "offer", "ikan-asin", quantity=Decimal("100"))
    facilitator = make_user("facilitator")
    db.session.commit()
    return first, second, buyer, facilitator


def ranked(buyer) -> list[int]:
    from matcher.search import SupplierIndex, SupplierQuery

    index = SupplierIndex(build_market())
    found = index.search(SupplierQuery("ikan-asin", quantity=30, pesantren_id=buyer.id), k=5)
    return [int(pid) for pid in found["pesantren_id"]]


def history_deal(supplier, buyer):
    """A deal in another product (so the fish offers stay identical)."""
    from webapp.models import Listing

    def listing(pesantren, kind, price):
        found = db.session.scalar(
            db.select(Listing)
            .filter_by(pesantren_id=pesantren.id, kind=kind)
            .join(Listing.product)
            .filter_by(slug="kentang")
        )
        return found or make_listing(
            pesantren, kind, "kentang", quantity=Decimal("500"), price=Decimal(price)
        )

    offer, need = listing(supplier, "offer", 10000), listing(buyer, "need", 12000)
    return add_plan("trade", [(offer, need, 50)], state="published")


def test_a_supplier_with_completed_deals_outranks_an_identical_one_without(app: Flask) -> None:
    first, second, buyer, facilitator = two_suppliers()
    assert ranked(buyer) == [first.id, second.id]  # a tie: the lower offer id first
    for _ in range(2):
        deal = history_deal(second, buyer)
        for party in (second.id, buyer.id):
            proposals.accept(deal, party)
        proposals.complete(deal, facilitator)
    assert ranked(buyer) == [second.id, first.id]


def test_a_supplier_that_declines_and_cancels_ranks_lower(app: Flask) -> None:
    first, second, buyer, facilitator = two_suppliers()
    assert ranked(buyer) == [first.id, second.id]
    officer = make_user("officer", first)
    proposals.decline(history_deal(first, buyer), first.id, officer, "price")
    deal = history_deal(first, buyer)
    for party in (first.id, buyer.id):
        proposals.accept(deal, party)
    proposals.cancel(deal, officer, "stok habis")
    assert ranked(buyer) == [second.id, first.id]


def test_a_facilitators_cancellation_does_not_count_against_the_parties(app: Flask) -> None:
    first, second, buyer, facilitator = two_suppliers()
    deal = history_deal(first, buyer)
    proposals.cancel(deal, facilitator, "data salah")
    assert ranked(buyer) == [first.id, second.id]


# -- overdue ------------------------------------------------------------------------------


def confirm_at(pair, when: dt.datetime) -> None:
    event = next(e for e in fresh(pair.proposal).events if e.to_state == "confirmed")
    event.at = when
    db.session.commit()


def test_a_deal_confirmed_longer_ago_than_the_limit_is_overdue(app: Flask) -> None:
    now = utcnow()
    old, recent = make_pair("confirmed"), make_pair("confirmed")
    confirm_at(old, now - dt.timedelta(weeks=6, days=1))
    confirm_at(recent, now - dt.timedelta(weeks=5, days=6))
    found = overdue_deals(db.session, now)
    assert [d.proposal_id for d in found] == [old.proposal.id]
    assert found[0].days == 43
    assert set(found[0].parties) == {old.coast.name, old.hills.name}
    app.config["DEAL_COMPLETION_WEEKS"] = 5
    assert {d.proposal_id for d in overdue_deals(db.session, now)} == {
        old.proposal.id,
        recent.proposal.id,
    }


def test_an_ended_deal_is_no_longer_overdue(app: Flask) -> None:
    now = utcnow()
    done, off = make_pair("confirmed"), make_pair("confirmed")
    for pair in (done, off):
        confirm_at(pair, now - dt.timedelta(weeks=8))
    assert len(overdue_deals(db.session, now)) == 2
    proposals.complete(done.proposal, done.officer_coast)
    proposals.cancel(off.proposal, off.facilitator, "batal")
    assert overdue_deals(db.session, now) == []
    assert db.session.query(ProposalEvent).filter_by(action="complete").count() == 1
