"""``opop-match seed | import | export``: the seed data and facilitators' spreadsheets."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..seed import SeedError, load_seed
from ..spreadsheets import (
    EXPORT_FORMATS,
    KINDS,
    USER_KINDS,
    ImportReport,
    SpreadsheetError,
    export_file,
    import_table,
    read_table,
)
from ..spreadsheets.reading import MAX_ROWS

__all__ = ["COMMANDS", "export", "import_", "seed"]

MAX_SHOWN_ERRORS = 50


@click.command()
@click.option(
    "--path",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with the seed CSVs (default: the project's seed_data/).",
)
@with_appcontext
def seed(path: Path | None) -> None:
    """Load the illustrative East Java seed data: adds what is missing, keeps what users changed."""
    try:
        reports = load_seed(path, progress=True)
    except SeedError as exc:
        for report in exc.reports.values():
            _print_report(report)
        raise click.ClickException(f"seed not loaded: {exc}") from exc
    for report in reports.values():
        click.echo(report.summary())


def _print_report(report: ImportReport, show_changes: bool = False) -> None:
    for warning in report.warnings:
        click.echo(_("warning: %(text)s", text=warning), err=True)
    for error in report.errors[:MAX_SHOWN_ERRORS]:
        click.echo(_("error: %(text)s", text=str(error)), err=True)
    if len(report.errors) > MAX_SHOWN_ERRORS:
        more = len(report.errors) - MAX_SHOWN_ERRORS
        click.echo(_("... and %(n)s more errors", n=more), err=True)
    if show_changes:
        for line in change_lines(report):
            click.echo(line)


def change_lines(report: ImportReport) -> list[str]:
    """The report's changes, one line per record and one indented line per field, old → new."""
    lines = []
    for change in report.changes:
        if change.action == "created":
            action = _("would be created") if report.dry_run else _("created")
        else:
            action = _("would be updated") if report.dry_run else _("updated")
        lines.append(
            _("  row %(row)s: %(action)s: %(key)s", row=change.row, action=action, key=change.key)
        )
        lines.extend(f"      {field}" for field in change.fields)
    return lines


@click.command("import")
@click.argument("kind", type=click.Choice(USER_KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    help=f"Refuse a file with more data rows (default: IMPORT_MAX_ROWS, {MAX_ROWS:,}).",
)
@with_appcontext
def import_(kind: str, file: Path, dry_run: bool, max_rows: int | None) -> None:
    """Import a .csv or .xlsx file of KIND; any bad row and nothing is imported.

    Only the columns in the file change: a column left out keeps what is stored. Every
    field that changes is listed, old → new.
    """
    report = ImportReport(kind=kind, filename=file.name, dry_run=dry_run)
    try:
        table = read_table(file, max_rows=max_rows)
    except SpreadsheetError as exc:
        raise click.ClickException(str(exc)) from exc
    label = _("Checking %(file)s", file=file.name)
    with click.progressbar(length=table.expected_rows or 0, label=label) as bar:
        import_table(kind, table, report, progress=bar.update)
    _print_report(report, show_changes=True)
    click.echo(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(1)


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), help="Default: from FILE's suffix."
)
@with_appcontext
def export(kind: str, file: Path, fmt: str | None) -> None:
    """Export KIND to FILE (.csv or .xlsx) in the columns the import reads."""
    fmt = fmt or file.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise click.BadParameter(
            "FILE must end in .csv or .xlsx (or pass --format)", param_hint="FILE"
        )
    count = export_file(kind, file, fmt)
    click.echo(f"Exported {count} {kind} row(s) to {file}")


COMMANDS = [seed, import_, export]
