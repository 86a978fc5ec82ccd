"""A facilitator's standing decisions about a pairing: vetoes and quantity caps.

A pairing is one offer listing matched to one need listing (a proposal leg names it). A
*veto* keeps that pairing out of every round until ``expires_at`` or until it is lifted; a
*cap* limits the quantity (base unit per month) any later round may propose for it. Both
record who decided, when and why, and stay as history once lifted or expired.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TZDateTime, db, utcnow
from .listings import Listing
from .pesantren import _in
from .users import User

DECISION_KINDS = ("veto", "cap")


class PairingDecision(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "pairing_decision"
    __table_args__ = (
        CheckConstraint(_in("kind", DECISION_KINDS), name="kind"),
        CheckConstraint("kind <> 'cap' OR quantity > 0", name="cap_quantity"),
        Index("ix_pairing_decision_pairing", "offer_id", "need_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    offer_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    need_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    #: A cap's largest quantity, base unit per month (None for a veto).
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    reason: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: When the decision stops applying by itself (None: until lifted).
    expires_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)
    lifted_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    offer: Mapped[Listing] = relationship(foreign_keys=[offer_id])
    need: Mapped[Listing] = relationship(foreign_keys=[need_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])

    def active_at(self, when: dt.datetime) -> bool:
        """Whether the decision applies at ``when`` (not lifted, not expired)."""
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > when)
