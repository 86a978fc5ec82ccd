"""Numbers, money, dates, times and labels follow the reader's language; times are WIB."""

from __future__ import annotations

import csv
import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import pytest

from webapp import formatting as fm
from webapp.labels import CATEGORY_LABELS

SEED = Path(__file__).resolve().parents[2] / "seed_data" / "products.csv"


@contextmanager
def _in(app, language: str):
    from flask_babel import refresh

    with app.test_request_context(f"/?lang={language}"):
        refresh()  # the test's app context (and its cached locale) outlives the request
        yield


def test_a_moment_is_shown_in_wib(app):
    late = dt.datetime(2026, 12, 3, 20, 30, tzinfo=dt.UTC)  # 03:30 the next day in East Java
    with _in(app, "id"):
        assert fm.moment(late) == "4 Des 2026 03.30 WIB"
        assert fm.day(late) == "4 Des 2026"
    with _in(app, "en"):
        assert fm.moment(late.replace(tzinfo=None)) == "Dec 4, 2026 3:30\u202fAM WIB"


@pytest.mark.parametrize(("language", "shown"), [("id", "0,70"), ("en", "0.70")])
def test_a_score_has_two_decimals_in_the_readers_format(app, language, shown):
    with _in(app, language):
        assert fm.number(0.7) == shown


def test_every_catalogue_category_has_a_label():
    with open(SEED, newline="", encoding="utf-8") as fh:
        categories = {row["category"] for row in csv.DictReader(fh)}
    assert categories - set(CATEGORY_LABELS) == set()


def test_categories_read_in_indonesian(app):
    with _in(app, "id"):
        assert fm.category("fish & seafood") == "ikan & hasil laut"
        assert fm.category("staples & groceries") == "bahan pokok & kelontong"
    with _in(app, "en"):
        assert fm.category("fish & seafood") == "fish & seafood"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("snapshot: reading listings", "membaca daftar penawaran dan kebutuhan"),
        (
            "engine: 1200 pesantren, 5000 offers, 4800 needs",
            "mencocokkan 1.200 pesantren, 5.000 penawaran dan 4.800 kebutuhan",
        ),
        ("storing 42 proposals", "menyimpan 42 usulan"),
    ],
)
def test_round_progress_reads_in_indonesian(app, stored, shown):
    with _in(app, "id"):
        assert fm.round_progress(stored) == shown


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("superseded by round 3", "digantikan oleh putaran 3"),
        ("other: gudang penuh", "Lainnya: gudang penuh"),
        ("price", "Harga"),
    ],
)
def test_history_reasons_read_in_indonesian(app, stored, shown):
    with _in(app, "id"):
        assert fm.event_reason(stored) == shown


def test_a_state_in_a_refusal_is_named_in_the_readers_language(app):
    with _in(app, "id"):
        assert fm.state_label("declined") == "ditolak"
