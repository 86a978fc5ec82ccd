"""Importing facilitators' spreadsheets: real-world cells are understood, bad rows are
reported by row, column, value and reason, and a file with any bad row changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from tests.webapp.spreadsheet_helpers import (
    BATU_NSPP,
    SUMENEP_NSPP,
    make_network,
    snapshot,
    write,
)
from webapp.models import Certificate, Listing, Pesantren, db
from webapp.spreadsheets import import_file

PESANTREN_HEADER = "nspp,name,regency_code,address,latitude,longitude,region_types,santri_count,contact_name,whatsapp,email,language,curation_status"
LISTING_HEADER = "nspp,product,quantity,unit,unit_size,period,price,min_lot,required_certs,available_from,available_until,status,last_confirmed,note"
CERT_HEADER = "nspp,product,kind,number,issued_on,expires_on"

GOOD_PESANTREN = "512035780003,Pondok Pesantren Al Falah,3578,Jl. Ampel 1,-7.25,112.75,urban,800,Ustadz Hasan,0812-3456-7890,alfalah@example.org,id,registered"
GOOD_OFFER = f"{SUMENEP_NSPP},ikan-asin,300,kg,,month,45000,0,,,,active,2026-11-01,"


@pytest.fixture
def network(app):
    make_network()


def _only_error(report):
    assert not report.ok
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    return report.errors[0]


# -- bad input: one test per kind of mistake, each leaves the database as it was ------------

BAD_ROWS = [
    pytest.param(
        "pesantren", PESANTREN_HEADER,
        "512035780003,Pondok X,Kabupaten Atlantis,,-7.25,112.75,,100,,,,,",
        "regency_code", "Kabupaten Atlantis", "kabupaten/kota Jawa Timur tidak dikenal", id="unknown-regency",
    ),
    pytest.param(
        "pesantren", PESANTREN_HEADER,
        "12345,Pondok X,3578,,-7.25,112.75,,100,,,,,",
        "nspp", "12345", "NSPP must be 12 digits", id="invalid-nspp",
    ),
    pytest.param(
        "pesantren", PESANTREN_HEADER,
        "512035780003,Pondok X,3578,,-4.10,112.75,,100,,,,,",
        "latitude", "-4.10", "lintang di luar Jawa Timur", id="coordinates-outside-east-java",
    ),
    pytest.param(
        "pesantren", PESANTREN_HEADER,
        "512035780003,Pondok X,3578,,-7.25,112.75,,100,,,pondok@,,",
        "email", "pondok@", "bukan alamat email yang sah", id="invalid-email",
    ),
    pytest.param(
        "pesantren", PESANTREN_HEADER,
        "512035780003,Pondok X,3578,,-7.25,112.75,,100,,12345,,,",
        "whatsapp", "12345", "nomor telepon", id="invalid-whatsapp",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},sepatu kulit,300,kg,,month,45000,,,,,,,",
        "product", "sepatu kulit", "produk tidak ada di katalog", id="unknown-product",
    ),
    pytest.param(
        "needs", LISTING_HEADER,
        f"{SUMENEP_NSPP},beras,300,kg,,month,,,,,,,,",
        "product", "beras", "cocok dengan beberapa produk (beras-medium, beras-premium)", id="ambiguous-product",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,300,kgg,,month,45000,,,,,,,",
        "unit", "kgg", "Satuan “kgg” tidak dikenal", id="unknown-unit",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,-300,kg,,month,45000,,,,,,,",
        "quantity", "-300", "Jumlah harus lebih dari nol", id="negative-quantity",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,0,kg,,month,45000,,,,,,,",
        "quantity", "0", "Jumlah harus lebih dari nol", id="zero-quantity",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,banyak,kg,,month,45000,,,,,,,",
        "quantity", "banyak", "“banyak” bukan angka", id="non-numeric-quantity",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        "512035119999,ikan-asin,300,kg,,month,45000,,,,,,,",
        "nspp", "512035119999", "tidak ada pesantren dengan NSPP ini", id="unknown-pesantren",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,300,liter,,month,45000,,,,,,,",
        "unit", "liter", "Ikan asin tidak diukur dalam liter", id="unit-incompatible-with-product",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,6,karung,,month,45000,,,,,,,",
        "unit_size", "", "Sebutkan berapa kg isi satu karung", id="karung-without-size",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,300,kg,,month,45000,,,31/02/2026,,,,",
        "available_from", "31/02/2026", "Tidak ada tanggal “31/02/2026”", id="impossible-date",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,300,kg,,month,45000,,,kemarin,,,,",
        "available_from", "kemarin", "“kemarin” bukan tanggal", id="not-a-date",
    ),
    pytest.param(
        "offers", LISTING_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,300,kg,,month,,,,,,,,",
        "price", "", "Penawaran perlu harga per satuan dasar", id="offer-without-price",
    ),
    pytest.param(
        "certificates", CERT_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,halal,ID35290017058840424,2025-05-01,2024-05-01",
        "expires_on", "2024-05-01", "kedaluwarsa sebelum diterbitkan", id="certificate-expires-before-issue",
    ),
    pytest.param(
        "certificates", CERT_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,halal,KH-123,2025-05-01,",
        "number", "KH-123", "halal number must be ID + 17 digits", id="invalid-certificate-number",
    ),
    pytest.param(
        "certificates", CERT_HEADER,
        f"{SUMENEP_NSPP},ikan-asin,ISO 9001,9001,2025-05-01,",
        "kind", "ISO 9001", "jenis sertifikat tidak dikenal", id="unknown-certificate-kind",
    ),
    pytest.param(
        "certificates", CERT_HEADER,
        "512035299999,ikan-asin,halal,ID35290017058840424,2025-05-01,",
        "nspp", "512035299999", "tidak ada pesantren dengan NSPP ini", id="certificate-of-unknown-pesantren",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "header", "bad_row", "column", "value", "reason"), BAD_ROWS)
def test_bad_row_is_reported_and_nothing_is_imported(
    network, tmp_path, kind, header, bad_row, column, value, reason
):
    good = {"pesantren": GOOD_PESANTREN, "offers": GOOD_OFFER, "needs": GOOD_OFFER,
            "certificates": f"{SUMENEP_NSPP},ikan-asin,pirt,5133522011295-25,2025-01-01,"}[kind]  # fmt: skip
    before = snapshot()
    # The good row comes first: all-or-nothing means it is not written either.
    path = write(tmp_path, f"{kind}.csv", f"{header}\n{good}\n{bad_row}\n")
    report = import_file(kind, path)
    error = _only_error(report)
    assert (error.row, error.column, error.value) == (3, column, value)
    assert reason in error.reason
    assert report.created == report.updated == 0
    assert snapshot() == before


def test_duplicate_nspp_within_a_file_names_both_rows(network, tmp_path):
    before = snapshot()
    path = write(tmp_path, "p.csv", f"{PESANTREN_HEADER}\n{GOOD_PESANTREN}\n{GOOD_PESANTREN}\n")
    error = _only_error(import_file("pesantren", path))
    assert (error.row, error.column) == (3, "nspp")
    assert "sudah ada di baris 2" in error.reason
    assert snapshot() == before


def test_duplicate_listing_within_a_file_is_refused(network, tmp_path):
    path = write(
        tmp_path, "o.csv", f"{LISTING_HEADER}\n{GOOD_OFFER}\n{GOOD_OFFER.replace('300', '200')}\n"
    )
    error = _only_error(import_file("offers", path))
    assert (error.row, error.column) == (3, "product")
    assert "ganda" in error.reason


def test_every_bad_row_is_reported_not_just_the_first(network, tmp_path):
    rows = [GOOD_OFFER.replace(",300,", ",-1,"), GOOD_OFFER.replace("ikan-asin", "sepatu")]
    path = write(tmp_path, "o.csv", "\n".join([LISTING_HEADER, *rows]) + "\n")
    report = import_file("offers", path)
    assert [(e.row, e.column) for e in report.errors] == [(2, "quantity"), (3, "product")]


def test_missing_required_column_is_reported_on_the_header_row(network, tmp_path):
    path = write(tmp_path, "o.csv", "nspp,product,unit\n1,2,3\n")
    report = import_file("offers", path)
    assert {(e.row, e.column) for e in report.errors} == {(1, "quantity")}
    assert "kolom quantity tidak ada" in report.errors[0].reason


@pytest.mark.parametrize(
    ("filename", "content", "reason"),
    [
        ("pesantren.pdf", b"%PDF-1.4 ...", "jenis berkas tidak didukung (.pdf)"),
        ("pesantren.csv", b"%PDF-1.4 \x00\x01 binary", "ini dokumen PDF, bukan berkas CSV"),
        ("pesantren.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "berkas Excel lama .xls"),
        ("pesantren.xlsx", b"nspp,name\n1,2\n", "bukan berkas Excel .xlsx"),
        ("pesantren.xlsx", b"PK\x03\x04 truncated zip", "rusak"),
        ("pesantren.csv", b"", "berkas kosong"),
        ("pesantren.csv", b"nspp,name\n\x81\x8d\x8f bad bytes\n", "pengodean teks tidak dikenal"),
    ],
)
def test_a_file_that_is_not_a_readable_spreadsheet_gets_a_clear_error(
    network, tmp_path, filename, content, reason
):
    before = snapshot()
    path = tmp_path / filename
    path.write_bytes(content)
    error = _only_error(import_file("pesantren", path))
    assert error.row == 0
    assert reason in error.reason
    assert snapshot() == before


# -- real spreadsheets: what a facilitator's Excel file looks like --------------------------


def test_indonesian_headers_numbers_units_blank_rows_and_spaces_are_understood(network, tmp_path):
    text = (
        "NSPP ; Produk ; Jumlah ; Satuan ; Isi per satuan ; Periode ; Harga Maksimal \n"
        f" {BATU_NSPP} ; Gereh ; 1.250,5 ; Kg ; ; per bulan ; 50.000 \n"
        ";;;;;;\n"
        f"{BATU_NSPP};susu; 2,5 ; liter ;; Minggu ; \n"
        f"{BATU_NSPP};teri; 12 ; karung ; 25 ; bulan ; Rp 60.000,00\n"
    )
    report = import_file("needs", write(tmp_path, "kebutuhan.csv", text))
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == 3
    listings = {
        listing.product.slug: listing
        for listing in db.session.scalars(db.select(Listing).where(Listing.kind == "need"))
    }
    fish = listings["ikan-asin"]
    assert (fish.quantity, fish.unit, fish.period, fish.price) == (
        Decimal("1250.5"), "kg", "month", Decimal("50000"),
    )  # fmt: skip
    assert (listings["susu-sapi"].quantity, listings["susu-sapi"].period) == (
        Decimal("2.5"),
        "week",
    )
    assert listings["susu-sapi"].price is None
    assert (listings["teri-asin"].unit, listings["teri-asin"].unit_size) == ("karung", Decimal(25))


@pytest.mark.parametrize("unit", ["Kg", "kilo", "kg.", " KG "])
def test_common_spellings_of_kilogram_are_kilograms(network, tmp_path, unit):
    path = write(
        tmp_path, "o.csv", f"{LISTING_HEADER}\n{GOOD_OFFER.replace(',kg,', f',{unit},')}\n"
    )
    assert import_file("offers", path).ok
    assert db.session.scalar(db.select(Listing.unit)) == "kg"


def test_row_numbers_count_blank_rows_as_the_spreadsheet_does(network, tmp_path):
    text = f"{LISTING_HEADER}\n{GOOD_OFFER}\n\n,,,,,,,,,,,,,\n{GOOD_OFFER.replace('ikan-asin', 'sepatu')}\n"
    error = _only_error(import_file("offers", write(tmp_path, "o.csv", text)))
    assert error.row == 5


def test_pesantren_row_is_normalised(network, tmp_path):
    row = '  512035780003 , Pondok Pesantren Al Falah ,Kota Surabaya,,"-7,25"," 112,75 ",,1.200, Ustadz Hasan ,+62 812-3456-7890, AlFalah@Example.org ,English,'
    report = import_file("pesantren", write(tmp_path, "p.csv", f"{PESANTREN_HEADER}\n{row}\n"))
    assert report.ok, [str(e) for e in report.errors]
    p = db.session.scalar(db.select(Pesantren).where(Pesantren.nspp == "512035780003"))
    assert (p.name, p.regency_code, p.latitude, p.longitude) == (
        "Pondok Pesantren Al Falah",
        "3578",
        -7.25,
        112.75,
    )
    assert (p.santri_count, p.whatsapp, p.language) == (1200, "6281234567890", "en")
    assert p.email == "AlFalah@example.org"
    # Region types default to the regency's.
    assert p.region_types == ["urban", "coastal_fisheries"]


def test_windows_1252_csv_is_decoded_with_a_warning(network, tmp_path):
    row = GOOD_PESANTREN.replace("Pondok Pesantren Al Falah", "Pondok Ma\u2019had Al-F\u00e2lah")
    path = write(tmp_path, "p.csv", f"{PESANTREN_HEADER}\n{row}\n", encoding="cp1252")
    report = import_file("pesantren", path)
    assert report.ok
    assert any("Windows-1252" in w for w in report.warnings)
    assert db.session.scalar(db.select(Pesantren.name).where(Pesantren.nspp == "512035780003")) == (
        "Pondok Ma\u2019had Al-F\u00e2lah"
    )


def test_xlsx_upload_with_typed_cells_is_imported(network):
    book = Workbook()
    sheet = book.active
    sheet.append(["NSPP", "Produk", "Jenis", "Nomor", "Terbit", "Kedaluwarsa"])
    import datetime as dt

    sheet.append(
        [
            int(SUMENEP_NSPP),
            "ikan asin",
            "Halal",
            "ID35290017058840424",
            dt.datetime(2025, 5, 1),
            None,
        ]
    )
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    report = import_file("certificates", stream, filename="sertifikat.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    cert = db.session.scalar(db.select(Certificate))
    assert (cert.kind, cert.number, cert.issued_on.isoformat()) == (
        "halal",
        "ID35290017058840424",
        "2025-05-01",
    )


def test_dry_run_counts_changes_and_writes_nothing(network, tmp_path):
    import_file("offers", write(tmp_path, "o.csv", f"{LISTING_HEADER}\n{GOOD_OFFER}\n"))
    before = snapshot()
    text = (
        f"{LISTING_HEADER}\n{GOOD_OFFER.replace(',300,', ',350,')}\n"
        f"{GOOD_OFFER.replace('ikan-asin', 'teri-asin')}\n"
    )
    report = import_file("offers", write(tmp_path, "o2.csv", text), dry_run=True)
    assert report.ok
    assert report.dry_run
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert [(c.action, c.row) for c in report.changes] == [("updated", 2), ("created", 3)]
    assert [str(f) for f in report.changes[0].fields] == ["quantity: 300 → 350"]
    assert snapshot() == before


def test_reimporting_the_same_file_changes_nothing_and_an_edit_updates_in_place(network, tmp_path):
    path = write(tmp_path, "o.csv", f"{LISTING_HEADER}\n{GOOD_OFFER}\n")
    assert import_file("offers", path).created == 1
    again = import_file("offers", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    edited = write(
        tmp_path, "o2.csv", f"{LISTING_HEADER}\n{GOOD_OFFER.replace('45000', '47500')}\n"
    )
    assert import_file("offers", edited).updated == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Listing)) == 1
    assert db.session.scalar(db.select(Listing.price)) == Decimal("47500")


def test_reasons_are_in_the_readers_language(network, tmp_path):
    from flask_babel import force_locale

    path = write(
        tmp_path, "o.csv", "nspp,product,quantity,unit,price\n512035119999,ikan-asin,1,kg,1\n"
    )
    with force_locale("en"):
        error = _only_error(import_file("offers", path))
        assert str(error) == (
            "row 2, column nspp ('512035119999'): no pesantren with this NSPP; "
            "import the pesantren first"
        )
    error = _only_error(import_file("offers", path))
    assert str(error) == (
        "baris 2, kolom nspp ('512035119999'): tidak ada pesantren dengan NSPP ini; "
        "impor pesantrennya terlebih dahulu"
    )


def test_text_longer_than_the_database_allows_is_reported(network, tmp_path):
    before = snapshot()
    long_name = "Pondok " + "X" * 200
    row = GOOD_PESANTREN.replace("Pondok Pesantren Al Falah", long_name)
    error = _only_error(
        import_file("pesantren", write(tmp_path, "p.csv", f"{PESANTREN_HEADER}\n{row}\n"))
    )
    assert (error.row, error.column) == (2, "name")
    assert "160" in error.reason  # the pesantren rules' limit, in the reader's language
    assert snapshot() == before
