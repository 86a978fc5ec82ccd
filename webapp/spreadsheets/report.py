"""What an import found and did: row errors, warnings and counts."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Change", "ImportReport", "RowError"]


@dataclass(frozen=True)
class RowError:
    """A bad cell: ``row`` as numbered in the spreadsheet (header = 1; 0 = the whole file)."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        if self.column:
            where += f", column {self.column}"
        shown = f" ({self.value!r})" if self.value else ""
        return f"{where}{shown}: {self.reason}"


@dataclass(frozen=True)
class Change:
    """One record the import creates or updates (``fields``: the columns that change)."""

    action: str  # created / updated
    row: int
    key: str
    fields: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """The outcome of one import; ``ok`` is False when any row was bad (nothing written)."""

    kind: str
    filename: str = ""
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        """True when the database was changed by this import."""
        return self.ok and not self.dry_run and bool(self.created or self.updated)

    def error(self, row: int, column: str, value: str, reason: str) -> None:
        self.errors.append(RowError(row, column, value, reason))

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        if not self.ok:
            return f"{self.kind}: {len(self.errors)} error(s) in {self.rows} row(s); nothing was imported"
        return (
            f"{self.kind}: {self.rows} row(s): {self.created} {verb} created, "
            f"{self.updated} {verb} updated, {self.unchanged} unchanged"
        )
