"""Market gaps: unmet demand, unsold supply and who could make the missing product."""

from __future__ import annotations

import pytest

from matcher.candidates import find_candidates
from matcher.gaps import market_gaps
from matcher.results import Leg, Plan
from tests.matcher.engine_markets import market, need, offer


def test_unmet_demand_is_what_the_plans_leave_with_its_value_and_producers() -> None:
    m = market(
        offers=[offer(1, 2, "ikan-asin", quantity=600.0, price=50000.0), offer(2, 3, "kentang")],
        needs=[
            need(10, 1, "ikan-asin", quantity=300.0, max_price=55000.0),
            need(11, 5, "kopi-bubuk", quantity=20.0),  # nobody offers coffee
        ],
    )
    cands = find_candidates(m)
    leg = Leg(
        2,
        1,
        offer_id=1,
        need_id=10,
        product="ikan-asin",
        quantity=100.0,
        unit_price=50000.0,
        distance_km=111.0,
        score=0.8,
    )
    gaps = market_gaps(m, [Plan(kind="trade", legs=(leg,), score=0.8)], cands)

    unmet = gaps.unmet.set_index("product")
    assert unmet.loc["ikan-asin", "unmet_qty"] == pytest.approx(200.0)
    assert unmet.loc["ikan-asin", "value"] == pytest.approx(200.0 * 55000.0)
    assert unmet.loc["ikan-asin", "region_type"] == "highland_agriculture"
    assert unmet.loc["ikan-asin", "kabupaten"] == "Kota Batu"
    assert unmet.loc["kopi-bubuk", "no_supplier"] == 1
    assert unmet.loc["kopi-bubuk", "value"] == pytest.approx(20.0 * 140000.0)  # mid price

    unsold = gaps.unsold.set_index("product")
    assert unsold.loc["ikan-asin", "unsold_qty"] == pytest.approx(500.0)
    assert unsold.loc["kentang", "committed_qty"] == 0.0

    fish = gaps.producers[gaps.producers["product"] == "ikan-asin"]
    assert fish.loc[fish["kind"] == "existing", "pesantren_id"].tolist() == [2]


def test_possible_producers_come_from_the_region_types_that_make_the_product() -> None:
    m = market(
        offers=[offer(1, 2, "kentang")],
        needs=[need(10, 4, "kopi-bubuk"), need(11, 3, "kentang")],
    )
    # the hand-built catalogue has no produced_in: coffee has no producer to learn from,
    # potatoes are made where Paciran is (coastal_fisheries)
    gaps = market_gaps(m, [], find_candidates(m))
    potatoes = gaps.producers[gaps.producers["product"] == "kentang"]
    potential = potatoes[potatoes["kind"] == "potential"]
    assert set(potential["pesantren_id"]) <= {3, 4}  # coastal ones other than the maker
    assert potential["distance_km"].is_monotonic_increasing
    with_catalogue = m.with_frames(
        catalogue=m.catalogue.assign(
            produced_in=["coastal_fisheries", "", "", "", "highland_agriculture"]
        )
    )
    coffee = market_gaps(with_catalogue, [], None).producers
    coffee = coffee[(coffee["product"] == "kopi-bubuk") & (coffee["kind"] == "potential")]
    assert coffee["pesantren_id"].tolist() == [1]  # Batu, the only highland pondok


def test_fully_served_needs_leave_no_gap() -> None:
    m = market(offers=[offer(1, 2, "ikan-asin")], needs=[need(10, 1, "ikan-asin", quantity=300.0)])
    leg = Leg(
        2,
        1,
        offer_id=1,
        need_id=10,
        product="ikan-asin",
        quantity=300.0,
        unit_price=40000.0,
        distance_km=111.0,
        score=0.8,
    )
    gaps = market_gaps(m, [Plan(kind="trade", legs=(leg,), score=0.8)], find_candidates(m))
    assert gaps.unmet.empty
    assert gaps.unsold.set_index("product").loc["ikan-asin", "unsold_qty"] == pytest.approx(300.0)
