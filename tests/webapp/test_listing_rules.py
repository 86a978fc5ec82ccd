"""One listing rule set: the officer form, the JSON API and the spreadsheet import give the
same verdict and the same message, in Indonesian and in English, for the same listing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.webapp.listing_entry_points import stored, via_api, via_form, via_import
from tests.webapp.officer_data import build_network

# (kind, product, fields, None when good else (field, English part, Indonesian part))
TABLE = [
    pytest.param("offer", "ikan-asin", {"quantity": "2", "unit": "kwintal", "price": "55000"},
                 None, id="good-offer"),
    pytest.param("offer", "ikan-asin", {"quantity": "1.250,5", "unit": "kg", "price": "48000,5"},
                 None, id="good-offer-indonesian-number"),
    pytest.param("offer", "ikan-asin", {"quantity": "6", "unit": "karung", "price": "52000"},
                 None, id="karung-takes-its-size-from-the-catalogue"),
    pytest.param("need", "susu-sapi", {"quantity": "40", "unit": "liter", "period": "week"},
                 None, id="need-without-price"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "kg", "price": "50000",
                                        "available_from": "2026-01-01",
                                        "available_until": "2026-03-31"},
                 None, id="availability-window"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "kg"},
                 ("price", "An offer needs a price per base unit.",
                  "Penawaran perlu harga per satuan dasar."), id="offer-without-price"),
    pytest.param("offer", "ikan-asin", {"quantity": "5000", "unit": "ton", "price": "50000"},
                 ("quantity", "more than 1,000,000 kg a month", "lebih dari 1.000.000 kg per bulan"),
                 id="5000-t-a-month"),
    pytest.param("need", "beras-medium", {"quantity": "40", "unit": "ton", "period": "day"},
                 ("quantity", "more than 1,000,000 kg a month", "lebih dari 1.000.000 kg per bulan"),
                 id="per-day-counts-per-month"),
    pytest.param("offer", "ikan-asin", {"quantity": "", "unit": "kg", "price": "50000"},
                 ("quantity", "Enter a quantity.", "Isi jumlahnya."), id="no-quantity"),
    pytest.param("offer", "ikan-asin", {"quantity": "-5", "unit": "kg", "price": "50000"},
                 ("quantity", "The quantity must be more than zero.",
                  "Jumlah harus lebih dari nol."), id="negative-quantity"),
    pytest.param("offer", "ikan-asin", {"quantity": "banyak", "unit": "kg", "price": "50000"},
                 ("quantity", "“banyak” is not a number.", "“banyak” bukan angka."),
                 id="not-a-number"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "liter", "price": "50000"},
                 ("unit", "is not measured in liter", "tidak diukur dalam liter"),
                 id="unit-of-another-product"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "gantang", "price": "50000"},
                 ("unit", "Unknown unit “gantang”.", "Satuan “gantang” tidak dikenal."),
                 id="unknown-unit"),
    pytest.param("offer", "ikan-asin", {"quantity": "3", "unit": "karung", "unit_size": "-3",
                                        "price": "50000"},
                 ("unit_size", "The unit size must be more than zero",
                  "Isi satuan harus lebih dari nol"), id="negative-unit-size"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "kg", "price": "0"},
                 ("price", "The price must be more than zero.", "Harga harus lebih dari nol."),
                 id="zero-price"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "kg", "price": "999999999"},
                 ("price", "That price is too high", "terlalu tinggi"), id="price-too-high"),
    pytest.param("offer", "ikan-asin", {"quantity": "1000", "unit": "ton", "price": "2.000.000"},
                 ("price", "worth more than Rp 1,000,000,000,000 a month",
                  "lebih dari Rp 1.000.000.000.000 per bulan"), id="worth-more-than-a-trillion"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "kg", "price": "50000",
                                        "period": "fortnight"},
                 ("period", "Choose a period", "Pilih periode"), id="unknown-period"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "kg", "price": "50000",
                                        "available_from": "2026-03-31",
                                        "available_until": "2026-01-01"},
                 ("available_until", "The end date is before the start date.",
                  "Tanggal akhir sebelum tanggal mulai."), id="window-ends-before-it-starts"),
    pytest.param("offer", "ikan-asin", {"quantity": "300", "unit": "kg", "price": "50000",
                                        "note": "x" * 501},
                 ("note", "At most 500 characters.", "Paling banyak 500 karakter."),
                 id="note-too-long"),
]  # fmt: skip


@pytest.fixture
def net(app, client, login):
    network = build_network()
    login(network.officer_a)
    return network


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("kind", "slug", "fields", "expected"), TABLE)
def test_form_api_and_import_give_the_same_verdict_and_message(
    client, net, tmp_path, language, kind, slug, fields, expected
):
    verdicts = {}
    kept = {}
    verdicts["form"] = via_form(client, kind, slug, fields, language)
    kept["form"] = stored(net.a, kind, slug)
    verdicts["api"] = via_api(client, net.officer_a, kind, slug, fields, language)
    kept["api"] = stored(net.a, kind, slug)
    verdicts["import"] = via_import(tmp_path, net.a, kind, slug, fields, language)
    kept["import"] = stored(net.a, kind, slug)

    assert verdicts["form"] == verdicts["api"] == verdicts["import"], verdicts
    if expected is None:
        assert verdicts["form"] == {}
        assert kept["form"] is not None
        assert kept["form"] == kept["api"] == kept["import"]
    else:
        field, english, indonesian = expected
        assert list(verdicts["form"]) == [field]
        assert (english if language == "en" else indonesian) in verdicts["form"][field]
        assert kept == {"form": None, "api": None, "import": None}


def test_an_offer_without_a_price_is_refused_by_all_three_with_the_same_message(
    client, net, tmp_path
):
    fields = {"quantity": "300", "unit": "kg"}
    answers = [
        via_form(client, "offer", "ikan-asin", fields, "id"),
        via_api(client, net.officer_a, "offer", "ikan-asin", fields, "id"),
        via_import(tmp_path, net.a, "offer", "ikan-asin", fields, "id"),
    ]
    assert answers == [{"price": "Penawaran perlu harga per satuan dasar."}] * 3
    assert stored(net.a, "offer", "ikan-asin") is None


def test_a_thousands_dot_means_the_same_in_every_indonesian_field(client, net, tmp_path):
    fields = {"quantity": "1.250", "unit": "kg", "price": "52.000"}
    via_form(client, "offer", "ikan-asin", fields, "id")
    by_form = stored(net.a, "offer", "ikan-asin")
    via_api(client, net.officer_a, "offer", "ikan-asin", fields, "id")
    by_api = stored(net.a, "offer", "ikan-asin")
    via_import(tmp_path, net.a, "offer", "ikan-asin", fields, "id")
    by_import = stored(net.a, "offer", "ikan-asin")
    assert by_form == by_api == by_import
    assert (by_form["quantity"], by_form["price"]) == (Decimal(1250), Decimal(52000))


def test_the_stored_listing_holds_what_was_checked(client, net, tmp_path):
    fields = {"quantity": "6", "unit": "karung", "price": "52000",
              "available_from": "2026-01-01", "available_until": "2026-03-31"}  # fmt: skip
    via_api(client, net.officer_a, "offer", "ikan-asin", fields, "en")
    kept = stored(net.a, "offer", "ikan-asin")
    assert kept == {
        "quantity": Decimal(6),
        "unit": "karung",
        "unit_size": Decimal(25),  # "karung 25 kg" in the catalogue
        "period": "month",
        "price": Decimal(52000),
        "available_from": dt.date(2026, 1, 1),
        "available_until": dt.date(2026, 3, 31),
    }
