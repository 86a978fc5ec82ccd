"""Joining and curation: a pesantren's request to join, and the steps of its curation.

A :class:`JoinRequest` is what the public "Daftar" form stores (the pesantren, its contact
and the one product it offers, as typed and checked); a facilitator approves it (the
pesantren, its offer and an officer account are created) or rejects it with a reason.

A :class:`CurationChange` records one step of a pesantren's curation (registered →
verified → curated): who took it, when, from which status to which, and why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, TZDateTime, db, utcnow
from .catalogue import Product
from .listings import PERIODS
from .pesantren import CURATION_STATUSES, LANGUAGES, Pesantren, Regency, _in
from .users import User

JOIN_STATES = ("pending", "approved", "rejected")


class JoinRequest(TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "join_request"
    __table_args__ = (
        CheckConstraint(_in("state", JOIN_STATES), name="state"),
        CheckConstraint(_in("language", LANGUAGES), name="language"),
        CheckConstraint(_in("period", PERIODS), name="period"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("unit_size IS NULL OR unit_size > 0", name="unit_size_positive"),
        CheckConstraint("state <> 'rejected' OR reason <> ''", name="rejected_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    nspp: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(160))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"))
    latitude: Mapped[float]
    longitude: Mapped[float]
    contact_name: Mapped[str] = mapped_column(String(120))
    whatsapp: Mapped[str] = mapped_column(String(20))  # E.164 digits
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="id")
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit: Mapped[str] = mapped_column(String(16))
    unit_size: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    period: Mapped[str] = mapped_column(String(5), default="month")
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    #: Why it was rejected (emailed to the applicant).
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: The pesantren an approval created.
    pesantren_id: Mapped[int | None] = mapped_column(
        ForeignKey("pesantren.id", ondelete="SET NULL")
    )

    regency: Mapped[Regency] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship()
    pesantren: Mapped[Pesantren | None] = relationship()

    def __repr__(self) -> str:
        return f"<JoinRequest {self.id} {self.nspp} {self.state}>"


class CurationChange(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "curation_change"
    __table_args__ = (
        CheckConstraint(_in("from_status", CURATION_STATUSES), name="from_status"),
        CheckConstraint(_in("to_status", CURATION_STATUSES), name="to_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pesantren_id: Mapped[int] = mapped_column(
        ForeignKey("pesantren.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(TZDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    by: Mapped[User | None] = relationship()
