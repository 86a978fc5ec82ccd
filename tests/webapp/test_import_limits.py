"""A spreadsheet is read as a stream, within limits: the header is checked before the rows,
a file over the row limit is refused at once, and an .xlsx "bomb" (a tiny file that declares
or unpacks to a huge sheet) is refused before openpyxl reads its rows."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from tests.webapp.spreadsheet_helpers import SUMENEP_NSPP, make_network, snapshot, write
from webapp.spreadsheets import ImportReport, SpreadsheetError, import_file, import_table
from webapp.spreadsheets.reading import MAX_ROWS, read_table

HEADER = "nspp,product,quantity,unit,price"


@pytest.fixture
def network(app):
    make_network()


def _offers(rows: int) -> str:
    line = f"{SUMENEP_NSPP},ikan-asin,300,kg,45000"
    return HEADER + "\n" + "\n".join([line] * rows) + "\n"


def _xlsx(sheet_xml: bytes | None = None, shared_strings: int = 0) -> bytes:
    """A real workbook, with its first sheet's XML replaced and/or shared strings padded."""
    book = Workbook()
    sheet = book.active
    for line in _offers(2).splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if sheet_xml is not None and info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(info.filename, data)
        if shared_strings:
            with target.open("xl/sharedStrings.xml", "w") as part:
                part.write(
                    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                )
                chunk = b" " * (1 << 20)
                for _ in range(shared_strings >> 20):
                    part.write(chunk)
                part.write(b"</sst>")
    return out.getvalue()


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(dimension: str | None, rows: str) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"<worksheet {_NS}>{dim}<sheetData>{rows}</sheetData></worksheet>".encode()


def _inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


_HEADER_ROW = _inline_row(1, HEADER.split(","))
_DATA_ROW = _inline_row(2, [SUMENEP_NSPP, "ikan-asin", "300", "kg", "45000"])


# -- the row limit --------------------------------------------------------------------------


def test_the_default_row_limit_is_fifty_thousand(app):
    assert MAX_ROWS == 50_000
    assert app.config["IMPORT_MAX_ROWS"] == 50_000


def test_a_file_over_the_row_limit_is_refused_and_stops_reading_at_the_limit(network, tmp_path):
    path = write(tmp_path, "o.csv", _offers(1000))
    table = read_table(path, max_rows=10)
    with pytest.raises(SpreadsheetError, match="10"):
        list(table.rows)
    assert table.rows_read == 12  # the header, ten rows, and the one over the limit


def test_an_import_over_the_row_limit_names_the_limit_and_writes_nothing(network, tmp_path, app):
    before = snapshot()
    app.config["IMPORT_MAX_ROWS"] = 10
    report = import_file("offers", write(tmp_path, "o.csv", _offers(11)))
    [error] = report.errors
    assert error.row == 0
    assert "10" in error.reason
    assert "IMPORT_MAX_ROWS" in error.reason
    assert report.rows == 0  # refused before any row was checked
    assert snapshot() == before
    at_limit = import_file("offers", write(tmp_path, "ok.csv", _offers(10)))
    assert at_limit.rows == 10  # read and checked (its rows are duplicates of each other)
    assert not any("IMPORT_MAX_ROWS" in e.reason for e in at_limit.errors)


def test_the_cli_takes_a_row_limit(network, cli, tmp_path):
    before = snapshot()
    result = cli("import", "offers", str(write(tmp_path, "o.csv", _offers(6))), "--max-rows", "5")
    assert result.exit_code == 1
    assert "--max-rows" in result.output
    assert snapshot() == before


def test_the_header_is_checked_before_any_row_is_read(network, tmp_path):
    path = write(tmp_path, "o.csv", _offers(1000).replace("quantity", "banyaknya", 1))
    table = read_table(path)
    report = ImportReport(kind="offers")
    import_table("offers", table, report)
    assert [(e.row, e.column) for e in report.errors] == [(1, "quantity")]
    assert table.rows_read == 1


def test_a_header_wider_than_the_column_limit_is_refused(network, tmp_path):
    wide = ",".join(f"c{i}" for i in range(150))
    report = import_file("offers", write(tmp_path, "o.csv", f"{HEADER},{wide}\n"))
    [error] = report.errors
    assert "IMPORT_MAX_COLUMNS" in error.reason


# -- xlsx bombs: refused before the rows are read -------------------------------------------


#: A 5 KB file that openpyxl would unfold into a million rows of 16,384 cells (GBs).
_FAR = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", None], ids=["declared", "undeclared"])
def test_an_xlsx_bomb_of_a_million_rows_is_refused_before_reading_a_row(network, dimension):
    data = _xlsx(_sheet(dimension, _HEADER_ROW + _DATA_ROW + _FAR))
    assert len(data) < 10_000
    with pytest.raises(SpreadsheetError, match="50"):
        read_table(data, "bomb.xlsx")  # raised on opening: no row was read
    report = import_file("offers", data, "bomb.xlsx")
    [error] = report.errors
    assert error.row == 0
    assert re.search(r"50[.,]000", error.reason)
    assert "IMPORT_MAX_ROWS" in error.reason
    assert report.rows == 0


def test_an_xlsx_declaring_a_million_rows_is_refused_before_reading_a_row(network):
    data = _xlsx(_sheet("A1:E1048576", _HEADER_ROW + _DATA_ROW))
    with pytest.raises(SpreadsheetError, match="IMPORT_MAX_ROWS"):
        read_table(data, "bomb.xlsx")


def test_an_xlsx_declaring_sixteen_thousand_columns_is_refused_before_reading_a_row(network):
    data = _xlsx(_sheet("A1:XFD3", _HEADER_ROW + _DATA_ROW))
    with pytest.raises(SpreadsheetError, match="16"):
        read_table(data, "wide.xlsx")


def test_an_xlsx_whose_shared_strings_unpack_to_many_megabytes_is_refused_unread(network):
    data = _xlsx(shared_strings=80 << 20)
    assert len(data) < 1 << 20  # a small upload ...
    with pytest.raises(SpreadsheetError, match="MB"):
        read_table(data, "strings.xlsx")  # ... refused from the zip's directory alone


def test_an_xlsx_with_more_rows_than_the_limit_is_refused_on_opening(network):
    rows = "".join(
        _inline_row(i, [SUMENEP_NSPP, "ikan-asin", "1", "kg", "1"]) for i in range(2, 200)
    )
    data = _xlsx(_sheet(None, _HEADER_ROW + rows))
    with pytest.raises(SpreadsheetError, match="100"):
        read_table(data, "many.xlsx", max_rows=100)
    table = read_table(data, "many.xlsx", max_rows=198)  # header + 198 rows: at the limit
    assert sum(1 for _ in table.rows) == 198


def test_an_xlsx_whose_dimension_says_less_than_it_holds_loses_no_row(network):
    rows = _HEADER_ROW + _DATA_ROW + _inline_row(3, [SUMENEP_NSPP, "teri-asin", "5", "kg", "9"])
    report = import_file("offers", _xlsx(_sheet("A1:A1", rows)), "small.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == 2
