"""pack_cycles' two formulations: brute force on small graphs, agreement on medium seeded
graphs, and a time-limited run that returns a valid packing with its gap."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

from matcher.bench_cycles import bench_cycles, main
from matcher.cycles import cycle_weight
from matcher.mip import solve_binary
from matcher.packing import CyclePacking, pack_cycles
from matcher.synthetic_graphs import kidney_pool, random_weighted_digraph
from tests.matcher.cycle_oracle import best_packing_weight, canonical, random_graph


def _assert_valid(G: nx.DiGraph, result: CyclePacking, max_length: int) -> None:
    use = Counter(n for c in result.cycles for n in c)
    assert all(use[n] <= G.nodes[n].get("capacity", 1) for n in use)
    assert len({canonical(c) for c in result.cycles}) == len(result.cycles)
    for cycle in result.cycles:
        assert 2 <= len(cycle) <= max_length
        assert all(G.has_edge(u, v) for u, v in zip(cycle, [*cycle[1:], cycle[0]], strict=True))
    total = sum(cycle_weight(G, c) for c in result.cycles)
    assert result.objective == pytest.approx(total)
    assert result.bound >= result.objective - 1e-9


def _unit_capacities(seed: int) -> nx.DiGraph:
    G = random_graph(seed)
    for node in G:
        G.nodes[node]["capacity"] = min(G.nodes[node].get("capacity", 1), 1)
    return G


@pytest.mark.parametrize("seed", range(120))
def test_pief_matches_brute_force(seed: int) -> None:
    G = _unit_capacities(seed)
    for max_length in (2, 3, 4):
        result = pack_cycles(G, max_length, formulation="pief")
        _assert_valid(G, result, max_length)
        assert result.formulation == "pief"
        assert result.status == "optimal"
        assert result.gap == 0.0
        assert result.objective == pytest.approx(best_packing_weight(G, max_length))


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_every_solver_finds_the_brute_force_optimum(solver: str) -> None:
    for seed in range(15):
        G = _unit_capacities(seed)
        for formulation in ("cycle", "pief"):
            result = pack_cycles(G, 4, formulation=formulation, solver=solver)
            assert result.objective == pytest.approx(best_packing_weight(G, 4))


@pytest.mark.parametrize(
    ("graph", "max_length"),
    [
        (random_weighted_digraph(60, 0.1, seed=3), 3),
        (random_weighted_digraph(40, 0.12, seed=4), 4),
        (kidney_pool(40, seed=5), 3),
        (kidney_pool(30, seed=6), 4),
    ],
    ids=["random60-L3", "random40-L4", "kidney40-L3", "kidney30-L4"],
)
def test_pief_and_the_cycle_formulation_agree_on_medium_graphs(
    graph: nx.DiGraph, max_length: int
) -> None:
    cycle = pack_cycles(graph, max_length, formulation="cycle")
    pief = pack_cycles(graph, max_length, formulation="pief")
    assert cycle.optimal
    assert pief.optimal
    assert cycle.objective > 0
    assert pief.objective == pytest.approx(cycle.objective)
    _assert_valid(graph, pief, max_length)
    _assert_valid(graph, cycle, max_length)


@pytest.mark.parametrize("formulation", ["pief", "cycle"])
def test_a_time_limit_returns_a_valid_packing_with_its_gap(formulation: str) -> None:
    # far too large to prove in a tenth of a second: the answer is what was reached
    G = kidney_pool(120, seed=2)
    result = pack_cycles(G, 3, time_limit=0.1, formulation=formulation, solver="highs")
    _assert_valid(G, result, 3)
    assert result.status == "time_limit"
    assert result.objective > 0  # at least the greedy packing
    assert 0 < result.gap < 1
    assert result.gap == pytest.approx((result.bound - result.objective) / result.bound)
    # unit weights: the cycle-cover bound never exceeds one per node
    assert result.bound <= G.number_of_nodes()


def test_the_automatic_choice_follows_cycle_length_and_capacities() -> None:
    G = random_weighted_digraph(30, 0.1, seed=1)
    assert pack_cycles(G, 3).formulation == "cycle"
    assert pack_cycles(G, 4).formulation == "pief"
    nx.set_node_attributes(G, 2, "capacity")
    assert pack_cycles(G, 4).formulation == "cycle"  # PIEF takes capacities of 0 or 1 only


def test_pief_refuses_capacities_above_one() -> None:
    G = nx.DiGraph([(1, 2), (2, 1)])
    G.nodes[1]["capacity"] = 2
    with pytest.raises(ValueError, match="capacities of 0 or 1"):
        pack_cycles(G, formulation="pief")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"formulation": "lp"}, "unknown formulation"),
        ({"solver": "gurobi"}, "unknown MIP solver"),
        ({"time_limit": 0}, "time_limit must be positive"),
        ({"time_limit": "soon"}, "time_limit must be positive"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pack_cycles(nx.DiGraph([(1, 2), (2, 1)]), **kwargs)  # type: ignore[arg-type]


def test_a_zero_capacity_node_joins_no_cycle_in_either_formulation() -> None:
    G = nx.DiGraph([(1, 2), (2, 1), (2, 3), (3, 2)])
    G.nodes[2]["capacity"] = 0
    for formulation in ("cycle", "pief"):
        assert pack_cycles(G, 4, formulation=formulation).cycles == []


def test_solve_binary_refuses_an_unknown_solver() -> None:
    import numpy as np
    import scipy.sparse as sp

    with pytest.raises(ValueError, match="unknown MIP solver"):
        solve_binary(np.ones(1), sp.csr_array(np.ones((1, 1))), np.zeros(1), np.ones(1), solver="x")


def test_the_benchmark_reports_every_run() -> None:
    rows = bench_cycles([("random30", 4)], [("cycle", "highs"), ("pief", "cbc")], time_limit=30)
    assert [r["formulation"] for r in rows] == ["cycle", "pief"]
    assert rows[0]["objective"] == pytest.approx(rows[1]["objective"])
    assert all(r["status"] == "optimal" and r["gap"] == 0.0 for r in rows)


def test_the_benchmark_command_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--instances", "kidney20:3", "--runs", "auto/highs", "--time-limit", "20"]) == 0
    out = capsys.readouterr().out
    assert "| instance | nodes | arcs | L |" in out
    assert "| kidney20 | 20 |" in out


def test_the_benchmark_command_refuses_a_bad_instance() -> None:
    with pytest.raises(SystemExit):
        main(["--instances", "kidney20"])
