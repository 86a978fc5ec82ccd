"""Reading the first sheet of an ``.xlsx`` as a stream, refusing a "bomb" before its rows.

An ``.xlsx`` is a zip of XML parts. A few kilobytes can declare or unpack to a sheet of a
million rows of 16,384 cells (openpyxl then builds gigabytes), so before openpyxl reads a row:
the zip's directory says what each part unpacks to (:func:`_check_archive`); the first
sheet's raw XML is scanned for its rows without building a cell (:func:`_count_rows`); the
sheet's declared dimension is checked. Then openpyxl reads it in read-only mode, row by row,
never wider than the column limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _

from .reading import Limits, SpreadsheetError, Table, count_text, table_of

__all__ = ["read_xlsx"]

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
                size=count_text(round(total / (1 << 20))),
                max=count_text(limits.rows),
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


def read_xlsx(data: bytes, name: str, limits: Limits) -> Table:
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

    return table_of(rows(), name, warnings, limits, expected=counted or declared_rows)
