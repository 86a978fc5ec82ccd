"""The one rule for where the seed CSVs are (matcher.seed_files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.seed_files import MARKER, SEED_ENV, SeedDataNotFound, find_seed_dir

SEED_DIR = Path(__file__).resolve().parents[2] / "seed_data"


def test_the_source_checkouts_seed_data_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SEED_ENV, raising=False)
    assert find_seed_dir() == SEED_DIR


def test_the_environment_and_the_setting_come_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / MARKER).write_text("code\n", encoding="utf-8")
    monkeypatch.setenv(SEED_ENV, str(tmp_path))
    assert find_seed_dir() == tmp_path
    assert find_seed_dir(setting=SEED_DIR) == SEED_DIR  # the web app's SEED_PATH wins


def test_a_folder_without_the_seed_is_skipped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(SEED_ENV, str(tmp_path))  # empty: the next candidate is used
    assert find_seed_dir() == SEED_DIR


def test_a_given_path_is_the_only_one_tried_and_the_error_names_it(tmp_path: Path) -> None:
    with pytest.raises(SeedDataNotFound, match=rf"no seed data found .*{tmp_path}.*{SEED_ENV}"):
        find_seed_dir(tmp_path)
