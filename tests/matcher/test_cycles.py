"""pack_cycles: the kidney-exchange core of barter clearing, checked against brute force."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

from matcher.cycles import bounded_cycles, solve_packing
from matcher.packing import pack_cycles
from tests.matcher.cycle_oracle import best_packing_weight, canonical, random_graph, total_weight


def test_empty_graph_has_no_cycles() -> None:
    assert pack_cycles(nx.DiGraph()).cycles == []


def test_a_pair_is_one_barter() -> None:
    assert pack_cycles(nx.DiGraph([(2, 1), (1, 2)])).cycles == [[1, 2]]


def test_a_ring_of_three_starts_at_its_smallest_node() -> None:
    assert pack_cycles(nx.DiGraph([(3, 1), (1, 2), (2, 3)])).cycles == [[1, 2, 3]]


def test_a_one_way_path_is_not_a_barter() -> None:
    assert pack_cycles(nx.DiGraph([(1, 2), (2, 3)])).cycles == []


def test_self_loops_are_ignored() -> None:
    assert pack_cycles(nx.DiGraph([(1, 1), (1, 2), (2, 1)])).cycles == [[1, 2]]


def test_overlapping_cycles_share_a_node_only_once() -> None:
    G = nx.DiGraph([(1, 2), (2, 1), (2, 3), (3, 2)])
    chosen = pack_cycles(G).cycles
    assert len(chosen) == 1
    assert chosen[0] in ([1, 2], [2, 3])


def test_capacity_two_lets_a_node_join_two_barters() -> None:
    G = nx.DiGraph([(1, 2), (2, 1), (2, 3), (3, 2)])
    G.nodes[2]["capacity"] = 2
    assert pack_cycles(G).cycles == [[1, 2], [2, 3]]


def test_capacity_zero_keeps_a_node_out() -> None:
    G = nx.DiGraph([(1, 2), (2, 1)])
    G.nodes[1]["capacity"] = 0
    assert pack_cycles(G).cycles == []


def test_heavier_ring_beats_lighter_pair() -> None:
    G = nx.DiGraph()
    G.add_edge(1, 2, weight=1.0)
    G.add_edge(2, 1, weight=1.0)
    G.add_edge(2, 3, weight=1.0)
    G.add_edge(3, 1, weight=1.0)
    assert pack_cycles(G).cycles == [[1, 2, 3]]
    G.edges[2, 1]["weight"] = 5.0
    assert pack_cycles(G).cycles == [[1, 2]]


@pytest.mark.parametrize(
    ("max_length", "expected"),
    [(2, []), (3, [[1, 2, 3]]), (4, [[1, 2, 3], [4, 5, 6, 7]])],
)
def test_max_length_bounds_the_ring_size(max_length: int, expected: list[list[int]]) -> None:
    G = nx.DiGraph([(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 7), (7, 4)])
    assert pack_cycles(G, max_length=max_length).cycles == expected


def test_string_and_tuple_labels_work() -> None:
    G = nx.DiGraph([("pondok-b", "pondok-a"), ("pondok-a", "pondok-b")])
    assert pack_cycles(G).cycles == [["pondok-a", "pondok-b"]]
    T = nx.DiGraph([((2, "x"), (1, "y")), ((1, "y"), (3, "z")), ((3, "z"), (2, "x"))])
    assert pack_cycles(T).cycles == [[(1, "y"), (3, "z"), (2, "x")]]


def test_mixed_unorderable_labels_still_give_one_answer() -> None:
    G = nx.DiGraph([(1, "a"), ("a", 1), ("a", (0,)), ((0,), "a")])
    first = pack_cycles(G).cycles
    assert len(first) == 1
    assert pack_cycles(nx.DiGraph(list(reversed(list(G.edges))))).cycles == first


def test_custom_attribute_names() -> None:
    G = nx.DiGraph()
    G.add_edge("u", "v", value=3.0)
    G.add_edge("v", "u", value=3.0)
    G.add_edge("v", "w", value=1.0)
    G.add_edge("w", "v", value=1.0)
    G.nodes["v"]["slots"] = 2
    assert pack_cycles(G, weight="value", capacity="slots").cycles == [["u", "v"], ["v", "w"]]


def test_non_positive_weight_cycles_are_never_chosen() -> None:
    G = nx.DiGraph()
    G.add_edge(1, 2, weight=-1.0)
    G.add_edge(2, 1, weight=0.5)
    assert pack_cycles(G).cycles == []


@pytest.mark.parametrize("max_length", [0, 1, 2.5, True, "3"])
def test_bad_max_length_is_rejected(max_length: object) -> None:
    with pytest.raises(ValueError, match="max_length"):
        pack_cycles(nx.DiGraph([(1, 2), (2, 1)]), max_length=max_length)  # type: ignore[arg-type]


@pytest.mark.parametrize("graph", [nx.Graph([(1, 2)]), nx.MultiDiGraph([(1, 2), (2, 1)]), [1]])
def test_non_digraphs_are_rejected(graph: object) -> None:
    with pytest.raises(TypeError, match="DiGraph"):
        pack_cycles(graph)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [-1, float("nan"), "two", None])
def test_bad_capacity_names_the_node(value: object) -> None:
    G = nx.DiGraph([(1, 2), (2, 1)])
    G.nodes[2]["capacity"] = value
    with pytest.raises(ValueError, match="capacity of node 2"):
        pack_cycles(G)


@pytest.mark.parametrize("value", [float("inf"), "heavy"])
def test_bad_weight_names_the_edge(value: object) -> None:
    G = nx.DiGraph([(1, 2), (2, 1)])
    G.edges[2, 1]["weight"] = value
    with pytest.raises(ValueError, match="weight of edge 2 -> 1"):
        pack_cycles(G)


@pytest.mark.parametrize("seed", range(150))
def test_bounded_cycles_lists_each_short_cycle_exactly_once(seed: int) -> None:
    G = random_graph(seed)
    for max_length in (2, 3, 4):
        ours = [tuple(c) for c in bounded_cycles(G, max_length)]
        assert len(ours) == len(set(ours))
        theirs = {canonical(c) for c in nx.simple_cycles(G, length_bound=max_length) if len(c) > 1}
        assert set(ours) == theirs


@pytest.mark.parametrize("seed", range(150))
def test_pack_cycles_matches_brute_force(seed: int) -> None:
    G = random_graph(seed)
    for max_length in (2, 3, 4):
        chosen = pack_cycles(G, max_length=max_length).cycles
        use = Counter(n for c in chosen for n in c)
        assert all(use[n] <= G.nodes[n].get("capacity", 1) for n in use)
        assert len({canonical(c) for c in chosen}) == len(chosen)
        assert all(2 <= len(c) <= max_length for c in chosen)
        assert total_weight(G, chosen) == pytest.approx(best_packing_weight(G, max_length))


def test_same_graph_gives_the_same_answer() -> None:
    G = random_graph(7)
    H = nx.DiGraph()
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(data=True))))
    assert pack_cycles(G, 4).cycles == pack_cycles(G, 4).cycles
    assert total_weight(G, pack_cycles(G, 4).cycles) == pytest.approx(
        total_weight(H, pack_cycles(H, 4).cycles)
    )


def test_solve_packing_reports_an_optimum_with_no_gap() -> None:
    sol = solve_packing([[1, 2], [2, 3], [3, 4]], [1.0, 1.5, 1.0], {})
    assert sol.optimal
    assert sol.chosen == (0, 2)
    assert sol.objective == pytest.approx(2.0)
    assert sol.gap == pytest.approx(0.0, abs=1e-6)
