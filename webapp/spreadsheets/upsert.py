"""Upsert validated records: create what is new, update what differs, count the rest.

The same code runs for a dry run; it then only compares and counts, touching no row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Certificate, Listing, Pesantren, Product, ProductAlias, Regency, utcnow
from .columns import columns
from .context import ImportContext
from .report import Change, FieldChange, ImportReport, shown
from .rows import Record

__all__ = ["check_lengths", "upsert"]


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    if isinstance(old, float) or isinstance(new, float):
        # Spreadsheets keep 15 significant digits; closer than that is the same value.
        if old is None or new is None:
            return old is new
        return math.isclose(float(old), float(new), rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(old, Decimal | int) and isinstance(new, Decimal | int):
        return Decimal(old) == Decimal(new)
    return bool(old == new)


_MODELS: dict[str, Callable[..., Any]] = {
    "regencies": Regency,
    "products": Product,
    "pesantren": Pesantren,
    "offers": Listing,
    "needs": Listing,
    "certificates": Certificate,
}


def check_lengths(kind: str, records: list[Record], report: ImportReport) -> None:
    """Report text longer than its database column allows (PostgreSQL would refuse it)."""
    table = _MODELS[kind].__table__  # type: ignore[attr-defined]
    limits = {
        c.name: c.type.length
        for c in table.columns
        if isinstance(getattr(c.type, "length", None), int)
    }
    for record in records:
        for name, value in record.values.items():
            limit = limits.get(name)
            if limit is not None and isinstance(value, str) and len(value) > limit:
                report.error(
                    record.row, name, value, _("too long: at most %(n)s characters", n=limit)
                )


def upsert(
    session: Session, kind: str, records: list[Record], report: ImportReport, ctx: ImportContext
) -> None:
    """Create or update one row per record (nothing is written on a dry run).

    A new record gets every value (defaults where the file says nothing); an existing one
    changes only in the columns its row sets (:attr:`Record.given`), and each change is
    reported old → new.
    """
    existing = ctx.existing
    dry = report.dry_run
    names = {c.name for c in columns(kind)}
    for record in records:
        obj = existing.get(record.key)
        if obj is None:
            report.created += 1
            report.changes.append(Change("created", record.row, record.label))
            if not dry:
                new = _MODELS[kind](**record.values)
                _set_extra(kind, new, record, created=True)
                session.add(new)
            continue
        # Values that are not columns (the owner's and product's ids) come from the key.
        wanted = {
            k: value
            for k, value in record.values.items()
            if (k in record.given or k not in names) and not _same(getattr(obj, k), value)
        }
        fields = [FieldChange(k, shown(getattr(obj, k)), shown(v)) for k, v in wanted.items()]
        fields += _extra_changes(kind, obj, record)
        if not fields:
            report.unchanged += 1
            continue
        report.updated += 1
        report.changes.append(Change("updated", record.row, record.label, tuple(fields)))
        if not dry:
            if kind == "pesantren" and "curation_status" in wanted:
                _record_curation(session, obj, wanted["curation_status"])
            for k, value in wanted.items():
                setattr(obj, k, value)
            _set_extra(kind, obj, record, created=False)
    if kind == "products" and not dry:
        session.flush()
        _set_substitutes(session, records)


def _record_curation(session: Session, pesantren: Any, status: str) -> None:
    """A curation status an import changes is a step of the curation's history too (the
    file is OPOP's own record, so any step is taken; who imported it is not known here)."""
    from ..models import CurationChange

    session.add(
        CurationChange(
            pesantren_id=pesantren.id,
            from_status=pesantren.curation_status,
            to_status=status,
        )
    )


def _extra_changes(kind: str, obj: Any, record: Record) -> list[FieldChange]:
    given = record.given
    out: list[FieldChange] = []
    if (
        kind == "pesantren"
        and "region_types" in given
        and obj.region_types != record.extra["region_types"]
    ):
        out.append(
            FieldChange(
                "region_types", shown(obj.region_types), shown(record.extra["region_types"])
            )
        )
    if kind in ("offers", "needs"):
        confirmed: dt.date | None = record.extra["last_confirmed"]
        if confirmed is not None and obj.last_confirmed_at.date() != confirmed:
            out.append(
                FieldChange("last_confirmed", shown(obj.last_confirmed_at), shown(confirmed))
            )
    if kind == "products":
        if "aliases" in given and sorted(obj.aliases) != sorted(record.extra["aliases"]):
            out.append(FieldChange("aliases", shown(obj.aliases), shown(record.extra["aliases"])))
        old = sorted(s.slug for s in obj.substitutes)
        if "substitutes" in given and old != sorted(record.extra["substitutes"]):
            out.append(
                FieldChange("substitutes", shown(old), shown(sorted(record.extra["substitutes"])))
            )
    return out


def _set_extra(kind: str, obj: Any, record: Record, *, created: bool) -> None:
    def sets(name: str) -> bool:
        return created or name in record.given

    if kind == "pesantren":
        if sets("region_types") and (created or obj.region_types != record.extra["region_types"]):
            obj.region_types = record.extra["region_types"]
    elif kind in ("offers", "needs"):
        confirmed: dt.date | None = record.extra["last_confirmed"]
        if confirmed is not None:
            if created or obj.last_confirmed_at.date() != confirmed:
                obj.last_confirmed_at = dt.datetime.combine(confirmed, dt.time(), tzinfo=dt.UTC)
        elif created:
            obj.last_confirmed_at = utcnow()
    elif kind == "products":
        wanted = record.extra["aliases"]
        if sets("aliases") and (created or sorted(obj.aliases) != sorted(wanted)):
            obj.alias_rows = [ProductAlias(alias=a) for a in wanted]


def _set_substitutes(session: Session, records: list[Record]) -> None:
    by_slug = {p.slug: p for p in session.scalars(select(Product))}
    for record in records:
        product = by_slug[record.key[0]]
        if "substitutes" not in record.given:
            continue  # no substitutes column: a stored product keeps its own
        wanted = record.extra["substitutes"]
        if sorted(s.slug for s in product.substitutes) != sorted(wanted):
            product.substitutes = [by_slug[s] for s in wanted]
