"""The round measurement command: one JSON line, or a clear error."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from matcher.bench_round import main


def test_a_synthetic_round_prints_its_time_stages_and_peak(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["40"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["timings"]) == {"candidates", "barter", "allocation", "gaps", "total"}
    assert out["peak_mb"] >= out["before_round_mb"] > 0


def test_a_file_that_is_not_a_market_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.pkl"
    path.write_bytes(pickle.dumps({"not": "a market"}))
    assert main([str(path)]) == 2
    assert "not a pickled matcher.Market" in capsys.readouterr().err


def test_a_missing_file_and_no_argument_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/market.pkl"]) == 2
    assert "error:" in capsys.readouterr().err
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err
