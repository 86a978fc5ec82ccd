"""Trade graph: pesantren as nodes with their attributes, who-can-supply-whom as edges."""

from __future__ import annotations

import pytest

from matcher.candidates import find_candidates
from matcher.graph import trade_graph
from matcher.synthetic import synthetic_market
from tests.matcher.engine_markets import market, need, offer


def test_edges_carry_candidates_best_score_and_value_and_nodes_their_place() -> None:
    m = market(
        offers=[offer(1, 2, "ikan-asin", price=50000.0), offer(2, 1, "kentang", price=9000.0)],
        needs=[need(10, 1, "ikan-asin", quantity=300.0), need(11, 2, "kentang")],
    )
    cands = find_candidates(m)
    G = trade_graph(m, cands)
    assert set(G.nodes) == {1, 2, 3, 4, 5}
    assert set(G.edges) == {(2, 1), (1, 2)}
    edge = G.edges[2, 1]
    assert edge["candidates"] == [(1, 10, "ikan-asin", pytest.approx(edge["weight"]))]
    assert edge["value"] == pytest.approx(300.0 * 50000.0)
    node = G.nodes[1]
    assert node["name"] == "Pondok Apel Batu"
    assert node["region_types"] == ["highland_agriculture", "urban"]
    assert (node["kabupaten"], node["lat"], node["lon"]) == ("Kota Batu", -7.87, 112.52)
    assert node["regency_code"] == "3579"


def test_max_partners_keeps_each_buyers_best_suppliers() -> None:
    m = synthetic_market(200, seed=2)
    cands = find_candidates(m)
    full = trade_graph(m, cands)
    pruned = trade_graph(m, cands, max_partners=3)
    assert max(d for _, d in pruned.in_degree()) <= 3
    for _u, v, data in pruned.edges(data=True):
        best_three = sorted(
            (full.edges[w, v]["weight"] for w in full.predecessors(v)), reverse=True
        )[:3]
        assert data["weight"] >= best_three[-1] - 1e-12


def test_every_candidate_appears_on_its_edge() -> None:
    m = synthetic_market(120, seed=3)
    cands = find_candidates(m)
    G = trade_graph(m, cands)
    on_edges = sum(len(d["candidates"]) for _, _, d in G.edges(data=True))
    assert on_edges == len(cands)
    for row in cands.head(50).itertuples():
        assert (row.offer_id, row.need_id) in {
            (c[0], c[1]) for c in G.edges[row.supplier_id, row.buyer_id]["candidates"]
        }


def test_missing_candidate_columns_are_named() -> None:
    m = synthetic_market(20, seed=1)
    with pytest.raises(ValueError, match="candidates lack columns"):
        trade_graph(m, find_candidates(m).drop(columns=["score"]))
