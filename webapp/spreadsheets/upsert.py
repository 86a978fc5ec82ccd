"""Upsert validated records: create what is new, update what differs, count the rest.

The same code runs for a dry run; it then only compares and counts, touching no row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Certificate, Listing, Pesantren, Product, ProductAlias, Regency, utcnow
from .report import Change, ImportReport
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


def _existing(session: Session, kind: str) -> dict[tuple[Any, ...], Any]:
    if kind == "regencies":
        return {(r.code,): r for r in session.scalars(select(Regency))}
    if kind == "products":
        return {(p.slug,): p for p in session.scalars(select(Product))}
    if kind == "pesantren":
        return {(p.nspp,): p for p in session.scalars(select(Pesantren)) if p.nspp}
    if kind in ("offers", "needs"):
        listing_kind = "offer" if kind == "offers" else "need"
        query = select(Listing).where(Listing.kind == listing_kind)
        return {(r.pesantren_id, r.product_id): r for r in session.scalars(query)}
    query = select(Certificate)
    return {(c.pesantren_id, c.product_id, c.kind, c.number): c for c in session.scalars(query)}


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
                report.error(record.row, name, value, f"too long: at most {limit} characters")


def upsert(session: Session, kind: str, records: list[Record], report: ImportReport) -> None:
    """Create or update one row per record (nothing is written on a dry run)."""
    existing = _existing(session, kind)
    dry = report.dry_run
    created: list[tuple[Record, Any]] = []
    for record in records:
        obj = existing.get(record.key)
        if obj is None:
            report.created += 1
            report.changes.append(Change("created", record.row, record.label))
            if not dry:
                new = _MODELS[kind](**record.values)
                _set_extra(kind, new, record, created=True)
                session.add(new)
                created.append((record, new))
            continue
        changed = [k for k, value in record.values.items() if not _same(getattr(obj, k), value)]
        changed += _extra_changes(kind, obj, record)
        if not changed:
            report.unchanged += 1
            continue
        report.updated += 1
        report.changes.append(Change("updated", record.row, record.label, tuple(changed)))
        if not dry:
            for k in changed:
                if k in record.values:
                    setattr(obj, k, record.values[k])
            _set_extra(kind, obj, record, created=False)
    if kind == "products" and not dry:
        session.flush()
        _set_substitutes(session, records)


def _extra_changes(kind: str, obj: Any, record: Record) -> list[str]:
    if kind == "pesantren" and obj.region_types != record.extra["region_types"]:
        return ["region_types"]
    if kind in ("offers", "needs"):
        confirmed: dt.date | None = record.extra["last_confirmed"]
        if confirmed is not None and obj.last_confirmed_at.date() != confirmed:
            return ["last_confirmed"]
    if kind == "products":
        out = []
        if sorted(obj.aliases) != sorted(record.extra["aliases"]):
            out.append("aliases")
        if sorted(s.slug for s in obj.substitutes) != sorted(record.extra["substitutes"]):
            out.append("substitutes")
        return out
    return []


def _set_extra(kind: str, obj: Any, record: Record, *, created: bool) -> None:
    if kind == "pesantren":
        if created or obj.region_types != record.extra["region_types"]:
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
        if created or sorted(obj.aliases) != sorted(wanted):
            obj.alias_rows = [ProductAlias(alias=a) for a in wanted]


def _set_substitutes(session: Session, records: list[Record]) -> None:
    by_slug = {p.slug: p for p in session.scalars(select(Product))}
    for record in records:
        product = by_slug[record.key[0]]
        wanted = record.extra["substitutes"]
        if sorted(s.slug for s in product.substitutes) != sorted(wanted):
            product.substitutes = [by_slug[s] for s in wanted]
