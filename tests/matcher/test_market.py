"""The Market contract: coercion to the documented columns and every validation rule."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from matcher.market import COLUMNS, Market, MarketError, empty_market, validate_market


def _frames() -> dict[str, pd.DataFrame]:
    return {
        "pesantren": pd.DataFrame(
            {
                "pesantren_id": [1, 2],
                "name": ["Pondok Apel", "Pondok Garam"],
                "regency_code": ["3579", "3529"],
                "kabupaten": ["Batu", "Sumenep"],
                "lat": [-7.87, -7.0],
                "lon": [112.52, 113.86],
                "region_types": ["highland_agriculture", "island;coastal_fisheries"],
                "santri": [300, 800],
            }
        ),
        "catalogue": pd.DataFrame(
            {
                "product": ["apel", "garam-krosok"],
                "name_id": ["Apel", "Garam krosok"],
                "name_en": ["Apples", "Coarse salt"],
                "category": ["fruit", "salt"],
                "base_unit": ["kg", "kg"],
                "shelf_life_class": ["fresh_weeks", "durable"],
                "price_min": [8000.0, 500.0],
                "price_max": [15000.0, 2000.0],
            }
        ),
        "offers": pd.DataFrame(
            {
                "listing_id": [10],
                "pesantren_id": [1],
                "product": ["apel"],
                "quantity": [500.0],
                "price": [9000.0],
                "last_confirmed": [pd.Timestamp("2026-11-01")],
            }
        ),
        "needs": pd.DataFrame(
            {
                "listing_id": [20],
                "pesantren_id": [2],
                "product": ["apel"],
                "quantity": [200.0],
                "max_price": [12000.0],
                "last_confirmed": [pd.Timestamp("2026-11-01")],
            }
        ),
    }


def test_from_frames_fills_defaults_and_documented_dtypes() -> None:
    market = Market.from_frames(**_frames(), as_of=dt.date(2026, 11, 23))
    for name, columns in COLUMNS.items():
        frame = getattr(market, name)
        assert list(frame.columns) == list(columns)
        assert {c: str(frame[c].dtype) for c in columns} == columns
    assert market.pesantren["track_record"].tolist() == [0.5, 0.5]
    assert market.needs["required_certs"].tolist() == [""]
    assert market.size == {
        "pesantren": 2,
        "offers": 1,
        "needs": 1,
        "products": 2,
        "certificates": 0,
    }


def test_from_frames_keeps_rows_together_whatever_the_callers_index() -> None:
    frames = _frames()
    frames["pesantren"] = frames["pesantren"].set_axis([7, 3])  # e.g. after a filter
    market = Market.from_frames(**frames)
    assert market.pesantren.set_index("pesantren_id")["name"].to_dict() == {
        1: "Pondok Apel",
        2: "Pondok Garam",
    }


def test_from_frames_never_mutates_the_callers_frames() -> None:
    frames = _frames()
    before = frames["offers"].copy()
    Market.from_frames(**frames)
    pd.testing.assert_frame_equal(frames["offers"], before)


def test_an_empty_market_is_valid() -> None:
    assert validate_market(empty_market()).size["offers"] == 0


@pytest.mark.parametrize(
    ("frame", "change", "problem"),
    [
        ("offers", {"quantity": [-5.0]}, "quantities must be positive"),
        ("offers", {"quantity": [0.0]}, "quantities must be positive"),
        ("offers", {"price": [-1.0]}, "negative price"),
        ("offers", {"product": ["durian"]}, "offers of unknown products"),
        ("offers", {"pesantren_id": [99]}, "offers of unknown pesantren"),
        ("needs", {"listing_id": [10]}, "used by both offers and needs"),
        ("needs", {"required_certs": ["halal;kosher"]}, "unknown certificate kinds"),
        ("pesantren", {"lat": [-7.87, -2.0]}, "outside East Java"),
        ("pesantren", {"region_types": ["mountain", "urban"]}, "unknown region types"),
        ("pesantren", {"pesantren_id": [1, 1]}, "pesantren: duplicate ids"),
        ("catalogue", {"shelf_life_class": ["frozen", "durable"]}, "unknown shelf-life"),
    ],
)
def test_validation_names_each_problem(
    frame: str, change: dict[str, list[object]], problem: str
) -> None:
    frames = _frames()
    frames[frame] = frames[frame].assign(**change)
    with pytest.raises(MarketError) as info:
        Market.from_frames(**frames)
    assert any(problem in p for p in info.value.problems), info.value.problems


def test_a_missing_column_without_default_is_reported_by_name() -> None:
    frames = _frames()
    frames["offers"] = frames["offers"].drop(columns="price")
    with pytest.raises(MarketError, match=r"offers: missing columns \['price'\]"):
        Market.from_frames(**frames)
