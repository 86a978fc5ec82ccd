"""Load the illustrative East Java seed data (``seed_data/*.csv``) into the database.

The seed goes through the same import service as facilitators' spreadsheets, so it is
validated the same way and is idempotent: a second run finds every row unchanged. It runs in
one transaction: if any file has a bad row, nothing is loaded.

Where the CSVs are found (first that exists): the ``path`` argument, the ``SEED_PATH``
setting (``OPOP_SEED_PATH``), ``seed_data/`` next to the ``webapp`` package (a source
checkout or editable install), and ``<prefix>/share/opop-match/seed_data`` (a regular
``pip install``, which ships the CSVs as data files).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app, has_app_context

from .models import db
from .spreadsheets import ImportReport, SpreadsheetError, import_table, read_table

__all__ = ["SEED_FILES", "SeedError", "find_seed_path", "load_seed"]

#: Import order: each kind refers only to kinds loaded before it.
SEED_FILES = (
    ("regencies", "regencies.csv"),
    ("products", "products.csv"),
    ("pesantren", "pesantren.csv"),
    ("certificates", "certificates.csv"),
    ("offers", "offers.csv"),
    ("needs", "needs.csv"),
)


class SeedError(RuntimeError):
    """The seed could not be loaded; ``reports`` holds each file's import report."""

    def __init__(self, message: str, reports: dict[str, ImportReport] | None = None) -> None:
        super().__init__(message)
        self.reports = reports or {}


def _candidates(path: str | Path | None) -> list[Path]:
    if path is not None:
        return [Path(path)]
    found: list[Path] = []
    if has_app_context() and current_app.config.get("SEED_PATH"):
        found.append(Path(current_app.config["SEED_PATH"]))
    found.append(Path(__file__).resolve().parent.parent / "seed_data")
    found.append(Path(sys.prefix) / "share" / "opop-match" / "seed_data")
    return found


def find_seed_path(path: str | Path | None = None) -> Path:
    """The folder holding the seed CSVs (see the module docstring for the search order)."""
    candidates = _candidates(path)
    for candidate in candidates:
        if (candidate / SEED_FILES[0][1]).is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise SeedError(f"no seed data found (looked for {SEED_FILES[0][1]} in: {tried})")


@contextmanager
def _bar(kind: str, length: int, show: bool) -> Iterator[object]:
    if not show:
        yield None
        return
    with click.progressbar(length=length, label=f"{kind:<13}", show_pos=True) as bar:
        yield bar


def load_seed(path: str | Path | None = None, *, progress: bool = False) -> dict[str, ImportReport]:
    """Load every seed file in order, in one transaction; return each file's report.

    Raises :class:`SeedError` (and loads nothing) when a file is missing or has bad rows.
    """
    folder = find_seed_path(path)
    session = db.session
    reports: dict[str, ImportReport] = {}
    try:
        for kind, filename in SEED_FILES:
            file = folder / filename
            if not file.is_file():
                raise SeedError(f"seed file missing: {file}", reports)
            try:
                table = read_table(file)
            except SpreadsheetError as exc:
                raise SeedError(str(exc), reports) from exc
            report = ImportReport(kind=kind, filename=filename)
            with _bar(kind, table.expected_rows or 0, progress) as bar:
                update = getattr(bar, "update", None)
                import_table(kind, table, report, commit=False, progress=update)
            reports[kind] = report
            if not report.ok:
                shown = "; ".join(str(e) for e in report.errors[:10])
                more = f" (and {len(report.errors) - 10} more)" if len(report.errors) > 10 else ""
                raise SeedError(f"{filename}: {shown}{more}", reports)
            session.flush()
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return reports
