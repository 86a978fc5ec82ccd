"""Export: the same columns the import reads, as ``.csv`` or ``.xlsx``.

Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return) is written with a leading apostrophe, which the importer strips again;
numbers are written as numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Certificate, Listing, Pesantren, Product, Regency, db
from .columns import KINDS, columns
from .reading import FORMULA_PREFIXES, number_text

__all__ = [
    "EXPORT_FORMATS",
    "MIMETYPES",
    "export_bytes",
    "export_file",
    "export_frame",
    "neutralise",
    "table_bytes",
]

EXPORT_FORMATS = ("csv", "xlsx")
#: What a download of each format is sent as.
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _session(session: Session | None) -> Session:
    # db.session is a scoped_session proxy: it behaves as the request's Session.
    return session if session is not None else cast(Session, db.session)


def neutralise(value: Any) -> Any:
    """Make a text cell inert: ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``.

    >>> neutralise("=1+1"), neutralise("-5 kg"), neutralise(-5), neutralise("Pondok")
    ("'=1+1", "'-5 kg", -5, 'Pondok')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _num(value: Decimal | float | int | None) -> float | int | None:
    if value is None:
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def export_frame(kind: str, session: Session | None = None) -> pd.DataFrame:
    """Rows of ``kind`` in import columns (numbers as numbers, dates ISO, text as text)."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}; expected one of {', '.join(KINDS)}")
    session = _session(session)
    rows = _ROWS[kind](session)
    return pd.DataFrame(rows, columns=[c.name for c in columns(kind)])


def _regencies(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code, "name": r.name, "short_name": r.short_name, "kind": r.kind,
            "capital": r.capital, "latitude": r.latitude, "longitude": r.longitude,
            "area_km2": _num(r.area_km2), "population": r.population,
            "pesantren_count": r.pesantren_count, "region_types": r.region_types, "note": r.note,
        }
        for r in session.scalars(select(Regency).order_by(Regency.code))
    ]  # fmt: skip


def _products(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "slug": p.slug, "name_id": p.name_id, "name_en": p.name_en, "category": p.category,
            "parent_category": p.parent_category, "base_unit": p.base_unit,
            "alt_units": p.alt_units, "shelf_life_class": p.shelf_life_class,
            "shelf_life": p.shelf_life, "price_min": _num(p.price_min),
            "price_max": _num(p.price_max), "certifications": p.certifications,
            "hs_code": p.hs_code, "produced_in": p.produced_in,
            "kitchen_staple": "yes" if p.kitchen_staple else "no",
            "aliases": "|".join(p.aliases),
            "substitutes": ";".join(sorted(s.slug for s in p.substitutes)), "notes": p.notes,
        }
        for p in session.scalars(select(Product).order_by(Product.slug))
    ]  # fmt: skip


def _pesantren(session: Session) -> list[dict[str, Any]]:
    query = select(Pesantren).order_by(Pesantren.nspp, Pesantren.id)
    return [
        {
            "nspp": p.nspp or "", "name": p.name, "regency_code": p.regency_code,
            "address": p.address, "latitude": p.latitude, "longitude": p.longitude,
            "region_types": ";".join(p.region_types), "santri_count": p.santri_count,
            "contact_name": p.contact_name, "whatsapp": p.whatsapp, "email": p.email,
            "language": p.language, "curation_status": p.curation_status,
        }
        for p in session.scalars(query)
    ]  # fmt: skip


def _listings(kind: str) -> Any:
    def rows(session: Session) -> list[dict[str, Any]]:
        query = (
            select(Listing, Pesantren.nspp, Product.slug)
            .join(Pesantren, Listing.pesantren_id == Pesantren.id)
            .join(Product, Listing.product_id == Product.id)
            .where(Listing.kind == kind)
            .order_by(Pesantren.nspp, Product.slug)
        )
        return [
            {
                "nspp": nspp or "", "product": slug, "quantity": _num(r.quantity),
                "unit": r.unit, "unit_size": _num(r.unit_size), "period": r.period,
                "price": _num(r.price), "min_lot": _num(r.min_lot),
                "required_certs": r.required_certs,
                "available_from": _date(r.available_from),
                "available_until": _date(r.available_until), "status": r.status,
                "last_confirmed": _date(r.last_confirmed_at), "note": r.note,
            }
            for r, nspp, slug in session.execute(query).unique()
        ]  # fmt: skip

    return rows


def _certificates(session: Session) -> list[dict[str, Any]]:
    query = (
        select(Certificate, Pesantren.nspp, Product.slug)
        .join(Pesantren, Certificate.pesantren_id == Pesantren.id)
        .join(Product, Certificate.product_id == Product.id)
        .order_by(Pesantren.nspp, Product.slug, Certificate.kind, Certificate.number)
    )
    return [
        {
            "nspp": nspp or "", "product": slug, "kind": c.kind, "number": c.number,
            "issued_on": _date(c.issued_on), "expires_on": _date(c.expires_on),
        }
        for c, nspp, slug in session.execute(query).unique()
    ]  # fmt: skip


_ROWS = {
    "regencies": _regencies,
    "products": _products,
    "pesantren": _pesantren,
    "offers": _listings("offer"),
    "needs": _listings("need"),
    "certificates": _certificates,
}


def _cells(frame: pd.DataFrame) -> list[list[Any]]:
    out = []
    for record in frame.itertuples(index=False, name=None):
        out.append([None if _blank(v) else neutralise(v) for v in record])
    return out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


def export_bytes(kind: str, fmt: str, session: Session | None = None) -> bytes:
    """The export of ``kind`` as file content, ``fmt`` ``csv`` or ``xlsx``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use csv or xlsx")
    return _render(kind, export_frame(kind, session), fmt)


def table_bytes(frame: pd.DataFrame, fmt: str, title: str) -> bytes:
    """Any table as ``.csv`` / ``.xlsx`` content, written as the exports are (formulas made
    inert, numbers as numbers, a BOM for Excel); ``title`` names the XLSX sheet."""
    return _render(title, frame, fmt)


def _render(kind: str, frame: pd.DataFrame, fmt: str) -> bytes:
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use csv or xlsx")
    cells = _cells(frame)
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(frame.columns)
        for row in cells:
            writer.writerow(
                "" if v is None else (number_text(v) if isinstance(v, int | float) else v)
                for v in row
            )
        # A BOM so that Excel opens the UTF-8 file with its accents intact.
        return buffer.getvalue().encode("utf-8-sig")
    return _xlsx(kind, list(frame.columns), cells)


def _xlsx(kind: str, header: list[str], cells: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = kind
    sheet.append(header)
    for row in cells:
        sheet.append(row)
    # openpyxl treats any text starting with "=" as a formula; we never write one.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_file(
    kind: str, destination: str | Path | IO[bytes], fmt: str | None = None,
    session: Session | None = None,
) -> int:  # fmt: skip
    """Write the export to a path (format from its suffix unless ``fmt``) or a binary stream.

    Returns the number of data rows written.
    """
    if fmt is None:
        if not isinstance(destination, str | Path):
            raise ValueError("fmt is required when writing to a stream")
        fmt = Path(destination).suffix.lower().lstrip(".")
    frame = export_frame(kind, session)
    data = _render(kind, frame, fmt)
    if isinstance(destination, str | Path):
        Path(destination).write_bytes(data)
    else:
        destination.write(data)
    return len(frame)
