"""The database → Market snapshot: units, periods, what is left out, reservations, track record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import event

from tests.factories import make_certificate, make_listing, make_pesantren, make_product
from tests.webapp.plan_helpers import add_plan
from webapp.market_io import build_market, reserved_quantities, snapshot_market
from webapp.models import ProposalEvent, ProposalParty, db

DAYS_PER_MONTH = 365 / 12


def offer_row(market, listing_id: int):
    rows = market.offers[market.offers["listing_id"] == listing_id]
    return rows.iloc[0] if len(rows) else None


def need_row(market, listing_id: int):
    rows = market.needs[market.needs["listing_id"] == listing_id]
    return rows.iloc[0] if len(rows) else None


def test_karung_per_week_becomes_kilograms_per_month(app: Flask) -> None:
    farm = make_pesantren("3579")
    make_product("beras-medium", base_unit="kg", price_min=11500, price_max=13000)
    offer = make_listing(
        farm,
        "offer",
        "beras-medium",
        quantity=Decimal("2"),
        unit="karung",
        unit_size=Decimal("50"),
        period="week",
        price=Decimal("12000"),
    )
    market = build_market()
    row = offer_row(market, offer.id)
    assert row["quantity"] == pytest.approx(100 / 7 * DAYS_PER_MONTH)
    assert row["price"] == 12000.0
    assert row["product"] == "beras-medium"


def test_need_ceiling_and_required_certificates_reach_the_market(app: Flask) -> None:
    buyer = make_pesantren("3578")
    need = make_listing(
        buyer,
        "need",
        quantity=Decimal("3"),
        unit="kwintal",
        period="month",
        price=None,
        required_certs="halal;pirt",
    )
    market = build_market()
    row = need_row(market, need.id)
    assert row["quantity"] == pytest.approx(300.0)
    assert pd_isna(row["max_price"])
    assert row["required_certs"] == "halal;pirt"


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_paused_and_archived_listings_are_not_in_the_market(app: Flask) -> None:
    p = make_pesantren()
    active = make_listing(p, "offer", "ikan-asin")
    paused = make_listing(p, "offer", "teri", status="paused")
    archived = make_listing(p, "need", "beras", status="archived")
    market = build_market()
    assert set(market.offers["listing_id"]) == {active.id}
    assert paused.id not in set(market.needs["listing_id"])
    assert archived.id not in set(market.needs["listing_id"])


def test_deals_and_standing_proposals_are_taken_out_and_fully_held_listings_drop_out(
    app: Flask,
) -> None:
    coast, hills, town = make_pesantren("3529"), make_pesantren("3579"), make_pesantren("3578")
    offer = make_listing(coast, "offer", quantity=Decimal("100"))
    need_b = make_listing(hills, "need", quantity=Decimal("40"))
    need_c = make_listing(town, "need", quantity=Decimal("200"))
    add_plan("trade", [(offer, need_b, 40)], state="confirmed")
    add_plan("trade", [(offer, need_c, 25)], state="completed")
    add_plan("trade", [(offer, need_c, 30)], state="declined")  # holds nothing
    add_plan("trade", [(offer, need_c, 30)], state="accepted_by_some")  # stands: held too
    add_plan("trade", [(offer, need_c, 5)], state="expired")  # holds nothing
    market = build_market()
    assert offer_row(market, offer.id)["quantity"] == pytest.approx(5.0)
    assert need_row(market, need_b.id) is None  # 40 of 40 reserved
    assert need_row(market, need_c.id)["quantity"] == pytest.approx(145.0)
    # what confirmed deals reserve (the confirmation check) leaves the standing one out
    assert reserved_quantities() == {offer.id: 65.0, need_b.id: 40.0, need_c.id: 25.0}


def test_reserved_quantities_can_leave_one_proposal_out(app: Flask) -> None:
    a, b = make_pesantren("3529"), make_pesantren("3579")
    offer, need = make_listing(a, "offer"), make_listing(b, "need")
    kept = add_plan("trade", [(offer, need, 10)], state="confirmed")
    other = add_plan("trade", [(offer, need, 5)], state="confirmed")
    assert reserved_quantities(db.session, [offer.id], exclude_proposal_id=kept.id) == {
        offer.id: 5.0
    }
    assert reserved_quantities(db.session, [need.id], exclude_proposal_id=other.id) == {
        need.id: 10.0
    }


def test_track_record_counts_completed_deals_up_and_declines_and_cancels_down(
    app: Flask,
) -> None:
    a, b, c, newcomer = (make_pesantren(code) for code in ("3529", "3579", "3578", "3523"))
    offer = make_listing(a, "offer", quantity=Decimal("1000"))
    need = make_listing(b, "need", quantity=Decimal("1000"))
    need_c = make_listing(c, "need", quantity=Decimal("1000"))
    for _ in range(2):
        add_plan("trade", [(offer, need, 1)], state="completed")
    add_plan("trade", [(offer, need, 1)], state="confirmed")  # not kept yet: no effect
    declined = add_plan("trade", [(offer, need_c, 1)], state="declined")
    db.session.get(ProposalParty, (declined.id, c.id)).response = "declined"
    cancelled = add_plan("trade", [(offer, need_c, 1)], state="cancelled")
    db.session.add(
        ProposalEvent(
            proposal_id=cancelled.id,
            pesantren_id=c.id,
            action="cancel",
            from_state="confirmed",
            to_state="cancelled",
            reason="truk rusak",
        )
    )
    # a facilitator's cancellation (no pesantren named) counts against nobody
    vetoed = add_plan("trade", [(offer, need, 1)], state="cancelled")
    db.session.add(ProposalEvent(proposal_id=vetoed.id, action="cancel", to_state="cancelled"))
    db.session.flush()
    records = build_market().pesantren.set_index("pesantren_id")["track_record"]
    assert records[a.id] == pytest.approx(3 / 4)  # (2 completed + 1) / (2 + 0 + 2)
    assert records[b.id] == pytest.approx(3 / 4)
    assert records[c.id] == pytest.approx(1 / 4)  # (0 + 1) / (0 + 2 broken + 2)
    assert records[newcomer.id] == 0.5


def test_pesantren_catalogue_and_certificates_frames(app: Flask) -> None:
    p = make_pesantren("3529", region_types=["coastal_fisheries", "island"])
    fish = make_product("ikan-asin")
    teri = make_product("teri")
    fish.substitutes = [teri]
    from webapp.models import ProductAlias

    fish.alias_rows = [ProductAlias(alias="gereh"), ProductAlias(alias="ikan kering")]
    make_certificate(p, fish, "halal", expires_on=dt.date(2027, 1, 31))
    db.session.flush()
    market = build_market(as_of=dt.date(2026, 12, 1))
    row = market.pesantren.set_index("pesantren_id").loc[p.id]
    assert row["region_types"] == "coastal_fisheries;island"
    assert row["kabupaten"] == "Kabupaten Sumenep"
    cat = market.catalogue.set_index("product")
    assert cat.loc["ikan-asin", "aliases"] == "gereh|ikan kering"
    assert cat.loc["ikan-asin", "substitutes"] == "teri"
    cert = market.certificates.iloc[0]
    assert (cert["pesantren_id"], cert["product"], cert["kind"]) == (p.id, "ikan-asin", "halal")
    assert cert["expires"].date() == dt.date(2027, 1, 31)
    assert market.as_of == dt.date(2026, 12, 1)


def test_unconvertible_listings_and_offers_without_price_are_reported_not_fatal(app: Flask) -> None:
    p = make_pesantren()
    good = make_listing(p, "offer", "ikan-asin")
    no_size = make_listing(p, "offer", "beras", unit="karung")  # karung needs a size
    no_price = make_listing(p, "offer", "teri", price=None)
    snap = snapshot_market()
    assert set(snap.market.offers["listing_id"]) == {good.id}
    reasons = {s["listing_id"]: s["reason"] for s in snap.skipped}
    assert set(reasons) == {no_size.id, no_price.id}
    assert "karung" in reasons[no_size.id]
    assert reasons[no_price.id] == "offer without a price"


def test_build_market_uses_the_same_few_queries_for_any_number_of_listings(app: Flask) -> None:
    def count_queries() -> int:
        seen: list[str] = []

        def listener(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            build_market()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    first = make_pesantren()
    make_listing(first, "offer", "ikan-asin")
    small = count_queries()
    for i in range(15):
        p = make_pesantren()
        make_listing(p, "offer", f"product-{i}")
        make_listing(p, "need", "ikan-asin")
    db.session.flush()
    assert count_queries() == small
    assert small <= 12
