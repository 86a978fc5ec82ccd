"""``opop-match seed | import | export``: the seed data and facilitators' spreadsheets."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

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
        click.echo(f"warning: {warning}", err=True)
    for error in report.errors[:MAX_SHOWN_ERRORS]:
        click.echo(f"error: {error}", err=True)
    if len(report.errors) > MAX_SHOWN_ERRORS:
        click.echo(f"... and {len(report.errors) - MAX_SHOWN_ERRORS} more errors", err=True)
    if show_changes:
        for change in report.changes:
            fields = f" ({', '.join(change.fields)})" if change.fields else ""
            action = f"would be {change.action}" if report.dry_run else change.action
            click.echo(f"  row {change.row}: {action}: {change.key}{fields}")


@click.command("import")
@click.argument("kind", type=click.Choice(USER_KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
@with_appcontext
def import_(kind: str, file: Path, dry_run: bool) -> None:
    """Import a .csv or .xlsx file of KIND; any bad row and nothing is imported."""
    report = ImportReport(kind=kind, filename=file.name, dry_run=dry_run)
    try:
        table = read_table(file)
    except SpreadsheetError as exc:
        raise click.ClickException(str(exc)) from exc
    with click.progressbar(length=len(table.rows), label=f"Checking {file.name}") as bar:
        import_table(kind, table, report, progress=bar.update)
    _print_report(report, show_changes=dry_run)
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
