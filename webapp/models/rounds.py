"""Match rounds and the proposals they produce, with their legs, parties and history.

A proposal's legs say who gives what to whom; its parties are the pesantren that must
accept it. ``version`` guards concurrent updates (optimistic locking): two officers
answering the same proposal at once cannot both win silently.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, TZDateTime, db, utcnow
from .catalogue import Product
from .listings import Listing
from .pesantren import Pesantren, _in
from .users import User

ROUND_STATUSES = ("running", "draft", "published", "superseded", "failed")
PROPOSAL_KINDS = ("trade", "barter_pair", "barter_cycle")
PROPOSAL_STATES = (
    "draft",
    "published",
    "accepted_by_some",
    "confirmed",
    "completed",
    "declined",
    "expired",
    "cancelled",
)
#: States in which parties may accept or decline: a published proposal *stands* in them,
#: from one round to the next, until answered or its ``respond_by`` deadline passes.
ANSWERABLE_STATES = ("published", "accepted_by_some")
#: States in which a proposal holds (reserves) its quantities.
RESERVING_STATES = ("confirmed", "completed")
#: States whose quantities a new round plans around: the reserved and the standing ones.
HOLDING_STATES = (*ANSWERABLE_STATES, *RESERVING_STATES)
RESPONSES = ("pending", "accepted", "declined")
#: How a recorded change reached us: the pages, the JSON API, a party's signed answer link,
#: the command line, or the system itself (a deadline passing).
CHANNELS = ("web", "api", "link", "cli", "system")
DECLINE_REASONS = ("price", "quantity", "distance", "quality", "already_supplied", "other")


_RUNNING = text("status = 'running'")


class MatchRound(TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    """A match round. ``running`` covers queued and computing: the web inserts the row, a
    worker process (``opop-match worker``) claims it by setting ``claimed_by``. The partial
    unique index lets the database itself refuse a second running round."""

    __tablename__ = "match_round"
    __table_args__ = (
        CheckConstraint(_in("status", ROUND_STATUSES), name="status"),
        Index(
            "uq_match_round_one_running",
            "status",
            unique=True,
            sqlite_where=_RUNNING,
            postgresql_where=_RUNNING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="running", index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    as_of: Mapped[dt.date]
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # counts, value, timings
    progress: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)
    #: The worker computing the round (``host:pid``); empty while it waits in the queue.
    claimed_by: Mapped[str] = mapped_column(String(100), default="")

    created_by: Mapped[User | None] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Proposal.id"
    )


class Proposal(TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint(_in("kind", PROPOSAL_KINDS), name="kind"),
        CheckConstraint(_in("state", PROPOSAL_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("match_round.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    score: Mapped[float] = mapped_column(default=0.0)
    value_idr: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)  # per month
    reasons: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict
    )  # {"id": [...], "en": [...]}
    version: Mapped[int] = mapped_column(default=1)
    #: Set when published: unanswered by then, the proposal expires (and only then).
    respond_by: Mapped[dt.datetime | None] = mapped_column(TZDateTime)

    round: Mapped[MatchRound] = relationship(back_populates="proposals")
    legs: Mapped[list[ProposalLeg]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalLeg.seq"
    )
    parties: Mapped[list[ProposalParty]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="ProposalParty.pesantren_id",
    )
    events: Mapped[list[ProposalEvent]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ProposalLeg(db.Model):  # type: ignore[name-defined,misc]
    """One flow: ``giver`` supplies ``quantity`` (base unit per month) of ``product`` to ``receiver``."""

    __tablename__ = "proposal_leg"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(default=0)
    giver_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    #: What actually changed hands (base unit per month), recorded on completion.
    delivered_quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    value_idr: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    distance_km: Mapped[float] = mapped_column(default=0.0)
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict
    )  # {"id": "...", "en": "..."}

    proposal: Mapped[Proposal] = relationship(back_populates="legs")
    giver: Mapped[Pesantren] = relationship(foreign_keys=[giver_id])
    receiver: Mapped[Pesantren] = relationship(foreign_keys=[receiver_id])
    offer: Mapped[Listing] = relationship(foreign_keys=[offer_id])
    need: Mapped[Listing] = relationship(foreign_keys=[need_id])
    product: Mapped[Product] = relationship()


class ProposalParty(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "proposal_party"
    __table_args__ = (
        CheckConstraint(_in("response", RESPONSES), name="response"),
        CheckConstraint(
            "decline_reason IS NULL OR " + _in("decline_reason", DECLINE_REASONS),
            name="decline_reason",
        ),
    )

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True
    )
    pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), primary_key=True)
    response: Mapped[str] = mapped_column(String(8), default="pending")
    decline_reason: Mapped[str | None] = mapped_column(String(20))
    responded_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    proposal: Mapped[Proposal] = relationship(back_populates="parties")
    pesantren: Mapped[Pesantren] = relationship()


class ProposalEvent(db.Model):  # type: ignore[name-defined,misc]
    """One recorded change of a proposal: who, when, what and why."""

    __tablename__ = "proposal_event"
    __table_args__ = (CheckConstraint(_in("channel", CHANNELS), name="channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(TZDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    pesantren_id: Mapped[int | None] = mapped_column(ForeignKey("pesantren.id"))
    action: Mapped[str] = mapped_column(String(20))  # create, publish, accept, decline, veto, ...
    from_state: Mapped[str] = mapped_column(String(16), default="")
    to_state: Mapped[str] = mapped_column(String(16), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(8), default="web", server_default="web")

    proposal: Mapped[Proposal] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


REPORT_STATUSES = ("sending", "sent", "failed", "skipped")


class ReportLog(db.Model):  # type: ignore[name-defined,misc]
    """What weekly report went to whom: one row per (week, recipient), so at most one email.

    ``sending`` is written before the SMTP hand-over and ``sent`` right after it: a row left
    at ``sending`` means the process died in between (delivery unknown). ``items`` holds the
    keys of what the email reported, so next week's report tells only what is new.
    """

    __tablename__ = "report_log"
    __table_args__ = (
        UniqueConstraint("week", "recipient"),
        CheckConstraint(_in("status", REPORT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))  # ISO week, e.g. 2026-W48
    recipient: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(12))  # officer / facilitator
    status: Mapped[str] = mapped_column(String(8))
    message_id: Mapped[str] = mapped_column(String(255), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    at: Mapped[dt.datetime] = mapped_column(TZDateTime, default=utcnow)


class NoticeLog(db.Model):  # type: ignore[name-defined,misc]
    """Where the prompt notices to one address stand: the last proposal event they covered
    and when the last one went out (at most one an hour; :mod:`webapp.report.notices`)."""

    __tablename__ = "notice_log"

    recipient: Mapped[str] = mapped_column(String(254), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)
