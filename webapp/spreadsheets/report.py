"""What an import found and did: row errors, warnings, counts and every field it changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from .reading import number_text

__all__ = ["Change", "FieldChange", "ImportReport", "RowError", "shown"]


@dataclass(frozen=True)
class RowError:
    """A bad cell: ``row`` as numbered in the spreadsheet (header = 1; 0 = the whole file)."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = _("row %(row)s", row=self.row) if self.row else _("file")
        if self.column:
            where = _("%(where)s, column %(column)s", where=where, column=self.column)
        shown = f" ({self.value!r})" if self.value else ""
        return f"{where}{shown}: {self.reason}"


def shown(value: object) -> str:
    """A stored value as the spreadsheet writes it (``""`` for nothing).

    >>> shown(Decimal("1550.000")), shown(["urban", "island"]), shown(None), shown(dt.date(2026, 8, 17))
    ('1550', 'urban;island', '', '2026-08-17')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return number_text(value)
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    """One field an import changes: its column, the stored value and the file's, as text."""

    column: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.column}: {self.old or '—'} → {self.new or '—'}"


@dataclass(frozen=True)
class Change:
    """One record the import creates or updates (``fields``: what changes, old → new)."""

    action: str  # created / updated
    row: int
    key: str
    fields: tuple[FieldChange, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.column for f in self.fields)


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
        if not self.ok:
            return _(
                "%(kind)s: %(errors)s error(s) in %(rows)s row(s); nothing was imported",
                kind=self.kind,
                errors=len(self.errors),
                rows=self.rows,
            )
        counts = {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            return _(
                "%(kind)s: %(rows)s row(s): %(created)s would be created, %(updated)s would be "
                "updated, %(unchanged)s unchanged",
                **counts,
            )
        return _(
            "%(kind)s: %(rows)s row(s): %(created)s were created, %(updated)s were updated, "
            "%(unchanged)s unchanged",
            **counts,
        )
