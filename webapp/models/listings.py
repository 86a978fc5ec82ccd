"""Listings: what a pesantren offers (produces) and needs (buys)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, TZDateTime, db, utcnow
from .catalogue import Product
from .pesantren import Pesantren, _in

LISTING_KINDS = ("offer", "need")
LISTING_STATUSES = ("active", "paused", "archived")
PERIODS = ("day", "week", "month", "year")


class Listing(TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    """An offer or a need, as its owner typed it; the Market converts it to base units/month.

    ``quantity`` is in ``unit`` per ``period``; ``unit_size`` is the size of one unit in the
    product's base unit where the unit has no fixed size (a *karung* of 50 kg: unit
    ``karung``, unit_size 50). ``price`` is rupiah per base unit: the asking price of an
    offer or the ceiling of a need (NULL: no ceiling).
    """

    __tablename__ = "listing"
    __table_args__ = (
        # One offer and one need per product per pesantren: imports upsert on this key.
        UniqueConstraint("pesantren_id", "kind", "product_id"),
        CheckConstraint(_in("kind", LISTING_KINDS), name="kind"),
        CheckConstraint(_in("status", LISTING_STATUSES), name="status"),
        CheckConstraint(_in("period", PERIODS), name="period"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_nonnegative"),
        CheckConstraint("min_lot >= 0", name="min_lot_nonnegative"),
        CheckConstraint("unit_size IS NULL OR unit_size > 0", name="unit_size_positive"),
        CheckConstraint(
            "available_until IS NULL OR available_from IS NULL "
            "OR available_until >= available_from",
            name="availability_window",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pesantren_id: Mapped[int] = mapped_column(
        ForeignKey("pesantren.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(5), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit: Mapped[str] = mapped_column(String(16))
    unit_size: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    period: Mapped[str] = mapped_column(String(5), default="month")
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    min_lot: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=0)  # base units
    required_certs: Mapped[str] = mapped_column(String(60), default="")  # needs: ;-joined kinds
    available_from: Mapped[dt.date | None]
    available_until: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(8), default="active", index=True)
    last_confirmed_at: Mapped[dt.datetime] = mapped_column(TZDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    pesantren: Mapped[Pesantren] = relationship(back_populates="listings")
    product: Mapped[Product] = relationship(lazy="joined")

    @property
    def required_cert_list(self) -> list[str]:
        return [c for c in self.required_certs.split(";") if c]

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.kind} {self.quantity} {self.unit}/{self.period}>"
