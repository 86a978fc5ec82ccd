"""The import service: read a file, validate every row, then upsert all or nothing.

One code path for the CLI, the web upload form and the seed loader.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, cast

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..models import db
from .columns import KINDS, columns, header_map, required_columns
from .context import ImportContext
from .reading import SheetRow, SpreadsheetError, Table, read_table
from .report import ImportReport
from .rows import Record, validate_rows
from .upsert import check_lengths, upsert

__all__ = ["import_file", "import_rows", "import_table"]

Progress = Callable[[int], None]


def _session(session: Session | None) -> Session:
    # db.session is a scoped_session proxy: it behaves as the request's Session.
    return session if session is not None else cast(Session, db.session)


def import_file(
    kind: str,
    source: str | Path | IO[bytes] | bytes,
    filename: str | None = None,
    *,
    dry_run: bool = False,
    commit: bool = True,
    progress: Progress | None = None,
    session: Session | None = None,
    max_rows: int | None = None,
) -> ImportReport:
    """Import a ``.csv`` / ``.xlsx`` file of ``kind`` (see :data:`KINDS`).

    ``source`` is a path, an open binary stream or bytes (an upload: pass its ``filename``).
    With any bad row nothing is written and the report lists every error; with ``dry_run``
    nothing is written either and the report lists what would change, field by field.
    ``commit=False`` leaves the changes flushed but uncommitted (the caller commits).
    ``max_rows`` overrides the app's ``IMPORT_MAX_ROWS``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    name = filename or (Path(source).name if isinstance(source, str | Path) else "upload")
    report = ImportReport(kind=kind, filename=name, dry_run=dry_run)
    try:
        table = read_table(source, filename, max_rows=max_rows)
    except SpreadsheetError as exc:
        report.error(0, "", "", str(exc))
        return report
    return import_table(kind, table, report, commit=commit, progress=progress, session=session)


def import_rows(
    kind: str,
    file: str | Path | IO[bytes] | bytes,
    dry_run: bool = False,
    filename: str | None = None,
) -> ImportReport:
    """The name in the shared contract: :func:`import_file` with default options."""
    return import_file(kind, file, filename, dry_run=dry_run)


def import_table(
    kind: str,
    table: Table,
    report: ImportReport,
    *,
    commit: bool = True,
    progress: Progress | None = None,
    session: Session | None = None,
) -> ImportReport:
    """Validate and upsert the rows of a spreadsheet being read (see :func:`read_table`).

    The header is checked before any data row is read; then every row is read (up to the
    row limit) before any is validated, so a file over the limit is refused having checked
    nothing. Only the columns in the file are updated (see :mod:`.columns`).
    """
    session = _session(session)
    mapping, unknown = header_map(kind, table.header)
    if unknown:
        report.warnings.append(_("ignored column(s): %(columns)s", columns=", ".join(unknown)))
    missing = [c for c in required_columns(kind) if c not in mapping.values()]
    for column in missing:
        aliases = next(c.aliases for c in columns(kind) if c.name == column)
        also = _(" (or %(aliases)s)", aliases=", ".join(aliases[:3])) if aliases else ""
        report.error(1, column, "", _("missing column %(column)s", column=column) + also)
    if missing:
        report.warnings.extend(table.warnings)
        return report
    try:
        rows = [
            SheetRow(row.number, {mapping[h]: v for h, v in row.cells.items() if h in mapping})
            for row in table.rows
        ]
    except SpreadsheetError as exc:
        report.warnings.extend(table.warnings)
        report.error(0, "", "", str(exc))
        return report
    report.warnings.extend(table.warnings)
    report.rows = len(rows)
    ctx = ImportContext(session, kind, frozenset(mapping.values()))
    records = validate_rows(kind, rows, ctx, report, progress)
    check_lengths(kind, records, report)
    if kind == "products":
        _check_substitutes(records, ctx, report)
    if not report.ok:
        return report
    try:
        upsert(session, kind, records, report, ctx)
        if report.dry_run:
            return report
        session.flush()
    except SQLAlchemyError as exc:
        session.rollback()
        report.created = report.updated = report.unchanged = 0
        report.changes.clear()
        report.error(
            0,
            "",
            "",
            _(
                "the database refused the import: %(error)s: %(detail)s",
                error=exc.__class__.__name__,
                detail=str(exc.orig if hasattr(exc, "orig") else exc),
            ),
        )
        return report
    if commit:
        session.commit()
    return report


def _check_substitutes(records: list[Record], ctx: ImportContext, report: ImportReport) -> None:
    known = set(ctx.products) | {r.key[0] for r in records}
    for record in records:
        for slug in record.extra["substitutes"]:
            if slug not in known:
                report.error(record.row, "substitutes", slug, _("no product with this slug"))
            elif slug == record.key[0]:
                report.error(
                    record.row, "substitutes", slug, _("a product cannot substitute itself")
                )
