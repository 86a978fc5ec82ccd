"""Lookups an import validates against: regencies, products, pesantren, the product resolver."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..market_io import reserved_quantities
from ..models import Certificate, Listing, Pesantren, Product, Regency
from .columns import CLEARS, column, columns

__all__ = ["ImportContext", "catalogue_frame"]


def catalogue_frame(session: Session) -> pd.DataFrame:
    """The product catalogue as the Market's ``catalogue`` frame (for the product resolver)."""
    products = session.scalars(select(Product).order_by(Product.slug)).all()
    return pd.DataFrame(
        {
            "product": [p.slug for p in products],
            "name_id": [p.name_id for p in products],
            "name_en": [p.name_en for p in products],
            "category": [p.category for p in products],
            "base_unit": [p.base_unit for p in products],
            "shelf_life_class": [p.shelf_life_class for p in products],
            "price_min": [float(p.price_min) for p in products],
            "price_max": [float(p.price_max) for p in products],
            "substitutes": [";".join(s.slug for s in p.substitutes) for p in products],
            "aliases": ["|".join(p.aliases) for p in products],
            "alt_units": [p.alt_units for p in products],
        },
        columns=[
            "product", "name_id", "name_en", "category", "base_unit", "shelf_life_class",
            "price_min", "price_max", "substitutes", "aliases", "alt_units",
        ],
    )  # fmt: skip


def _name_key(text: str) -> str:
    text = text.lower().replace("kabupaten", "kab").replace("kota", "kota")
    text = re.sub(r"\bkab\b\.?", "kab", text)
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


@dataclass
class ImportContext:
    """Read-only lookups over the database, built lazily once per import.

    ``kind`` is what is imported and ``present`` the columns the file has (canonical names).
    """

    session: Session
    kind: str = ""
    present: frozenset[str] = frozenset()
    _resolutions: dict[str, Any] = field(default_factory=dict)

    def given(self, name: str, text: str) -> bool:
        """Whether a row's cell sets the field: the column is in the file, and the cell is
        filled or its blank clears (see :mod:`.columns`)."""
        if name not in self.present:
            return False
        return bool(text) or column(self.kind, name).blank == CLEARS

    def given_columns(self, cells: dict[str, str]) -> frozenset[str]:
        """The columns of ``kind`` that one row's ``cells`` set."""
        return frozenset(
            c.name for c in columns(self.kind) if self.given(c.name, cells.get(c.name, ""))
        )

    @cached_property
    def existing(self) -> dict[tuple[Any, ...], Any]:
        """The records of ``kind`` already stored, by their upsert key."""
        session, kind = self.session, self.kind
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

    @cached_property
    def committed(self) -> dict[int, float]:
        """Base units a month that confirmed proposals hold, per stored listing id: a row may
        not set a listing below it (the same floor as the form and the API)."""
        return reserved_quantities(self.session)

    @cached_property
    def regencies(self) -> dict[str, Regency]:
        return {r.code: r for r in self.session.scalars(select(Regency))}

    @cached_property
    def _regency_names(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for code, regency in self.regencies.items():
            keys = {_name_key(regency.name), _name_key(regency.short_name)}
            if regency.kind == "kota":
                keys.add(_name_key("kota " + regency.short_name))
            else:
                keys.add(_name_key("kab " + regency.short_name))
            for key in keys:
                names.setdefault(key, []).append(code)
        return names

    def regency_code(self, text: str) -> tuple[str | None, str]:
        """The BPS code for a code or name ("3579", "Kota Batu", "Kab. Malang", "Batu").

        Returns ``(code, "")`` or ``(None, reason)``.
        """
        value = text.strip()
        digits = value.replace(".", "")
        if digits in self.regencies:
            return digits, ""
        codes = sorted(set(self._regency_names.get(_name_key(value), [])))
        if len(codes) == 1:
            return codes[0], ""
        if len(codes) > 1:
            names = ", ".join(self.regencies[c].name for c in codes)
            return None, _(
                "ambiguous regency: %(names)s; write Kabupaten or Kota, or the BPS code",
                names=names,
            )
        close = difflib.get_close_matches(
            _name_key(value), list(self._regency_names), n=1, cutoff=0.75
        )
        if close:
            meant = self.regencies[self._regency_names[close[0]][0]].name
            return None, _(
                "unknown regency (kabupaten/kota) of East Java; did you mean %(name)s?",
                name=meant,
            )
        return None, _("unknown regency (kabupaten/kota) of East Java")

    @cached_property
    def products(self) -> dict[str, Product]:
        return {p.slug: p for p in self.session.scalars(select(Product))}

    @cached_property
    def product_by_id(self) -> dict[int, Product]:
        return {p.id: p for p in self.products.values()}

    @cached_property
    def resolver(self) -> Any:
        from matcher.catalogue import ProductResolver

        return ProductResolver(catalogue_frame(self.session))

    def resolve_product(self, text: str) -> tuple[Product | None, str]:
        """The catalogue product meant by ``text``, or ``(None, reason)``."""
        key = text.strip().lower()
        if key not in self._resolutions:
            self._resolutions[key] = self._resolve(text.strip())
        result: tuple[Product | None, str] = self._resolutions[key]
        return result

    def _resolve(self, text: str) -> tuple[Product | None, str]:
        if text in self.products:
            return self.products[text], ""
        resolution = self.resolver.resolve(text)
        if resolution.product is not None and resolution.product in self.products:
            return self.products[resolution.product], ""
        slugs = [slug for slug, _score in resolution.candidates][:5]
        if resolution.method == "ambiguous":
            return None, _(
                "matches several products (%(products)s); write the exact name or slug",
                products=", ".join(slugs),
            )
        if slugs:
            return None, _(
                "product not in the catalogue; did you mean %(products)s?",
                products=", ".join(slugs[:3]),
            )
        return None, _("product not in the catalogue")

    @cached_property
    def pesantren_ids(self) -> dict[str, int]:
        rows = self.session.execute(select(Pesantren.nspp, Pesantren.id)).all()
        return {nspp: pid for nspp, pid in rows if nspp}
