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
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from babel.numbers import format_decimal
from flask import current_app, has_app_context
from flask_babel import get_locale
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
    "count_text",
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
        from .xlsx import read_xlsx  # needs this module's Table; openpyxl only when used

        return read_xlsx(data, Path(name).name, limits)
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
                max=count_text(self.rows),
            )
        )

    def too_many_columns(self, name: str, found: int) -> SpreadsheetError:
        return SpreadsheetError(
            _(
                "%(file)s: %(found)s columns; one import reads at most %(max)s columns "
                "(IMPORT_MAX_COLUMNS). Delete the columns that are not needed.",
                file=name,
                found=count_text(found),
                max=self.columns,
            )
        )


def count_text(value: float) -> str:
    """``50.000`` in Indonesian, ``50,000`` in English (the reader's language)."""
    return str(format_decimal(value, locale=str(get_locale() or "en")))


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
    return table_of(rows(), name, warnings, limits, expected=text.count("\n"))


# -- both --------------------------------------------------------------------------------------


def table_of(
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
