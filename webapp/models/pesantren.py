"""Regencies, pesantren and the certificates they hold."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.vocabulary import CERT_KINDS, REGION_TYPES

from .base import TimestampMixin, db

if TYPE_CHECKING:
    from .catalogue import Product
    from .listings import Listing

#: The curation workflow: registered → verified (documents checked) → curated, at one of
#: OPOP's levels (domestic market, modern retail, export). See :mod:`webapp.curation`.
CURATION_STATUSES = (
    "registered",
    "verified",
    "curated_domestic",
    "curated_modern_retail",
    "export_ready",
)
LANGUAGES = ("id", "en")
REPORT_FREQUENCIES = ("weekly", "none")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Regency(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "regency"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)  # BPS, e.g. "3579"
    name: Mapped[str] = mapped_column(String(80), unique=True)
    short_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))  # kabupaten / kota
    capital: Mapped[str] = mapped_column(String(60))
    latitude: Mapped[float]
    longitude: Mapped[float]
    area_km2: Mapped[float]
    population: Mapped[int]
    pesantren_count: Mapped[int]
    region_types: Mapped[str] = mapped_column(String(120))  # ;-joined, dominant first
    note: Mapped[str] = mapped_column(Text, default="")


class Pesantren(TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "pesantren"
    __table_args__ = (
        CheckConstraint(_in("curation_status", CURATION_STATUSES), name="curation_status"),
        CheckConstraint(_in("language", LANGUAGES), name="language"),
        CheckConstraint(_in("report_frequency", REPORT_FREQUENCIES), name="report_frequency"),
        CheckConstraint("santri_count >= 0", name="santri_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nspp: Mapped[str | None] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    latitude: Mapped[float]
    longitude: Mapped[float]
    santri_count: Mapped[int] = mapped_column(default=0)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    whatsapp: Mapped[str] = mapped_column(String(20), default="")  # E.164 digits, e.g. 62812...
    email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(2), default="id")
    curation_status: Mapped[str] = mapped_column(String(24), default="registered")
    report_frequency: Mapped[str] = mapped_column(String(10), default="weekly")
    #: Short emails when something happens to a proposal (``opop-match report notices``).
    notices: Mapped[bool] = mapped_column(default=True, server_default=true())

    regency: Mapped[Regency] = relationship(lazy="joined")
    region_type_rows: Mapped[list[PesantrenRegionType]] = relationship(
        cascade="all, delete-orphan", order_by="PesantrenRegionType.rank", lazy="selectin"
    )
    listings: Mapped[list[Listing]] = relationship(
        back_populates="pesantren", cascade="all, delete-orphan"
    )
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="pesantren", cascade="all, delete-orphan"
    )

    @property
    def region_types(self) -> list[str]:
        return [row.region_type for row in self.region_type_rows]

    @region_types.setter
    def region_types(self, values: list[str]) -> None:
        self.region_type_rows = [
            PesantrenRegionType(region_type=v, rank=i) for i, v in enumerate(dict.fromkeys(values))
        ]

    def __repr__(self) -> str:
        return f"<Pesantren {self.id} {self.name!r}>"


class PesantrenRegionType(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "pesantren_region_type"
    __table_args__ = (CheckConstraint(_in("region_type", REGION_TYPES), name="region_type"),)

    pesantren_id: Mapped[int] = mapped_column(
        ForeignKey("pesantren.id", ondelete="CASCADE"), primary_key=True
    )
    region_type: Mapped[str] = mapped_column(String(24), primary_key=True)
    rank: Mapped[int] = mapped_column(default=0)  # 0 = dominant


class Certificate(TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint(_in("kind", CERT_KINDS), name="kind"),
        CheckConstraint("expires_on IS NULL OR expires_on >= issued_on", name="expiry_after_issue"),
        UniqueConstraint("pesantren_id", "product_id", "kind", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pesantren_id: Mapped[int] = mapped_column(
        ForeignKey("pesantren.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None]

    pesantren: Mapped[Pesantren] = relationship(back_populates="certificates")
    product: Mapped[Product] = relationship(lazy="joined")

    def valid_on(self, day: dt.date) -> bool:
        return self.issued_on <= day and (self.expires_on is None or day <= self.expires_on)
