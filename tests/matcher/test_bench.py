"""The benchmark harness runs end to end at a tiny size (timings are reported, never asserted)."""

from __future__ import annotations

import pytest

from matcher.bench import bench_one, greedy_cycles, main, naive_candidates
from matcher.candidates import find_candidates
from matcher.synthetic import synthetic_market


def test_the_naive_baseline_finds_the_same_top_candidates_as_the_engine() -> None:
    m = synthetic_market(80, seed=2)
    naive = naive_candidates(m)
    engine = find_candidates(m)
    assert set(zip(naive["need_id"], naive["offer_id"], strict=True)) == set(
        zip(engine["need_id"], engine["offer_id"], strict=True)
    )


def test_greedy_cycles_never_reuse_a_pesantren() -> None:
    cycles, weight = greedy_cycles(naive_candidates(synthetic_market(80, seed=3)))
    members = [p for c in cycles for p in c]
    assert len(members) == len(set(members))
    assert weight >= 0


def test_one_size_reports_every_stage_search_times_and_the_baseline() -> None:
    out = bench_one(60, seed=1, baseline_max=100, queries=20)
    assert {"candidates", "graph", "barter", "allocation", "gaps", "total"} <= set(out["timings"])
    assert out["search"]["search_median_ms"] > 0
    assert out["naive"]["agreement"] == pytest.approx(1.0)
    assert out["peak_rss_mb"] > 0
    # the exact clearing proves its optimum and is never below the greedy baseline
    assert out["stats"]["barter_optimal"]
    assert out["stats"]["barter_gap"] <= 1e-4
    assert out["stats"]["barter_objective"] >= out["greedy_objective"] - 1e-6


def test_the_command_prints_a_markdown_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sizes", "40", "--baseline-max", "40", "--queries", "10"]) == 0
    printed = capsys.readouterr().out
    assert "| pesantren | listings | candidates s" in printed
    assert "speed-up" in printed


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(SystemExit):
        main(["--sizes", "many"])
