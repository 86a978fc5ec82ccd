"""Supplier search: by need id or free text, with radius, certificate and region filters."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.candidates import find_candidates
from matcher.config import EngineConfig
from matcher.search import SupplierIndex, SupplierQuery, find_suppliers
from matcher.synthetic import synthetic_market
from tests.matcher.engine_markets import cert, market, need, offer


@pytest.fixture
def m():  # type: ignore[no-untyped-def]
    return market(
        offers=[
            offer(1, 2, "ikan-asin", price=45000.0),  # Paciran, coastal, halal
            offer(2, 3, "ikan-asin", price=42000.0),  # Sumenep, island, no certificate
            offer(3, 4, "ikan-asin", price=40000.0),  # Banyuwangi, coastal, halal
            offer(4, 5, "teri-asin", price=60000.0),  # Malang, substitute
            offer(5, 1, "ikan-asin", price=40000.0),  # Batu itself
        ],
        needs=[need(10, 1, "ikan-asin", required_certs="halal")],
        certificates=[cert(2, "ikan-asin"), cert(4, "ikan-asin")],
    )


def test_search_by_need_id_gives_the_needs_candidates_in_the_same_order(m) -> None:  # type: ignore[no-untyped-def]
    hits = SupplierIndex(m).search(10, k=10)
    cands = find_candidates(m)
    assert hits["offer_id"].tolist() == cands["offer_id"].tolist() == [1, 3]
    assert hits["score"].tolist() == pytest.approx(cands["score"].tolist())
    assert set(hits.columns) >= {"pesantren_id", "name", "kabupaten", "certs", "why_id", "why_en"}
    assert hits["why_id"].iloc[0].startswith("Pondok Pesisir Paciran, 111 km, halal")


def test_free_text_finds_the_product_and_its_substitutes_never_the_buyer_itself(m) -> None:  # type: ignore[no-untyped-def]
    hits = find_suppliers(m, SupplierQuery(product="gereh", quantity=300, pesantren_id=1))
    assert set(hits["offer_id"]) == {1, 2, 3, 4}
    assert set(hits["product"]) == {"ikan-asin", "teri-asin"}


def test_radius_certificate_and_region_filters_narrow_the_result(m) -> None:  # type: ignore[no-untyped-def]
    query = SupplierQuery(product="ikan-asin", lat=-7.87, lon=112.52)
    assert set(find_suppliers(m, query, radius_km=150)["offer_id"]) == {1, 4, 5}
    assert set(find_suppliers(m, query, required_certs="halal")["offer_id"]) == {1, 3}
    assert set(find_suppliers(m, query, region_type="island")["offer_id"]) == {2}
    assert set(find_suppliers(m, query, max_price=40000)["offer_id"]) == {2, 3, 5}


def test_k_limits_results_and_ties_go_to_the_lower_offer_id() -> None:
    m = synthetic_market(300, seed=8)
    need_id = int(m.needs["listing_id"].iloc[5])
    hits = SupplierIndex(m).search(need_id, k=3)
    assert len(hits) <= 3
    ordered = hits.sort_values(["score", "offer_id"], ascending=[False, True])
    assert hits["offer_id"].tolist() == ordered["offer_id"].tolist()


def test_search_agrees_with_candidates_on_a_synthetic_market() -> None:
    m = synthetic_market(300, seed=9)
    cfg = EngineConfig(top_k_per_need=5, candidate_pool=0)
    cands = find_candidates(m, cfg)
    index = SupplierIndex(m, cfg)
    for need_id in cands["need_id"].drop_duplicates().head(25):
        expected = cands.loc[cands["need_id"] == need_id, "offer_id"].tolist()
        assert index.search(int(need_id), k=5)["offer_id"].tolist() == expected


@pytest.mark.parametrize(
    ("query", "filters", "message"),
    [
        (999, {}, "unknown or resting need id 999"),
        (SupplierQuery(product="ikan-asin"), {"radius_km": 10}, "radius_km needs a location"),
        (SupplierQuery(product="ikan-asin"), {"required_certs": "kosher"}, "unknown certificate"),
        (SupplierQuery(product="ikan-asin"), {"region_type": "moon"}, "unknown region type"),
        (SupplierQuery(product="ikan-asin"), {"colour": "red"}, "unknown search filters"),
        (SupplierQuery(product="sepatu roda"), {}, "no product matches"),
    ],
)
def test_bad_queries_get_a_clear_error(m, query, filters, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        find_suppliers(m, query, **filters)


def test_quantities_in_other_units_are_converted_to_the_base_unit(m) -> None:  # type: ignore[no-untyped-def]
    index = SupplierIndex(m)
    in_kg = index.search(SupplierQuery(product="ikan-asin", quantity=1200, pesantren_id=1))
    in_kwintal = index.search(
        SupplierQuery(product="ikan-asin", quantity=12, unit="kwintal", pesantren_id=1)
    )
    pd.testing.assert_frame_equal(in_kg, in_kwintal)
    assert in_kg["s_quantity"].max() == pytest.approx(0.5)


# -- pages, orders, filters and the reason a result ranks above a nearer or cheaper one -------


def test_a_page_has_the_true_total_and_every_order_is_kept():
    from matcher.search import SEARCH_ORDERS

    index = SupplierIndex(synthetic_market(400, seed=11))
    q = SupplierQuery(product="ikan-asin", pesantren_id=1)
    everything = index.search(q, k=100_000)
    for order, (column, descending) in SEARCH_ORDERS.items():
        first = index.page(q, order=order, per_page=7)
        assert first.total == len(everything)
        assert first.pages == -(-first.total // 7)
        whole = index.page(q, order=order, per_page=None).rows
        assert sorted(whole["offer_id"]) == sorted(everything["offer_id"])
        exact = whole[whole["product"] == "ikan-asin"][column]
        ordered = exact.is_monotonic_decreasing if descending else exact.is_monotonic_increasing
        assert ordered, order
        assert list(first.rows["offer_id"]) == list(whole["offer_id"][:7])
    last = index.page(q, page=10**20, per_page=7)
    assert last.page == last.pages
    assert last.last == last.total


def test_curation_filter_keeps_only_those_statuses():
    m = synthetic_market(300, seed=12)
    m.pesantren.loc[m.pesantren["pesantren_id"] % 3 == 0, "curation"] = "export_ready"
    index = SupplierIndex(m)
    q = SupplierQuery(product="ikan-asin", pesantren_id=1, curation=("export_ready",))
    hits = index.page(q, per_page=None).rows
    assert len(hits)
    assert (hits["pesantren_id"] % 3 == 0).all()


def test_a_result_above_a_nearer_one_says_what_put_it_there():
    index = SupplierIndex(synthetic_market(400, seed=11))
    rows = index.page(SupplierQuery(product="ikan-asin", pesantren_id=1), per_page=None).rows
    said = rows[rows["above_en"] != ""]
    assert len(said)
    assert said["above_en"].str.startswith("Ranked above ").all()
    assert said["above_id"].str.startswith("Peringkat di atas ").all()
    assert (
        index.page(SupplierQuery(product="ikan-asin"), order="price").rows["above_id"] == ""
    ).all()
