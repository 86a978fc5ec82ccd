"""Units, numbers and periods as officers type them in spreadsheets and forms."""

from __future__ import annotations

import math

import pytest

from matcher.number_text import parse_number
from matcher.units import (
    UNITS,
    AltUnit,
    UnitError,
    normalise_period,
    normalise_unit,
    parse_alt_unit,
    per_month,
    to_base,
    units_for,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.250,5", 1250.5),
        ("1,250.5", 1250.5),
        ("1250", 1250.0),
        (" 1 250 ", 1250.0),
        ("Rp 55.000", 55000.0),
        ("Rp55.000,-", 55000.0),
        ("IDR 1,500,000", 1500000.0),
        ("1.250", 1250.0),  # Indonesian thousands dot
        ("1.250.000", 1250000.0),
        ("0,75", 0.75),
        ("12,5", 12.5),
        ("1.5", 1.5),
        ("0.250", 0.25),
        ("1.2345", 1.2345),
        ("-3", -3.0),
        ("\u00a01\u00a0250\u00a0", 1250.0),
        ("+7", 7.0),
        (42, 42.0),
        (2.5, 2.5),
    ],
)
def test_numbers_in_indonesian_and_english_formats_parse(
    text: str | float, expected: float
) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    ["", "  ", "dua", "1..2", "1,2,3", "12a", "1.25.0", "1 25", "Rp", ",5", "5.", "1.2.3,4,5"],
)
def test_garbage_numbers_are_rejected_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="not a number") as info:
        parse_number(text)
    assert repr(text.strip()) in str(info.value)


@pytest.mark.parametrize("value", [math.nan, math.inf, True])
def test_non_finite_and_boolean_values_are_not_numbers(value: float) -> None:
    with pytest.raises(ValueError, match="number"):
        parse_number(value)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kg", "kg"),
        ("kilo", "kg"),
        ("kg.", "kg"),
        ("KG ", "kg"),
        ("kilogram", "kg"),
        ("liter", "liter"),
        ("ltr", "liter"),
        ("L", "liter"),
        ("lusin", "lusin"),
        ("dozen", "lusin"),
        ("pcs", "pcs"),
        ("buah", "pcs"),
        ("biji", "pcs"),
        ("karung", "karung"),
        ("sak", "karung"),
        ("ton", "ton"),
        ("kwintal", "kwintal"),
        ("kuintal", "kwintal"),
        ("kw", "kwintal"),
        ("ons", "ons"),
        ("kodi", "kodi"),
        ("gros", "gros"),
        ("galon", "galon"),
        ("rak telur", "tray-telur"),
        ("bungkus", "pack"),
        ("per kg", "kg"),
    ],
)
def test_units_as_people_type_them_normalise_to_codes(text: str, code: str) -> None:
    assert normalise_unit(text) == code


def test_unknown_unit_error_suggests_close_units() -> None:
    with pytest.raises(UnitError, match=r"unknown unit 'karungg'; did you mean karung"):
        normalise_unit("karungg")


def test_empty_unit_is_an_error() -> None:
    with pytest.raises(UnitError, match="unit is empty"):
        normalise_unit("  ")


@pytest.mark.parametrize(
    ("quantity", "unit", "base", "size", "expected"),
    [
        (3, "kwintal", "kg", None, 300.0),
        (2, "ton", "kg", None, 2000.0),
        (5, "ons", "kg", None, 0.5),
        (2, "pon", "kg", None, 1.0),
        (250, "g", "kg", None, 0.25),
        (2, "lusin", "pcs", None, 24.0),
        (3, "kodi", "pcs", None, 60.0),
        (1, "gros", "pcs", None, 144.0),
        (2, "galon", "liter", None, 38.0),
        (38, "liter", "galon", None, 2.0),
        (500, "ml", "liter", None, 0.5),
        (4, "pcs", "pasang", None, 2.0),
        (2, "karung", "kg", 50, 100.0),
        (1, "krat", "pcs", None, 24.0),
        (1, "krat", "kg", 22, 22.0),  # a stated size overrides the convention
        (3, "jerigen", "liter", 18, 54.0),
        (2, "kwintal", "kg", 100, 200.0),  # a size agreeing with the exact one is fine
        (7, "kg", "kg", None, 7.0),
        (0, "kg", "kg", None, 0.0),
        (2, "Kilo", "KG", None, 2.0),
    ],
)
def test_quantities_convert_to_the_base_unit(
    quantity: float, unit: str, base: str, size: float | None, expected: float
) -> None:
    assert to_base(quantity, unit, base, unit_size=size) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("args", "size", "message"),
    [
        ((1, "liter", "kg"), None, r"cannot convert liter \(volume\) to kg \(mass\)"),
        ((1, "kodi", "kg"), None, r"cannot convert kodi \(count\) to kg"),
        ((1, "karung", "kg"), None, "the size of a karung varies; state how many kg"),
        ((1, "peti", "kg"), None, "the size of a peti varies"),
        ((1, "dus", "pcs"), None, "the size of a dus varies"),
        ((-1, "kg", "kg"), None, "quantity must be zero or more"),
        ((math.nan, "kg", "kg"), None, "quantity must be a finite number"),
        ((1, "karung", "kg"), 0, "unit_size must be positive"),
        ((1, "karung", "kg"), -50, "unit_size must be positive"),
        ((2, "kwintal", "kg"), 50, "1 kwintal is always 100 kg, not the stated unit_size 50"),
        ((2, "kg", "kg"), 50, "kg is the base unit"),
        ((1, "kgg", "kg"), None, "unknown unit 'kgg'"),
    ],
)
def test_impossible_conversions_raise_unit_error_saying_why(
    args: tuple[float, str, str], size: float | None, message: str
) -> None:
    with pytest.raises(UnitError, match=message):
        to_base(*args, unit_size=size)


