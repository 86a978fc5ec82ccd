"""The shipped seed data: reproducible, complete, valid for the engine and the import."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from matcher.catalogue import ProductResolver
from matcher.identifiers import check_identifier, check_nspp
from matcher.market import (
    CERT_KINDS,
    EAST_JAVA_BOUNDS,
    REGION_TYPES,
    SHELF_LIFE_CLASSES,
    Market,
)
from matcher.units import UNITS, normalise_unit, parse_alt_unit, per_month, to_base

SEED = Path(__file__).resolve().parents[1] / "seed_data"
GENERATED = ("pesantren.csv", "offers.csv", "needs.csv", "certificates.csv")
AS_OF = dt.date(2026, 11, 23)


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(SEED / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def regencies() -> pd.DataFrame:
    return _read("regencies.csv")


@pytest.fixture(scope="module")
def products() -> pd.DataFrame:
    return _read("products.csv")


@pytest.fixture(scope="module")
def pesantren() -> pd.DataFrame:
    return _read("pesantren.csv")


@pytest.fixture(scope="module")
def offers() -> pd.DataFrame:
    return _read("offers.csv")


@pytest.fixture(scope="module")
def needs() -> pd.DataFrame:
    return _read("needs.csv")


@pytest.fixture(scope="module")
def certificates() -> pd.DataFrame:
    return _read("certificates.csv")


@pytest.mark.slow
def test_generator_rebuilds_the_committed_csvs_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SEED / "generate.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (SEED / name).read_bytes(), name


def test_listing_files_have_the_import_columns(
    pesantren: pd.DataFrame, offers: pd.DataFrame, needs: pd.DataFrame, certificates: pd.DataFrame
) -> None:
    assert list(pesantren.columns) == [
        "nspp", "name", "regency_code", "address", "latitude", "longitude", "region_types",
        "santri_count", "contact_name", "whatsapp", "email", "language", "curation_status",
    ]  # fmt: skip
    listing = [
        "nspp", "product", "quantity", "unit", "unit_size", "period", "price", "min_lot",
        "required_certs", "available_from", "available_until", "status", "last_confirmed", "note",
    ]  # fmt: skip
    assert list(offers.columns) == listing
    assert list(needs.columns) == listing
    assert list(certificates.columns) == [
        "nspp", "product", "kind", "number", "issued_on", "expires_on",
    ]  # fmt: skip


def test_all_38_regencies_are_present_with_pesantren(
    regencies: pd.DataFrame, pesantren: pd.DataFrame
) -> None:
    assert len(regencies) == 38
    assert set(regencies["code"]) == set(pesantren["regency_code"])
    assert len(pesantren) >= 600
    assert pesantren["regency_code"].value_counts().min() >= 3


def test_pesantren_per_regency_follow_the_pdpp_counts(
    regencies: pd.DataFrame, pesantren: pd.DataFrame
) -> None:
    weights = regencies.set_index("code")["pesantren_count"].astype(int)
    counts = pesantren["regency_code"].value_counts().reindex(weights.index)
    expected = weights / weights.sum() * len(pesantren)
    assert (counts - expected).abs().max() <= 3
    assert counts.corr(weights) > 0.99
    assert counts.idxmax() == "3509"  # Jember has the most pesantren in the PDPP data


def test_every_nspp_is_valid_for_its_regency_and_unique(pesantren: pd.DataFrame) -> None:
    assert pesantren["nspp"].is_unique
    for nspp, regency in zip(pesantren["nspp"], pesantren["regency_code"], strict=True):
        check = check_nspp(nspp, regency)
        assert check.ok, (nspp, regency, check)
        assert not check.warning, (nspp, regency, check)


def test_pesantren_names_are_unique_and_from_the_stems(pesantren: pd.DataFrame) -> None:
    stems = _read("name_stems.csv")["name_stem"]
    assert pesantren["name"].is_unique
    assert pesantren["name"].str.startswith("Pondok Pesantren ").all()
    assert all(any(f" {stem} " in name for stem in stems) for name in pesantren["name"])


def test_coordinates_are_inside_east_java_and_near_their_regency(
    regencies: pd.DataFrame, pesantren: pd.DataFrame
) -> None:
    lat = pesantren["latitude"].astype(float)
    lon = pesantren["longitude"].astype(float)
    lat_min, lat_max, lon_min, lon_max = EAST_JAVA_BOUNDS
    assert lat.between(lat_min, lat_max).all()
    assert lon.between(lon_min, lon_max).all()
    capital = regencies.set_index("code").loc[pesantren["regency_code"]]
    km = (
        (lat.to_numpy() - capital["latitude"].astype(float).to_numpy()) ** 2
        + (lon.to_numpy() - capital["longitude"].astype(float).to_numpy()) ** 2
    ) ** 0.5 * 111
    assert km.max() < 45


def test_pesantren_fields_are_plausible(pesantren: pd.DataFrame, regencies: pd.DataFrame) -> None:
    santri = pesantren["santri_count"].astype(int)
    assert santri.between(50, 5000).all()
    assert santri.median() < santri.mean()  # skewed: a few very large pesantren
    assert pesantren["whatsapp"].str.fullmatch(r"62812\d{8}").all()
    assert pesantren["email"].str.endswith("@example.org").all()
    assert set(pesantren["language"]) == {"id", "en"}
    assert (pesantren["language"] == "id").mean() > 0.8
    assert set(pesantren["curation_status"]) <= {
        "registered",
        "curated_domestic",
        "curated_modern_retail",
        "export_ready",
    }
    assert pesantren["address"].str.contains("ilustratif").all()
    allowed = regencies.set_index("code")["region_types"].str.split(";")
    for code, types in zip(pesantren["regency_code"], pesantren["region_types"], strict=True):
        chosen = types.split(";")
        assert set(chosen) <= set(REGION_TYPES)
        assert set(chosen) <= set(allowed[code]), (code, types)
        assert chosen == [t for t in allowed[code] if t in chosen]  # regency order kept


def test_catalogue_columns_are_valid(products: pd.DataFrame) -> None:
    assert products["slug"].is_unique
    assert set(products["shelf_life_class"]) <= set(SHELF_LIFE_CLASSES)
    prices = products[["price_min", "price_max"]].astype(float)
    assert (prices["price_min"] > 0).all()
    assert (prices["price_max"] >= prices["price_min"]).all()
    assert set(products["kitchen_staple"]) == {"true", "false"}
    for regions in products["produced_in"]:
        assert set(regions.split(";")) <= set(REGION_TYPES)


def test_catalogue_units_are_unit_codes(products: pd.DataFrame) -> None:
    for base, alts in zip(products["base_unit"], products["alt_units"], strict=True):
        assert normalise_unit(base) == base
        for alt in filter(None, alts.split("|")):
            parse_alt_unit(alt, base)


def test_substitutes_are_known_symmetric_and_share_a_base_unit(products: pd.DataFrame) -> None:
    base = dict(zip(products["slug"], products["base_unit"], strict=True))
    pairs = {
        (slug, other)
        for slug, subs in zip(products["slug"], products["substitutes"], strict=True)
        for other in filter(None, subs.split(";"))
    }
    assert ("beras-medium", "beras-premium") in pairs
    assert ("ikan-asin", "teri-asin") in pairs
    for slug, other in pairs:
        assert (other, slug) in pairs
        assert base[slug] == base[other], (slug, other)


def test_key_products_resolve_from_everyday_words(products: pd.DataFrame) -> None:
    resolver = ProductResolver(products)
    for text in ("gereh", "ikan asin", "salted fish"):
        assert resolver.resolve(text).product == "ikan-asin"


def test_seed_units_table_matches_the_unit_module() -> None:
    table = _read("units.csv")
    assert set(table["code"]) == set(UNITS)
    for code, factor in zip(table["code"], table["factor_to_base"], strict=True):
        size = UNITS[code].size
        assert (size is None) == (factor == ""), code
        if size is not None:
            assert math.isclose(size, float(factor)), code


def test_every_listing_names_a_known_product_and_converts_to_its_base_unit(
    products: pd.DataFrame, offers: pd.DataFrame, needs: pd.DataFrame
) -> None:
    base = dict(zip(products["slug"], products["base_unit"], strict=True))
    for frame in (offers, needs):
        assert set(frame["product"]) <= set(base)
        for row in frame.itertuples():
            size = float(row.unit_size) if row.unit_size else None
            quantity = to_base(float(row.quantity), row.unit, base[row.product], size)
            assert per_month(quantity, row.period) > 0


def test_one_offer_and_one_need_per_pesantren_and_product(
    pesantren: pd.DataFrame, offers: pd.DataFrame, needs: pd.DataFrame
) -> None:
    for frame in (offers, needs):
        assert not frame.duplicated(["nspp", "product"]).any()
        assert set(frame["nspp"]) <= set(pesantren["nspp"])
    per_school = offers.groupby("nspp").size()
    assert per_school.between(1, 4).all()
    assert len(per_school) == len(pesantren)


def test_offer_prices_lie_in_the_reference_range_and_ceilings_near_the_max(
    products: pd.DataFrame, offers: pd.DataFrame, needs: pd.DataFrame
) -> None:
    ref = products.set_index("slug")[["price_min", "price_max"]].astype(float)
    offer_ref = ref.loc[offers["product"]].to_numpy()
    price = offers["price"].astype(float).to_numpy()
    assert ((price >= offer_ref[:, 0]) & (price <= offer_ref[:, 1])).all()
    priced = needs[needs["price"] != ""]
    ceiling = priced["price"].astype(float).to_numpy()
    need_max = ref.loc[priced["product"], "price_max"].to_numpy()
    assert ((ceiling >= 0.85 * need_max) & (ceiling <= 1.15 * need_max)).all()
    assert (needs["price"] == "").any()  # some buyers state no ceiling


def test_listing_values_are_in_the_model_vocabularies(
    offers: pd.DataFrame, needs: pd.DataFrame
) -> None:
    for frame in (offers, needs):
        assert set(frame["status"]) <= {"active", "paused", "archived"}
        assert set(frame["period"]) <= {"day", "week", "month", "year"}
        assert (frame["period"] == "month").mean() > 0.6
        windows = frame[(frame["available_from"] != "") & (frame["available_until"] != "")]
        assert (windows["available_until"] >= windows["available_from"]).all()
    assert (offers["required_certs"] == "").all()
    kinds = {k for certs in needs["required_certs"] for k in certs.split(";") if k}
    assert kinds <= set(CERT_KINDS)
    assert {"halal", "pirt", "bpom_md"} <= kinds


def test_units_are_varied(offers: pd.DataFrame, needs: pd.DataFrame) -> None:
    units = set(offers["unit"]) | set(needs["unit"])
    assert {"kg", "kwintal", "karung", "liter", "lusin", "kodi", "pcs"} <= units
    sized = offers[offers["unit"] == "karung"]
    assert (sized["unit_size"] != "").all()


def test_some_listings_are_stale(offers: pd.DataFrame, needs: pd.DataFrame) -> None:
    for frame in (offers, needs):
        age = frame["last_confirmed"].map(lambda d: (AS_OF - dt.date.fromisoformat(d)).days)
        assert age.between(0, 120).all()
        assert 0.1 < (age > 60).mean() < 0.5


@pytest.mark.parametrize(
    ("regency", "products_offered"),
    [
        ("3579", {"apel", "susu-sapi-segar"}),  # Batu
        ("3529", {"garam-krosok", "rumput-laut-kering"}),  # Sumenep
        ("3511", {"kopi-arabika-green"}),  # Bondowoso
        ("3527", {"garam-krosok"}),  # Sampang
        ("3524", {"ikan-asin", "terasi"}),  # Lamongan
        ("3518", {"bawang-merah"}),  # Nganjuk
        ("3505", {"telur-ayam-ras"}),  # Blitar
    ],
)
def test_regencies_offer_what_they_are_known_for(
    pesantren: pd.DataFrame, offers: pd.DataFrame, regency: str, products_offered: set[str]
) -> None:
    schools = set(pesantren.loc[pesantren["regency_code"] == regency, "nspp"])
    assert products_offered <= set(offers.loc[offers["nspp"].isin(schools), "product"])


def test_kitchens_need_rice_scaled_by_santri(
    products: pd.DataFrame, pesantren: pd.DataFrame, needs: pd.DataFrame
) -> None:
    rice = needs[needs["product"] == "beras-medium"].merge(pesantren, on="nspp")
    monthly = [
        per_month(to_base(float(q), u, "kg", float(s) if s else None), p)
        for q, u, s, p in zip(
            rice["quantity"], rice["unit"], rice["unit_size"], rice["period"], strict=True
        )
    ]
    per_santri_day = pd.Series(monthly) / rice["santri_count"].astype(int) / (365 / 12)
    assert len(rice) > 300
    assert per_santri_day.between(0.2, 0.5).all()


def test_market_has_gaps_and_unsold_goods(offers: pd.DataFrame, needs: pd.DataFrame) -> None:
    unmet = set(needs["product"]) - set(offers["product"])
    unsold = set(offers["product"]) - set(needs["product"])
    assert {"minyak-goreng", "gula-pasir"} <= unmet
    assert "tembakau-rajangan" in unsold


def test_highland_and_coastal_pesantren_complement_each_other(
    pesantren: pd.DataFrame, offers: pd.DataFrame, needs: pd.DataFrame
) -> None:
    types = dict(zip(pesantren["nspp"], pesantren["region_types"], strict=True))
    supplies = offers.groupby("product")["nspp"].apply(set).to_dict()
    gives: dict[str, set[str]] = {}
    for buyer, product in zip(needs["nspp"], needs["product"], strict=True):
        for seller in supplies.get(product, set()) - {buyer}:
            gives.setdefault(seller, set()).add(buyer)
    mutual = {
        (a, b)
        for a, buyers in gives.items()
        for b in buyers
        if a < b
        and a in gives.get(b, set())
        and {"highland_agriculture", "coastal_fisheries"}
        <= set(types[a].split(";")[:1] + types[b].split(";")[:1])
    }
    assert len(mutual) > 50
    triangles = sum(
        1
        for a, buyers in sorted(gives.items())[:50]
        for b in buyers
        for c in gives.get(b, set())
        if a in gives.get(c, set()) and len({a, b, c}) == 3
    )
    assert triangles > 0


def test_certificates_are_valid_numbers_with_consistent_dates(
    offers: pd.DataFrame, certificates: pd.DataFrame
) -> None:
    assert not certificates.duplicated(["nspp", "product", "kind"]).any()
    offered = set(zip(offers["nspp"], offers["product"], strict=True))
    assert set(zip(certificates["nspp"], certificates["product"], strict=True)) <= offered
    for row in certificates.itertuples():
        assert check_identifier(row.kind, row.number).ok, row
        issued = dt.date.fromisoformat(row.issued_on)
        assert issued <= AS_OF
        if row.expires_on:
            assert dt.date.fromisoformat(row.expires_on) >= issued
        if row.kind == "pirt":
            assert row.number.endswith(f"-{row.expires_on[2:4]}")  # expiry year in the number
            assert row.number[3:7] == row.nspp[4:8]  # the pesantren's kab/kota code
        if row.kind == "halal":
            assert row.number.startswith("ID35")
    expired = certificates[
        (certificates["expires_on"] != "") & (certificates["expires_on"] < "2026-11-23")
    ]
    assert 0 < len(expired) < 0.2 * len(certificates)


def test_most_processed_food_offers_carry_certificates(
    products: pd.DataFrame, offers: pd.DataFrame, certificates: pd.DataFrame
) -> None:
    processed = set(products.loc[products["category"] == "processed food", "slug"])
    processed_offers = offers[offers["product"].isin(processed)]
    held = set(zip(certificates["nspp"], certificates["product"], strict=True))
    share = pd.Series(
        [
            (n, p) in held
            for n, p in zip(processed_offers["nspp"], processed_offers["product"], strict=True)
        ]
    ).mean()
    assert share > 0.7


def test_seed_data_builds_a_valid_market(
    products: pd.DataFrame,
    pesantren: pd.DataFrame,
    offers: pd.DataFrame,
    needs: pd.DataFrame,
    certificates: pd.DataFrame,
) -> None:
    ids = {nspp: i for i, nspp in enumerate(pesantren["nspp"], start=1)}
    base = dict(zip(products["slug"], products["base_unit"], strict=True))

    def listings(frame: pd.DataFrame, start: int) -> pd.DataFrame:
        monthly = [
            per_month(to_base(float(q), u, base[p], float(s) if s else None), per)
            for q, u, s, per, p in zip(
                frame["quantity"], frame["unit"], frame["unit_size"], frame["period"],
                frame["product"], strict=True,
            )
        ]  # fmt: skip
        return pd.DataFrame(
            {
                "listing_id": range(start, start + len(frame)),
                "pesantren_id": frame["nspp"].map(ids),
                "product": frame["product"],
                "quantity": monthly,
                "min_lot": pd.to_numeric(frame["min_lot"]).fillna(0.0),
                "available_from": pd.to_datetime(frame["available_from"]),
                "available_until": pd.to_datetime(frame["available_until"]),
                "last_confirmed": pd.to_datetime(frame["last_confirmed"]),
                "required_certs": frame["required_certs"],
                "price": pd.to_numeric(frame["price"]),
            }
        )

    offer_frame = listings(offers, 1)
    need_frame = listings(needs, len(offers) + 1).rename(columns={"price": "max_price"})
    market = Market.from_frames(
        pesantren=pd.DataFrame(
            {
                "pesantren_id": pesantren["nspp"].map(ids),
                "name": pesantren["name"],
                "regency_code": pesantren["regency_code"],
                "kabupaten": pesantren["regency_code"],
                "lat": pesantren["latitude"].astype(float),
                "lon": pesantren["longitude"].astype(float),
                "region_types": pesantren["region_types"],
                "santri": pesantren["santri_count"].astype(int),
            }
        ),
        offers=offer_frame.drop(columns=["required_certs"]),
        needs=need_frame,
        catalogue=products.rename(columns={"slug": "product"}).assign(
            price_min=lambda f: f["price_min"].astype(float),
            price_max=lambda f: f["price_max"].astype(float),
        ),
        certificates=pd.DataFrame(
            {
                "pesantren_id": certificates["nspp"].map(ids),
                "product": certificates["product"],
                "kind": certificates["kind"],
                "number": certificates["number"],
                "expires": pd.to_datetime(certificates["expires_on"]),
            }
        ),
        as_of=AS_OF,
    )
    assert market.size["pesantren"] == len(pesantren)


@pytest.mark.parametrize(
    ("name", "model_path"),
    [
        ("products.csv", "webapp.models.catalogue:Product"),
        ("pesantren.csv", "webapp.models.pesantren:Pesantren"),
        ("regencies.csv", "webapp.models.pesantren:Regency"),
        ("certificates.csv", "webapp.models.pesantren:Certificate"),
    ],
)
def test_seed_text_fits_its_database_columns(name: str, model_path: str) -> None:
    """PostgreSQL rejects a string longer than its column; SQLite would not notice."""
    import importlib

    module, _, cls = model_path.partition(":")
    table = getattr(importlib.import_module(module), cls).__table__
    frame = _read(name)
    for column in table.columns:
        length = getattr(column.type, "length", None)
        if length and column.name in frame.columns:
            longest = frame[column.name].str.len().max()
            assert longest <= length, (name, column.name, longest, length)
