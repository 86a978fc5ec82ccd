"""Spreadsheet import and export (``.csv`` / ``.xlsx``), shared by the CLI, the web UI and the seed.

Service API::

    report = import_file("offers", path_or_stream, filename="offers.xlsx", dry_run=False)
    report.ok, report.created, report.updated, report.unchanged, report.errors  # RowError(row, column, value, reason)
    frame = export_frame("offers")              # DataFrame in the import's columns
    export_file("offers", "offers.xlsx")        # or a stream with fmt="csv" / "xlsx"
    data = export_bytes("offers", "csv")        # for a download response

Kinds: ``pesantren``, ``offers``, ``needs``, ``certificates`` (facilitators' spreadsheets) and
``regencies``, ``products`` (the catalogue, loaded by the seed). Imports are all-or-nothing:
any bad row and nothing is written. Upsert keys: pesantren by NSPP; listings by (NSPP,
product); certificates by (NSPP, product, kind, number); regencies by code; products by slug.
"""

from __future__ import annotations

from .columns import KINDS, USER_KINDS, columns, header_map
from .export import EXPORT_FORMATS, export_bytes, export_file, export_frame, neutralise
from .reading import SUPPORTED_SUFFIXES, SpreadsheetError, Table, read_table
from .report import Change, ImportReport, RowError
from .service import import_file, import_rows, import_table

__all__ = [
    "EXPORT_FORMATS",
    "KINDS",
    "SUPPORTED_SUFFIXES",
    "USER_KINDS",
    "Change",
    "ImportReport",
    "RowError",
    "SpreadsheetError",
    "Table",
    "columns",
    "export_bytes",
    "export_file",
    "export_frame",
    "header_map",
    "import_file",
    "import_rows",
    "import_table",
    "neutralise",
    "read_table",
]
