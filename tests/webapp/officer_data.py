"""A small network for the officer page tests: a Batu pesantren (A) that makes apple chips
and needs salted fish, a Sumenep one (B) the other way round, a Tuban fish supplier (C)
with an expired halal certificate, and rice sold by the karung."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tests import factories as f
from webapp.models import Listing, Pesantren, ProductAlias, User, db


@dataclass
class Network:
    a: Pesantren
    b: Pesantren
    c: Pesantren
    officer_a: User
    officer_b: User
    facilitator: User
    officer_c: User
    need_a: Listing
    offer_a: Listing
    offer_b: Listing
    need_b: Listing
    offer_c: Listing


def build_network() -> Network:
    fish = f.make_product(
        "ikan-asin", name_id="Ikan asin", name_en="Salted fish", alt_units="karung 25 kg|kwintal"
    )
    db.session.add_all(
        [ProductAlias(product_id=fish.id, alias=a) for a in ("gereh", "ikan asin kering")]
    )
    f.make_product(
        "keripik-apel",
        name_id="Keripik apel",
        name_en="Apple chips",
        category="snacks",
        price_min=80000.0,
        price_max=120000.0,
    )
    f.make_product(
        "beras-medium",
        name_id="Beras medium",
        name_en="Medium rice",
        category="staples",
        price_min=11000.0,
        price_max=14000.0,
        alt_units="karung 50 kg",
    )
    f.make_product(
        "beras-premium",
        name_id="Beras premium",
        name_en="Premium rice",
        category="staples",
        price_min=13000.0,
        price_max=16000.0,
        alt_units="karung 25 kg",
    )
    f.make_product(
        "susu-sapi",
        name_id="Susu sapi segar",
        name_en="Fresh cow milk",
        category="dairy",
        base_unit="liter",
        shelf_life_class="chilled",
        price_min=6000.0,
        price_max=9000.0,
    )
    a = f.make_pesantren("3579", name="Pondok Apel Batu")
    b = f.make_pesantren("3529", name="Pondok Bahari Sumenep", whatsapp="6281234500002")
    c = f.make_pesantren("3523", name="Pondok Nelayan Tuban", whatsapp="6281234500003")
    f.make_certificate(b, "ikan-asin", "halal", expires_on=dt.date(2030, 1, 1))
    f.make_certificate(
        c, "ikan-asin", "halal", issued_on=dt.date(2020, 1, 1), expires_on=dt.date(2023, 1, 1)
    )
    need_a = f.make_listing(a, "need", "ikan-asin", quantity=Decimal("300"), price=Decimal("60000"))
    offer_a = f.make_listing(
        a, "offer", "keripik-apel", quantity=Decimal("200"), price=Decimal("95000")
    )
    offer_b = f.make_listing(
        b, "offer", "ikan-asin", quantity=Decimal("500"), price=Decimal("52000")
    )
    need_b = f.make_listing(
        b, "need", "keripik-apel", quantity=Decimal("150"), price=Decimal("110000")
    )
    offer_c = f.make_listing(
        c, "offer", "ikan-asin", quantity=Decimal("400"), price=Decimal("50000")
    )
    officer_a = f.make_user(
        "officer", a, email="a@example.org", name="Ahmad", password="sandi-ahmad-1"
    )
    officer_b = f.make_user(
        "officer", b, email="b@example.org", name="Badrus", password="sandi-badrus-1"
    )
    facilitator = f.make_user("facilitator", email="fac@example.org", name="Fatimah")
    officer_c = f.make_user("officer", c, email="c@example.org", name="Chairul")
    db.session.commit()
    return Network(
        a,
        b,
        c,
        officer_a,
        officer_b,
        facilitator,
        officer_c,
        need_a,
        offer_a,
        offer_b,
        need_b,
        offer_c,
    )
