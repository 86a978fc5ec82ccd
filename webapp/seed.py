"""Load the illustrative East Java seed data (``seed_data/*.csv``) into the database.

The seed goes through the same import service as facilitators' spreadsheets, so it is
validated the same way. It runs in one transaction: if any file has a bad row, nothing is
loaded. It is idempotent and never undoes what users did: the reference data (regencies,
products) is brought up to the seed's version, but a pesantren, certificate, offer or need
that exists already is kept as it is (officers edit and confirm them, facilitators import
them); only the missing ones are added, and the report counts the others as unchanged.

The seed describes the network on :data:`SEED_AS_OF`; its dates (confirmations,
availability windows, certificates) are moved forward by the days since, so a demo set up
months later is as fresh as on that day instead of every listing resting.

Where the CSVs are found is :func:`matcher.seed_files.find_seed_dir`'s rule (the synthetic
markets read the same folder): the ``path`` argument, the ``SEED_PATH`` setting
(``OPOP_SEED_PATH``), ``seed_data/`` next to the packages (a source checkout or editable
install), and ``<prefix>/share/opop-match/seed_data`` (a regular ``pip install``, which ships
the CSVs as data files).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import current_app, has_app_context
from sqlalchemy import select

from matcher.seed_files import SeedDataNotFound, find_seed_dir

from .models import Certificate, Listing, Pesantren, Product, db
from .spreadsheets import ImportReport, SpreadsheetError, Table, import_table, read_table
from .spreadsheets.reading import SheetRow

__all__ = ["SEED_AS_OF", "SEED_FILES", "SeedError", "find_seed_path", "load_seed"]

#: The day the seed describes (``seed_data/generate.py``'s ``AS_OF``).
SEED_AS_OF = dt.date(2026, 11, 23)
#: Date columns moved forward with the seed (ISO dates in the CSVs).
DATE_COLUMNS = (
    "last_confirmed",
    "available_from",
    "available_until",
    "issued_on",
    "expires_on",
)

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


def find_seed_path(path: str | Path | None = None) -> Path:
    """The folder holding the seed CSVs (see the module docstring for the search order)."""
    setting = current_app.config.get("SEED_PATH") if has_app_context() else None
    try:
        return find_seed_dir(path, setting=setting)
    except SeedDataNotFound as exc:
        raise SeedError(str(exc)) from exc


@contextmanager
def _bar(kind: str, length: int, show: bool) -> Iterator[object]:
    """A progress bar on a terminal only: in a log or a pipe it would print padded blank
    lines; the per-file summary that follows says the same there."""
    if not show or not sys.stdout.isatty():
        yield None
        return
    with click.progressbar(length=length, label=f"{kind:<13}", show_pos=True) as bar:
        yield bar


def _keys(kind: str) -> Callable[[dict[str, str]], tuple[str, ...]] | None:
    """How a seed row of ``kind`` names what it describes, or None for reference data."""
    if kind == "pesantren":
        return lambda cells: (cells.get("nspp", "").strip(),)
    if kind == "certificates":
        return lambda cells: tuple(cells.get(c, "").strip() for c in ("nspp", "product", "kind"))
    if kind in ("offers", "needs"):
        return lambda cells: (cells.get("nspp", "").strip(), cells.get("product", "").strip())
    return None


def _present(kind: str) -> set[tuple[str, ...]]:
    """The keys (as :func:`_keys` spells them) of the rows of ``kind`` in the database."""
    session = db.session
    if kind == "pesantren":
        return {(n,) for n in session.scalars(select(Pesantren.nspp)) if n}
    if kind == "certificates":
        rows: Any = session.execute(
            select(Pesantren.nspp, Product.slug, Certificate.kind)
            .select_from(Certificate)
            .join(Pesantren, Pesantren.id == Certificate.pesantren_id)
            .join(Product, Product.id == Certificate.product_id)
        )
    else:
        rows = session.execute(
            select(Pesantren.nspp, Product.slug)
            .select_from(Listing)
            .join(Pesantren, Pesantren.id == Listing.pesantren_id)
            .join(Product, Product.id == Listing.product_id)
            .where(Listing.kind == kind.removesuffix("s"))
        )
    return {tuple(r) for r in rows}


def _missing_only(kind: str, table: Table, days: int) -> Callable[[], int]:
    """Let through the rows of ``table`` that the database lacks, with their dates moved
    ``days`` forward; returns how many it held back (once the rows are read)."""
    key = _keys(kind)
    present = _present(kind) if key is not None else set()
    held: list[int] = [0]
    rows = table.rows

    def missing() -> Iterator[SheetRow]:
        for row in rows:
            if key is not None and key(row.cells) in present:
                held[0] += 1
                continue
            _move_dates(row, days)
            yield row

    table.rows = missing()
    return lambda: held[0]


def _move_dates(row: SheetRow, days: int) -> None:
    """Move every ISO date of :data:`DATE_COLUMNS` ``days`` forward (blank stays blank)."""
    if days <= 0:
        return
    for column in DATE_COLUMNS:
        text = row.cells.get(column, "").strip()
        if text:
            row.cells[column] = (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()


def load_seed(
    path: str | Path | None = None, *, progress: bool = False, today: dt.date | None = None
) -> dict[str, ImportReport]:
    """Load every seed file in order, in one transaction; return each file's report.

    Only what is missing is added (reference data is updated); dates move forward from
    :data:`SEED_AS_OF` to ``today``. Raises :class:`SeedError` (and loads nothing) when a
    file is missing or has bad rows.
    """
    shift = ((today or dt.date.today()) - SEED_AS_OF).days
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
            kept = _missing_only(kind, table, shift)
            with _bar(kind, table.expected_rows or 0, progress) as bar:
                update = getattr(bar, "update", None)
                import_table(kind, table, report, commit=False, progress=update)
            report.rows += kept()
            report.unchanged += kept()  # there already: kept as users left it
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
