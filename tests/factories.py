"""Small factories for test rows. Each returns the added (and flushed) object.

Use inside the ``app`` fixture (an app context is active); call ``db.session.commit()``
when the test needs the rows visible to a request.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from webapp.models import Certificate, Listing, Pesantren, Product, Regency, User, db

_seq = itertools.count(1)

REGENCIES = {
    # code: (name, short, kind, lat, lon, region types)
    "3579": ("Kota Batu", "Batu", "kota", -7.8707, 112.5264, "highland_agriculture;urban"),
    "3529": (
        "Kabupaten Sumenep",
        "Sumenep",
        "kabupaten",
        -7.0057,
        113.8594,
        "island;coastal_fisheries",
    ),
    "3578": ("Kota Surabaya", "Surabaya", "kota", -7.2575, 112.7521, "urban;coastal_fisheries"),
    "3511": (
        "Kabupaten Bondowoso",
        "Bondowoso",
        "kabupaten",
        -7.9135,
        113.8215,
        "highland_agriculture;lowland_farming",
    ),
    "3523": (
        "Kabupaten Tuban",
        "Tuban",
        "kabupaten",
        -6.8970,
        112.0500,
        "coastal_fisheries;lowland_farming",
    ),
}


def make_regency(code: str = "3579") -> Regency:
    existing = db.session.get(Regency, code)
    if existing:
        return existing
    name, short, kind, lat, lon, types = REGENCIES[code]
    regency = Regency(
        code=code,
        name=name,
        short_name=short,
        kind=kind,
        capital=short,
        latitude=lat,
        longitude=lon,
        area_km2=100.0,
        population=100_000,
        pesantren_count=10,
        region_types=types,
    )
    db.session.add(regency)
    db.session.flush()
    return regency


def make_product(slug: str = "ikan-asin", **fields: Any) -> Product:
    existing = db.session.scalar(db.select(Product).filter_by(slug=slug))
    if existing:
        return existing
    values: dict[str, Any] = {
        "slug": slug,
        "name_id": slug.replace("-", " ").title(),
        "name_en": slug.replace("-", " ").title(),
        "category": "processed fish",
        "base_unit": "kg",
        "shelf_life_class": "dry_months",
        "price_min": 40000.0,
        "price_max": 60000.0,
    }
    values.update(fields)
    product = Product(**values)
    db.session.add(product)
    db.session.flush()
    return product


def make_pesantren(regency_code: str = "3579", **fields: Any) -> Pesantren:
    regency = make_regency(regency_code)
    n = next(_seq)
    region_types = fields.pop("region_types", regency.region_types.split(";"))
    values: dict[str, Any] = {
        "nspp": f"5100{regency_code}{n:04d}",
        "name": f"Pondok Pesantren Test {n}",
        "regency_code": regency_code,
        "latitude": regency.latitude + 0.01,
        "longitude": regency.longitude + 0.01,
        "santri_count": 500,
        "contact_name": f"Ustadz {n}",
        "whatsapp": f"62812000{n:05d}",
        "email": f"pesantren{n}@example.org",
    }
    values.update(fields)
    pesantren = Pesantren(**values)
    pesantren.region_types = region_types
    db.session.add(pesantren)
    db.session.flush()
    return pesantren


def make_listing(
    pesantren: Pesantren, kind: str = "offer", product: Product | str = "ikan-asin", **fields: Any
) -> Listing:
    product = make_product(product) if isinstance(product, str) else product
    values: dict[str, Any] = {
        "pesantren_id": pesantren.id,
        "kind": kind,
        "product_id": product.id,
        "quantity": Decimal("100"),
        "unit": product.base_unit,
        "period": "month",
        "price": Decimal("50000") if kind == "offer" else Decimal("60000"),
    }
    values.update(fields)
    listing = Listing(**values)
    db.session.add(listing)
    db.session.flush()
    return listing


def make_certificate(
    pesantren: Pesantren, product: Product | str = "ikan-asin", kind: str = "halal", **fields: Any
) -> Certificate:
    product = make_product(product) if isinstance(product, str) else product
    values: dict[str, Any] = {
        "pesantren_id": pesantren.id,
        "product_id": product.id,
        "kind": kind,
        "number": f"ID3579{next(_seq):013d}",
        "issued_on": dt.date(2024, 1, 1),
        "expires_on": None,
    }
    values.update(fields)
    cert = Certificate(**values)
    db.session.add(cert)
    db.session.flush()
    return cert


def make_user(role: str = "officer", pesantren: Pesantren | None = None, **fields: Any) -> User:
    if role == "officer" and pesantren is None:
        pesantren = make_pesantren()
    n = next(_seq)
    password = fields.pop("password", "rahasia-123")
    values: dict[str, Any] = {
        "email": f"{role}{n}@example.org",
        "name": f"{role.title()} {n}",
        "role": role,
        "pesantren_id": pesantren.id if pesantren else None,
    }
    values.update(fields)
    user = User(**values)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
