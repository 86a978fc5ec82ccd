"""Explanations: one sentence per candidate and per plan, in Indonesian and English."""

from __future__ import annotations

import pytest

from matcher.candidates import find_candidates
from matcher.explain import (
    explain_candidate,
    explain_candidates,
    explain_plan,
    format_number,
    format_rupiah,
    plan_reasons,
)
from matcher.results import Leg, Plan
from tests.matcher.engine_markets import cert, market, need, offer


@pytest.fixture
def m():  # type: ignore[no-untyped-def]
    return market(
        offers=[
            offer(1, 2, "ikan-asin", quantity=600.0, price=55000.0),
            offer(2, 1, "kentang", quantity=1250.5, price=9000.0),
            offer(3, 3, "teri-asin", quantity=80.0, price=70000.0),
        ],
        needs=[need(10, 1, "ikan-asin"), need(11, 2, "kentang"), need(12, 5, "ikan-asin")],
        certificates=[cert(2, "ikan-asin")],
    )


def test_numbers_follow_each_language() -> None:
    assert format_number(1250.5, "id", 1) == "1.250,5"
    assert format_number(1250.5, "en", 1) == "1,250.5"
    assert format_rupiah(55000, "id") == "Rp 55.000"
    assert format_rupiah(55000, "en") == "Rp 55,000"


def test_a_candidate_reads_as_one_sentence_in_indonesian_and_english(m) -> None:  # type: ignore[no-untyped-def]
    c = find_candidates(m).set_index(["need_id", "offer_id"])
    row = {**c.loc[(10, 1)].to_dict(), "need_id": 10, "offer_id": 1}
    text_id = explain_candidate(row, m, "id")
    text_en = explain_candidate(row, m, "en")
    assert text_id == (
        "Pondok Pesisir Paciran, 111 km, halal, memproduksi 600 kg/bulan Ikan asin "
        "dengan harga Rp 55.000/kg; pesisir ↔ dataran tinggi"
    )
    assert text_en == (
        "Pondok Pesisir Paciran, 111 km, halal, produces 600 kg/month salted dried fish "
        "at Rp 55,000/kg; coastal ↔ highland"
    )


def test_a_substitute_says_what_it_replaces(m) -> None:  # type: ignore[no-untyped-def]
    c = find_candidates(m)
    sub = c[c["substitute"]].head(1)
    assert "(pengganti Ikan asin)" in explain_candidates(sub, m, "id").iloc[0]
    assert "(substitute for salted dried fish)" in explain_candidates(sub, m, "en").iloc[0]


def test_plans_explain_trades_pairs_and_cycles_in_both_languages(m) -> None:  # type: ignore[no-untyped-def]
    fish = Leg(
        2,
        1,
        offer_id=1,
        need_id=10,
        product="ikan-asin",
        quantity=100.0,
        unit_price=55000.0,
        distance_km=111.3,
        score=0.8,
    )
    potato = Leg(
        1,
        2,
        offer_id=2,
        need_id=11,
        product="kentang",
        quantity=611.1,
        unit_price=9000.0,
        distance_km=111.3,
        score=0.8,
    )
    trade = Plan(kind="trade", legs=(fish,), score=0.8)
    assert explain_plan(trade, m, "id") == (
        "Pondok Pesisir Paciran memasok 100 kg/bulan Ikan asin ke Pondok Apel Batu (111 km) "
        "senilai Rp 5.500.000/bulan; pesisir ↔ dataran tinggi"
    )
    pair = Plan(kind="barter_pair", legs=(fish, potato), score=0.8)
    reasons = plan_reasons(pair, m)
    assert reasons["en"].startswith("Barter: Pondok Pesisir Paciran gives 100 kg/month salted")
    assert "⇄ Pondok Apel Batu gives 611 kg/month potatoes" in reasons["en"]
    assert "masing-masing senilai Rp 5." in reasons["id"]
    salt = Leg(
        3,
        2,
        offer_id=3,
        need_id=12,
        product="teri-asin",
        quantity=1.0,
        unit_price=70000.0,
        distance_km=165.0,
        score=0.7,
    )
    cycle = Plan(kind="barter_cycle", legs=(fish, potato, salt), score=0.7)
    assert explain_plan(cycle, m, "id").startswith("Barter berantai 3 pondok: ")
    assert "each leg worth Rp" in explain_plan(cycle, m, "en")


def test_an_unknown_language_is_refused(m) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        explain_plan(Plan(kind="trade", legs=(), score=0.0), m, "fr")  # type: ignore[arg-type]