def test_numpy_numbers_from_data_frames_are_accepted() -> None:
    import numpy as np

    assert to_base(np.int64(3), "kwintal", "kg", unit_size=None) == 300.0
    assert to_base(np.float64(2.0), "karung", "kg", unit_size=np.int64(50)) == 100.0
    assert parse_number(np.int64(1250)) == 1250.0


def test_quantity_that_is_text_is_rejected() -> None:
    with pytest.raises(UnitError, match="quantity must be a number"):
        to_base("5", "kg", "kg")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("quantity", "period", "expected"),
    [
        (10, "day", 10 * 365 / 12),
        (10, "hari", 10 * 365 / 12),
        (7, "minggu", 7 * 365 / 12 / 7),
        (100, "month", 100.0),
        (100, "Bulan", 100.0),
        (1200, "tahun", 100.0),
        (1200, "per year", 100.0),
        (5, "pekan", 5 * 365 / 84),
    ],
)
def test_quantities_per_period_become_per_month(
    quantity: float, period: str, expected: float
) -> None:
    assert per_month(quantity, period) == pytest.approx(expected)


def test_unknown_period_is_an_error_listing_the_periods() -> None:
    with pytest.raises(
        UnitError, match=r"unknown period 'fortnight'; expected day/week/month/year"
    ):
        normalise_period("fortnight")


def test_negative_quantity_per_period_is_an_error() -> None:
    with pytest.raises(UnitError, match="zero or more"):
        per_month(-1, "month")


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        ("karung 50 kg", None, AltUnit("karung", 50.0)),
        ("karung 50 kg", "kg", AltUnit("karung", 50.0)),
        ("karung (~50 kg)", "kg", AltUnit("karung", 50.0)),
        ("dus (40 bungkus)", None, AltUnit("dus", 40.0)),
        ("dus (40 pcs)", "pcs", AltUnit("dus", 40.0)),
        ("dus 12 x 1 L", "liter", AltUnit("dus", 12.0)),
        ("peti (15 kg)", "kg", AltUnit("peti", 15.0)),
        ("pack 250 g", "kg", AltUnit("pack", 0.25)),
        ("tray 30 butir", "pcs", AltUnit("tray-telur", 30.0)),
        ("tray 30 butir", "kg", AltUnit("tray-telur", None)),  # eggs by count, base by weight
        ("kwintal", "kg", AltUnit("kwintal", None)),
        ("karung (50-85 kg)", "kg", AltUnit("karung", None)),
        ("bal (bundle of packs)", "kg", AltUnit("bal", None)),
        ("sak 25 kg", "kg", AltUnit("karung", 25.0)),
    ],
)
def test_alternative_units_parse_to_code_and_size(
    text: str, base: str | None, expected: AltUnit
) -> None:
    assert parse_alt_unit(text, base) == expected


def test_alternative_unit_that_is_not_a_unit_is_an_error() -> None:
    with pytest.raises(UnitError, match="unknown unit 'truk'"):
        parse_alt_unit("truk")


def test_units_for_offers_base_then_alternatives_then_common_units() -> None:
    assert units_for("kg", "karung 50 kg|kwintal") == [
        "kg",
        "karung",
        "kwintal",
        "g",
        "ons",
        "pon",
        "ton",
    ]
    assert units_for("pcs", ["kodi", "lusin"]) == ["pcs", "kodi", "lusin", "gros"]
    assert units_for("liter", "jerigen 18 L|truk")[:2] == ["liter", "jerigen"]


def test_units_for_a_service_offers_only_its_own_unit() -> None:
    assert units_for("porsi") == ["porsi"]


def test_every_unit_with_a_size_converts_to_its_dimension_base() -> None:
    for unit in UNITS.values():
        if unit.size is not None:
            assert to_base(1, unit.code, unit.base) == pytest.approx(unit.size), unit.code
