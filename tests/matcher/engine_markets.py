"""Small hand-built markets for the engine tests: every distance and rule is known."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from matcher.market import Market

AS_OF = dt.date(2026, 11, 23)

#: id, name, kabupaten, lat, lon, region types
PESANTREN = [
    (1, "Pondok Apel Batu", "Kota Batu", -7.87, 112.52, "highland_agriculture;urban"),
    (2, "Pondok Pesisir Paciran", "Lamongan", -6.88, 112.37, "coastal_fisheries;lowland_farming"),
    (3, "Pondok Garam Sumenep", "Sumenep", -7.01, 113.86, "island;coastal_fisheries"),
    (4, "Pondok Muncar", "Banyuwangi", -8.43, 114.33, "coastal_fisheries"),
    (5, "Pondok Kota Malang", "Kota Malang", -7.98, 112.63, "urban"),
]

CATALOGUE = pd.DataFrame(
    {
        "product": ["ikan-asin", "teri-asin", "ikan-tongkol-segar", "kentang", "kopi-bubuk"],
        "name_id": ["Ikan asin", "Ikan teri asin", "Ikan tongkol segar", "Kentang", "Kopi bubuk"],
        "name_en": [
            "Salted dried fish",
            "Salted dried anchovy",
            "Fresh little tuna",
            "Potatoes",
            "Ground roasted coffee",
        ],
        "category": ["fish", "fish", "fish", "produce", "beverages"],
        "base_unit": ["kg"] * 5,
        "shelf_life_class": ["dry_months", "dry_months", "chilled", "fresh_weeks", "dry_months"],
        "price_min": [25000.0, 45000.0, 25000.0, 8000.0, 80000.0],
        "price_max": [60000.0, 95000.0, 40000.0, 14000.0, 200000.0],
        "substitutes": ["teri-asin", "", "", "", ""],
        "aliases": ["gereh|grih|ikan kering|salted fish", "teri", "tongkol", "", "kopi"],
    }
)


def pesantren_frame() -> pd.DataFrame:
    return pd.DataFrame(
        PESANTREN, columns=["pesantren_id", "name", "kabupaten", "lat", "lon", "region_types"]
    ).assign(regency_code="3579", santri=500, track_record=0.5)


def offer(listing_id: int, pesantren_id: int, product: str, **kw: Any) -> dict[str, Any]:
    row = {
        "listing_id": listing_id,
        "pesantren_id": pesantren_id,
        "product": product,
        "quantity": 600.0,
        "price": 40000.0,
        "last_confirmed": pd.Timestamp(AS_OF),
    }
    row.update(kw)
    return row


def need(listing_id: int, pesantren_id: int, product: str, **kw: Any) -> dict[str, Any]:
    row = {
        "listing_id": listing_id,
        "pesantren_id": pesantren_id,
        "product": product,
        "quantity": 300.0,
        "max_price": float("nan"),
        "required_certs": "",
        "last_confirmed": pd.Timestamp(AS_OF),
    }
    row.update(kw)
    return row


def cert(
    pesantren_id: int, product: str, kind: str = "halal", expires: Any = None
) -> dict[str, Any]:
    return {
        "pesantren_id": pesantren_id,
        "product": product,
        "kind": kind,
        "number": "ID00000000000000001",
        "expires": pd.Timestamp(expires) if expires is not None else pd.NaT,
    }


def market(
    offers: list[dict[str, Any]],
    needs: list[dict[str, Any]],
    certificates: list[dict[str, Any]] | None = None,
) -> Market:
    certs = pd.DataFrame(
        certificates or [], columns=["pesantren_id", "product", "kind", "number", "expires"]
    )
    return Market.from_frames(
        pesantren=pesantren_frame(),
        offers=pd.DataFrame(offers),
        needs=pd.DataFrame(needs),
        catalogue=CATALOGUE,
        certificates=certs,
        as_of=AS_OF,
    )


#: Fields of one row of :func:`solver_frame`, in order (``distance_km`` may follow).
SOLVER_ROW = (
    "supplier_id",
    "buyer_id",
    "offer_id",
    "need_id",
    "price",
    "offer_qty",
    "need_qty",
    "score",
)


def solver_frame(rows: list[tuple[Any, ...]], **columns: Any) -> pd.DataFrame:
    """A candidate frame for the solvers from :data:`SOLVER_ROW` tuples (plus
    ``distance_km`` when the tuples have a ninth field); ``columns`` are added as given.
    Unless given, each buyer values a unit at :data:`BUYER_MARGIN` times the offer's price."""
    names = [*SOLVER_ROW, "distance_km"][: len(rows[0])] if rows else list(SOLVER_ROW)
    frame = pd.DataFrame(rows, columns=names)
    return frame.assign(
        max_price=float("nan"), buyer_value=frame["price"].astype(float) * BUYER_MARGIN
    ).assign(**columns)


#: What a buyer of a hand-built solver frame values a unit at, per rupiah of the price.
BUYER_MARGIN = 1.25
