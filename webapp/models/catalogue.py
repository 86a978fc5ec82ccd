"""The product catalogue: products, their aliases and declared substitutes."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.vocabulary import SHELF_LIFE_CLASSES

from .base import db
from .pesantren import _in

product_substitute = Table(
    "product_substitute",
    db.metadata,
    Column("product_id", ForeignKey("product.id", ondelete="CASCADE"), primary_key=True),
    Column("substitute_id", ForeignKey("product.id", ondelete="CASCADE"), primary_key=True),
)


class Product(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint(_in("shelf_life_class", SHELF_LIFE_CLASSES), name="shelf_life_class"),
        CheckConstraint("price_min >= 0 AND price_max >= price_min", name="price_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_id: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(60), index=True)
    parent_category: Mapped[str] = mapped_column(String(40), default="")
    base_unit: Mapped[str] = mapped_column(String(12))  # kg, liter, pcs, ...
    alt_units: Mapped[str] = mapped_column(String(200), default="")  # |-joined, e.g. "karung 50 kg"
    shelf_life_class: Mapped[str] = mapped_column(String(12))
    shelf_life: Mapped[str] = mapped_column(String(80), default="")
    price_min: Mapped[float]  # rupiah per base unit
    price_max: Mapped[float]
    certifications: Mapped[str] = mapped_column(String(200), default="")  # typical, free text
    hs_code: Mapped[str] = mapped_column(String(40), default="")
    produced_in: Mapped[str] = mapped_column(String(120), default="")  # ;-joined region types
    kitchen_staple: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    alias_rows: Mapped[list[ProductAlias]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProductAlias.alias"
    )
    substitutes: Mapped[list[Product]] = relationship(
        secondary=product_substitute,
        primaryjoin=lambda: Product.id == product_substitute.c.product_id,
        secondaryjoin=lambda: Product.id == product_substitute.c.substitute_id,
        lazy="selectin",
    )

    @property
    def aliases(self) -> list[str]:
        return [a.alias for a in self.alias_rows]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class ProductAlias(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "product_alias"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), primary_key=True
    )
    alias: Mapped[str] = mapped_column(String(80), primary_key=True)
