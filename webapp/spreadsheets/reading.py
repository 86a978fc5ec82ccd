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
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from flask import current_app, has_app_context
from flask_babel import gettext as _

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "Limits",
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
#: Data rows one import reads at most (config ``IMPORT_MAX_ROWS``, CLI ``--max-rows``).
MAX_ROWS = 50_000
#: Columns one import reads at most (config ``IMPORT_MAX_COLUMNS``); our widest kind has 18.
MAX_COLUMNS = 100


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read (wrong type, corrupt, undecodable, no header)."""


@dataclass(frozen=True)
class SheetRow:
    """One non-blank data row: its number in the spreadsheet and its cells by column."""

    number: int
    cells: dict[str, str]


@dataclass
class Table:
    """A spreadsheet being read: the header as written, then its data rows as they are read.

    ``rows`` is an iterator, read once; it raises :class:`SpreadsheetError` when the file goes
    over the limits or turns out damaged half way. ``rows_read`` counts the spreadsheet rows
    read so far (header and blank rows too); ``expected_rows`` is what the file announces
    (an upper bound, for a progress bar), or None.
    """

    header: list[str]
    rows: Iterator[SheetRow]
    warnings: list[str] = field(default_factory=list)
    expected_rows: int | None = None
    rows_read: int = 0


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


def read_table(
    source: str | Path | IO[bytes] | bytes,
    filename: str | None = None,
    *,
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> Table:
    """Open a ``.csv`` or ``.xlsx`` file (a path, an open binary stream or bytes).

    ``filename`` decides the format when ``source`` is a stream or bytes (an upload). The
    header is read now; the data rows are read as :attr:`Table.rows` is iterated, at most
    ``max_rows`` of them (default: the app's ``IMPORT_MAX_ROWS``, else :data:`MAX_ROWS`) and
    ``max_columns`` wide. A file over a limit raises :class:`SpreadsheetError`: an ``.xlsx``
    that declares (or unpacks to) more than the limits allow is refused before any row is read.
    """
    limits = Limits.of(max_rows, max_columns)
    name = filename or (str(source) if isinstance(source, str | Path) else "")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or _("no extension")
        raise SpreadsheetError(
            _(
                "%(file)s: unsupported file type (%(suffix)s); save it as .xlsx (Excel) or .csv",
                file=Path(name).name or _("the file"),
                suffix=shown,
            )
        )
    data = _read_bytes(source)
    if not data.strip():
        raise SpreadsheetError(_("%(file)s: the file is empty", file=Path(name).name))
    if suffix == ".xlsx":
        return _read_xlsx(data, Path(name).name, limits)
    return _read_csv(data, Path(name).name, limits)


@dataclass(frozen=True)
class Limits:
    """How much one import reads: data rows, columns, and what an ``.xlsx`` may unpack to."""

    rows: int
    columns: int

    @classmethod
    def of(cls, rows: int | None, columns: int | None) -> Limits:
        config: dict[str, Any] = current_app.config if has_app_context() else {}
        return cls(
            int(rows if rows is not None else config.get("IMPORT_MAX_ROWS", MAX_ROWS)),
            int(columns if columns is not None else config.get("IMPORT_MAX_COLUMNS", MAX_COLUMNS)),
        )

    @property
    def last_row(self) -> int:
        """The last spreadsheet row number read (the header is row 1)."""
        return self.rows + 1

    @property
    def sheet_bytes(self) -> int:
        # A real row of our widest kind is well under 1 KB of sheet XML.
        return max(16 << 20, 2048 * self.last_row)

    @property
    def shared_string_bytes(self) -> int:
        # openpyxl holds every shared string in memory: the one part that must stay small.
        return max(8 << 20, 1024 * self.last_row)

    def too_many_rows(self, name: str) -> SpreadsheetError:
        return SpreadsheetError(
            _(
                "%(file)s: more than %(max)s rows; one import reads at most %(max)s rows "
                "(IMPORT_MAX_ROWS, or --max-rows). Split the file, or delete the empty rows "
                "at its end.",
                file=name,
                max=f"{self.rows:,}",
            )
        )

    def too_many_columns(self, name: str, found: int) -> SpreadsheetError:
        return SpreadsheetError(
            _(
                "%(file)s: %(found)s columns; one import reads at most %(max)s columns "
                "(IMPORT_MAX_COLUMNS). Delete the columns that are not needed.",
                file=name,
                found=f"{found:,}",
                max=self.columns,
            )
        )


def _read_bytes(source: str | Path | IO[bytes] | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise SpreadsheetError(
                _("cannot read %(file)s: %(reason)s", file=source, reason=exc.strerror or exc)
            ) from exc
    data = source.read()
    return data.encode() if isinstance(data, str) else bytes(data)


# -- CSV ---------------------------------------------------------------------------------------


def _binary_signatures() -> dict[bytes, str]:
    return {
        b"PK\x03\x04": _("a ZIP archive (an .xlsx renamed to .csv?)"),
        b"\xd0\xcf\x11\xe0": _("a legacy Excel .xls file (save it as .xlsx)"),
        b"%PDF": _("a PDF document"),
        b"\x89PNG": _("a PNG image"),
        b"\xff\xd8\xff": _("a JPEG image"),
    }


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    for signature, what in _binary_signatures().items():
        if data.startswith(signature):
            raise SpreadsheetError(
                _("%(file)s: this is %(what)s, not a CSV file", file=name, what=what)
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(
            _("%(file)s: not a text file (binary content); save it as .csv or .xlsx", file=name)
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _(
                "%(file)s: unknown text encoding (byte 0x%(byte)s at position %(position)s is "
                "not UTF-8 nor Windows-1252); save the file as 'CSV UTF-8'",
                file=name,
                byte=f"{data[utf8_error.start]:02x}",
                position=utf8_error.start,
            )
        ) from exc
    return text, [
        _(
            "%(file)s is not UTF-8; it was read as Windows-1252 (Excel's CSV). Check accented "
            "letters, or save it as 'CSV UTF-8'.",
            file=name,
        )
    ]


def _sniff_delimiter(first_line: str) -> str:
    # Indonesian Excel writes ';' (the comma is the decimal separator), others ','.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, name: str, limits: Limits) -> Table:
    text, warnings = _decode(data, name)
    del data
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first_line))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            raise SpreadsheetError(
                _("%(file)s: not a readable CSV file (%(reason)s)", file=name, reason=str(exc))
            ) from exc

    # Lines are an upper bound of rows (a quoted cell may hold a line break).
    return _table(rows(), name, warnings, limits, expected=text.count("\n"))


# -- XLSX --------------------------------------------------------------------------------------

_XLSX_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError,
                TypeError, EOFError)  # fmt: skip


def _damaged(name: str) -> SpreadsheetError:
    return SpreadsheetError(_("%(file)s: the .xlsx file is damaged and cannot be read", file=name))


def _check_archive(data: bytes, name: str, limits: Limits) -> None:
    """Refuse an ``.xlsx`` whose parts unpack to more than a sheet of the limits needs.

    A "zip bomb" is a few kilobytes that unpack to gigabytes; the sizes are in the archive's
    directory, so this reads no part.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _XLSX_ERRORS as exc:
        raise _damaged(name) from exc
    total = sum(info.file_size for info in infos)
    strings = sum(info.file_size for info in infos if info.filename.endswith("sharedStrings.xml"))
    if (
        strings > limits.shared_string_bytes
        or total > limits.sheet_bytes + limits.shared_string_bytes
    ):
        raise SpreadsheetError(
            _(
                "%(file)s: the .xlsx file unpacks to %(size)s MB, more than a sheet of "
                "%(max)s rows needs; split the file, or save it again from Excel",
                file=name,
                size=f"{total / (1 << 20):,.0f}",
                max=f"{limits.rows:,}",
            )
        )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d+)\"")


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The archive path of the workbook's first sheet (what openpyxl reads as sheet one)."""
    names = set(archive.namelist())
    try:
        book = archive.read("xl/workbook.xml")[: 1 << 20]
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 1 << 20]
    except KeyError:
        book = rels = b""
    first = re.search(rb"<(?:\w+:)?sheet\s[^>]*?\b(?:\w+:)?id=\"([^\"]+)\"", book)
    if first:
        for rel in re.finditer(rb"<(?:\w+:)?Relationship\s[^>]*>", rels):
            tag = rel.group(0)
            if re.search(rb"\bId=\"" + re.escape(first.group(1)) + rb"\"", tag):
                target = re.search(rb"\bTarget=\"([^\"]+)\"", tag)
                if target:
                    path = target.group(1).decode("utf-8", "replace")
                    path = path.lstrip("/") if path.startswith("/") else "xl/" + path
                    if path in names:
                        return path
    return "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else None


