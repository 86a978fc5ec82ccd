"""Reading user spreadsheets (``.csv`` / ``.xlsx``) into rows of text, keeping row numbers.

Rows are numbered as the user sees them in the spreadsheet (the header is row 1), blank rows
are skipped without shifting the numbers, cells are stripped of stray spaces and of the
leading apostrophe that our export puts before formula-like text.

Encoding decision: CSV files are read as UTF-8 (with or without BOM) or UTF-16 (with BOM);
anything else is decoded as Windows-1252, the code page Excel uses when it saves "CSV" on an
Indonesian or English Windows, and the report carries a warning saying so. A file that is not
text at all (a PDF, an image, a legacy ``.xls``) gets a clear error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

__all__ = [
    "FORMULA_PREFIXES",
    "SUPPORTED_SUFFIXES",
    "SheetRow",
    "SpreadsheetError",
    "Table",
    "clean_cell",
    "normalise_header",
    "number_text",
    "read_table",
]

SUPPORTED_SUFFIXES = (".csv", ".xlsx")
#: A cell starting with one of these is run as a formula by Excel / LibreOffice / Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read (wrong type, corrupt, undecodable, no header)."""


@dataclass(frozen=True)
class SheetRow:
    """One non-blank data row: its number in the spreadsheet and its cells by column."""

    number: int
    cells: dict[str, str]


@dataclass
class Table:
    """What a spreadsheet holds: the header as written, data rows, and reading warnings."""

    header: list[str]
    rows: list[SheetRow]
    warnings: list[str] = field(default_factory=list)


def normalise_header(text: str) -> str:
    """Lower-case, with every run of spaces and punctuation turned into one ``_``.

    >>> normalise_header("  Kabupaten / Kota ")
    'kabupaten_kota'
    >>> normalise_header("Harga Maks. (Rp)")
    'harga_maks_rp'
    """
    text = str(text).replace("\ufeff", "").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def clean_cell(value: Any) -> str:
    """Cell value as stripped text; numbers without a spurious ``.0``; dates as ISO.

    >>> clean_cell("  '=1+1 ")
    '=1+1'
    >>> clean_cell(512035710012.0)
    '512035710012'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return "" if value != value else number_text(value)  # NaN is blank
    text = str(value).replace("\u00a0", " ").strip()
    # Our export protects formula-like text with a leading apostrophe; take it back off.
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def number_text(value: float | int | Decimal) -> str:
    """A number as text that reads back the same in Indonesian or English notation.

    ``1.125`` could be read as one thousand one hundred and twenty-five, so a fraction of
    exactly three digits gets a trailing zero.

    >>> number_text(1.125), number_text(2500.0), number_text(Decimal("12.50"))
    ('1.1250', '2500', '12.5')
    """
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    text = format(number.normalize(), "f")
    return text + "0" if len(text.split(".")[1]) == 3 else text


def read_table(source: str | Path | IO[bytes] | bytes, filename: str | None = None) -> Table:
    """Read a ``.csv`` or ``.xlsx`` file (a path, an open binary stream or bytes).

    ``filename`` decides the format when ``source`` is a stream or bytes (an upload).
    """
    name = filename or (str(source) if isinstance(source, str | Path) else "")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "no extension"
        raise SpreadsheetError(
            f"{Path(name).name or 'the file'}: unsupported file type ({shown}); "
            "save it as .xlsx (Excel) or .csv"
        )
    data = _read_bytes(source)
    if not data.strip():
        raise SpreadsheetError(f"{Path(name).name}: the file is empty")
    if suffix == ".xlsx":
        return _read_xlsx(data, Path(name).name)
    return _read_csv(data, Path(name).name)


def _read_bytes(source: str | Path | IO[bytes] | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise SpreadsheetError(f"cannot read {source}: {exc.strerror or exc}") from exc
    data = source.read()
    return data.encode() if isinstance(data, str) else bytes(data)


# -- CSV ---------------------------------------------------------------------------------------

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (an .xlsx renamed to .csv?)",
    b"\xd0\xcf\x11\xe0": "a legacy Excel .xls file (save it as .xlsx)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise SpreadsheetError(f"{name}: this is {what}, not a CSV file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(
            f"{name}: not a text file (binary content); save it as .csv or .xlsx"
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            f"{name}: unknown text encoding (byte 0x{data[utf8_error.start]:02x} at position "
            f"{utf8_error.start} is not UTF-8 nor Windows-1252); save the file as 'CSV UTF-8'"
        ) from exc
    return text, [
        f"{name} is not UTF-8; it was read as Windows-1252 (Excel's CSV). "
        "Check accented letters, or save it as 'CSV UTF-8'."
    ]


def _sniff_delimiter(first_line: str) -> str:
    # Indonesian Excel writes ';' (the comma is the decimal separator), others ','.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, name: str) -> Table:
    text, warnings = _decode(data, name)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first_line))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise SpreadsheetError(f"{name}: not a readable CSV file ({exc})") from exc
    return _table(((i, row) for i, row in enumerate(rows, start=1)), name, warnings)


# -- XLSX --------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, name: str) -> Table:
    import openpyxl

    if not data.startswith(b"PK"):
        raise SpreadsheetError(
            f"{name}: not an Excel .xlsx file (the file is damaged or of another type)"
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SpreadsheetError(f"{name}: the .xlsx file is damaged and cannot be read") from exc
    try:
        sheet = book.worksheets[0]
        rows = [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SpreadsheetError(f"{name}: the .xlsx file is damaged and cannot be read") from exc
    finally:
        book.close()
    warnings = []
    if len(book.sheetnames) > 1:
        warnings.append(f"{name}: only the first sheet ({book.sheetnames[0]!r}) was read")
    return _table(iter(rows), name, warnings)


# -- both --------------------------------------------------------------------------------------


def _table(rows: Iterable[tuple[int, list[Any]]], name: str, warnings: list[str]) -> Table:
    header: list[str] | None = None
    out: list[SheetRow] = []
    for number, raw in rows:
        cells = [clean_cell(v) for v in raw]
        if not any(cells):
            continue
        if header is None:
            if number != 1:
                warnings.append(f"{name}: the header is on row {number}, not row 1")
            header = cells
            continue
        if len(cells) > len(header) and any(cells[len(header) :]):
            warnings.append(f"{name} row {number}: values beyond the last named column ignored")
        out.append(
            SheetRow(
                number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
            )
        )
    if header is None:
        raise SpreadsheetError(f"{name}: the file has no header row")
    return Table(header=header, rows=out, warnings=warnings)
