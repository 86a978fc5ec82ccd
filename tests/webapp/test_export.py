"""Export writes the import's columns: export → import is a round trip, and no cell is
ever a formula a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.factories import make_certificate, make_listing
from tests.webapp.spreadsheet_helpers import BATU_NSPP, SUMENEP_NSPP, make_network, snapshot
from webapp.models import Pesantren, db
from webapp.spreadsheets import USER_KINDS, columns, export_bytes, export_file, import_file


@pytest.fixture
def network(app):
    make_network()
    batu = db.session.scalar(db.select(Pesantren).where(Pesantren.nspp == BATU_NSPP))
    sumenep = db.session.scalar(db.select(Pesantren).where(Pesantren.nspp == SUMENEP_NSPP))
    make_listing(sumenep, "offer", "ikan-asin", quantity=Decimal("1.125"), unit="kwintal",
                 price=Decimal("45000"), available_from=dt.date(2026, 1, 1),
                 note="=HYPERLINK(\"http://evil\")")  # fmt: skip
    make_listing(sumenep, "offer", "teri-asin", quantity=Decimal(6), unit="karung",
                 unit_size=Decimal(25), price=Decimal("60000.5"), period="week")  # fmt: skip
    make_listing(batu, "need", "ikan-asin", quantity=Decimal(300), price=None,
                 required_certs="halal;pirt", min_lot=Decimal("12.5"))  # fmt: skip
    make_listing(batu, "need", "susu-sapi", quantity=Decimal(40), unit="liter", status="paused")
    make_certificate(sumenep, "ikan-asin", "halal", number="ID35290017058840424",
                     expires_on=dt.date(2028, 1, 1))  # fmt: skip
    make_certificate(sumenep, "teri-asin", "pirt", number="5133522011295-25")
    batu.contact_name = "-Ustadz @Ali+"
    batu.address = "\tJl. Raya 1"
    batu.latitude, batu.longitude = -7.8607, 112.5364
    db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", USER_KINDS)
def test_export_then_import_changes_nothing(network, tmp_path, kind, fmt):
    before = snapshot()
    path = tmp_path / f"{kind}.{fmt}"
    rows = export_file(kind, path)
    assert rows > 0
    report = import_file(kind, path)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.updated, report.unchanged) == (0, 0, rows)
    assert snapshot() == before


def test_export_to_an_empty_database_then_import_recreates_the_rows(network, tmp_path):
    files = {kind: tmp_path / f"{kind}.xlsx" for kind in USER_KINDS}
    for kind, path in files.items():
        export_file(kind, path)
    before = snapshot()
    for p in db.session.scalars(db.select(Pesantren)):
        db.session.delete(p)
    db.session.commit()
    for kind in ("pesantren", "certificates", "offers", "needs"):
        assert import_file(kind, files[kind]).ok
    assert snapshot() == before


def test_csv_export_neutralises_formulas_and_keeps_numbers_as_numbers(network):
    text = export_bytes("offers", "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [c.name for c in columns("offers")]
    fish = next(r for r in rows if r["product"] == "ikan-asin")
    assert fish["note"] == '\'=HYPERLINK("http://evil")'
    # Three decimals would read as a thousands separator in Indonesian notation.
    assert fish["quantity"] == "1.1250"
    pesantren = export_bytes("pesantren", "csv").decode("utf-8-sig")
    assert "'-Ustadz @Ali+" in pesantren
    assert "'\tJl. Raya 1" in pesantren


def test_xlsx_export_has_no_formula_cells(network, tmp_path):
    for kind in ("offers", "pesantren"):
        path = tmp_path / f"{kind}.xlsx"
        export_file(kind, path)
        sheet = load_workbook(path).active
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert all(c.data_type != "f" for c in cells)
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    offers = load_workbook(tmp_path / "offers.xlsx").active
    header = [c.value for c in offers[1]]
    quantities = [
        row[header.index("quantity")] for row in offers.iter_rows(min_row=2, values_only=True)
    ]
    assert 1.125 in quantities


def test_an_injected_formula_is_imported_as_text_and_exported_inert(network, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "nspp,name,regency_code,latitude,longitude\n"
        "512035780003,\"=cmd|' /C calc'!A0\",3578,-7.25,112.75\n",
        encoding="utf-8",
    )
    assert import_file("pesantren", path).ok
    text = export_bytes("pesantren", "csv").decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text