def _count_rows(data: bytes, limit: int) -> int:
    """The rows the first sheet's XML holds (its highest row number, or its count of row
    tags), counted in the raw XML without building a cell; stops once past ``limit``.

    The dimension a file declares can be wrong or missing (openpyxl then scans the whole
    sheet just to open it); this count is what would be read.
    """
    count = highest = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _first_sheet(archive)
        if path is None:
            return 0
        carry = b""
        with archive.open(path) as part:
            while chunk := part.read(1 << 20):
                text = carry + chunk
                # No tag is cut in two: XML attribute values hold no "<".
                cut = text.rfind(b"<")
                cut = len(text) if cut <= 0 else cut
                done, carry = text[:cut], text[cut:]
                count += len(_ROW_TAG.findall(done))
                numbers = _ROW_NUMBER.findall(done)
                if numbers:
                    highest = max(highest, *(int(n) for n in numbers))
                if max(count, highest) > limit:
                    break
            count += len(_ROW_TAG.findall(carry))
    return max(count, highest)


def _read_xlsx(data: bytes, name: str, limits: Limits) -> Table:
    import openpyxl

    if not data.startswith(b"PK"):
        raise SpreadsheetError(
            _(
                "%(file)s: not an Excel .xlsx file (the file is damaged or of another type)",
                file=name,
            )
        )
    _check_archive(data, name, limits)
    try:
        counted = _count_rows(data, limits.last_row)
    except _XLSX_ERRORS as exc:
        raise _damaged(name) from exc
    if counted > limits.last_row:
        raise limits.too_many_rows(name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise _damaged(name) from exc
    try:
        sheet = book.worksheets[0]
        # The sheet's own <dimension>: refuse before reading a row when it is over the limits.
        declared_rows, declared_columns = sheet.max_row, sheet.max_column
    except (*_XLSX_ERRORS, IndexError) as exc:
        book.close()
        raise _damaged(name) from exc
    # Rows are then read as they are: a dimension that is too small must not hide rows.
    sheet.reset_dimensions()
    if declared_rows is not None and declared_rows > limits.last_row:
        book.close()
        raise limits.too_many_rows(name)
    if declared_columns is not None and declared_columns > limits.columns:
        book.close()
        raise limits.too_many_columns(name, declared_columns)
    warnings = []
    if len(book.sheetnames) > 1:
        warnings.append(
            _(
                "%(file)s: only the first sheet (%(sheet)s) was read",
                file=name,
                sheet=book.sheetnames[0],
            )
        )

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            # max_col: a row is never padded or read beyond the column limit (+1 to see it).
            cells = sheet.iter_rows(values_only=True, max_col=limits.columns + 1)
            for number, row in enumerate(cells, start=1):
                yield number, list(row)
        except _XLSX_ERRORS as exc:
            raise _damaged(name) from exc
        finally:
            book.close()

    return _table(rows(), name, warnings, limits, expected=counted or declared_rows)


# -- both --------------------------------------------------------------------------------------


def _table(
    rows: Iterator[tuple[int, list[Any]]],
    name: str,
    warnings: list[str],
    limits: Limits,
    expected: int | None = None,
) -> Table:
    """Read up to the header now; the data rows when the table's rows are iterated."""
    table = Table(header=[], rows=iter(()), warnings=warnings, expected_rows=None)
    header: list[str] | None = None
    for number, raw in rows:
        table.rows_read = number
        if number > limits.last_row:
            raise limits.too_many_rows(name)
        if len(raw) > limits.columns and any(
            v is not None and v != "" for v in raw[limits.columns :]
        ):
            raise limits.too_many_columns(name, len(raw))
        cells = [clean_cell(v) for v in raw[: limits.columns]]
        if any(cells):
            if number != 1:
                warnings.append(
                    _("%(file)s: the header is on row %(row)s, not row 1", file=name, row=number)
                )
            header = cells
            break
    if header is None:
        raise SpreadsheetError(_("%(file)s: the file has no header row", file=name))
    table.header = header
    if expected is not None:
        table.expected_rows = max(0, expected - table.rows_read)
    table.rows = _data_rows(table, rows, name, limits)
    return table


def _data_rows(
    table: Table, rows: Iterator[tuple[int, list[Any]]], name: str, limits: Limits
) -> Iterator[SheetRow]:
    header = table.header
    width = len(header)
    for number, raw in rows:
        table.rows_read = number
        if number > limits.last_row:
            raise limits.too_many_rows(name)
        cells = [clean_cell(v) for v in raw[: limits.columns]]
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            table.warnings.append(
                _(
                    "%(file)s row %(row)s: values beyond the last named column ignored",
                    file=name,
                    row=number,
                )
            )
        yield SheetRow(
            number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        )
