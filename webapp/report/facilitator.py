"""What a facilitator's weekly report says: the network's week.

New pesantren and listings (created in the week), proposals by state (now, and how many
reached each state in the week), value confirmed, the top market gaps by product and
region type, the pesantren whose officers have left a proposal unanswered for
``WAITING_DAYS`` or more, and the confirmed deals not completed within
``DEAL_COMPLETION_WEEKS`` (:func:`webapp.deals.overdue_deals`), each linking to the page that
completes or cancels it. An email goes out only if something happened in the week (a new
pesantren, a new listing or a recorded proposal change) or a deal is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..deals import completion_weeks, overdue_deals
from ..labels import LISTING_KIND_LABELS, REGION_LABELS, STATE_LABELS, UNKNOWN_REGION, label
from ..models import (
    PROPOSAL_STATES,
    RESERVING_STATES,
    Listing,
    MatchRound,
    Pesantren,
    Proposal,
    ProposalEvent,
    ProposalParty,
    User,
)
from .links import external_url
from .recipients import Recipient
from .snapshot import NetworkSnapshot
from .weeks import ReportWeek

__all__ = ["WAITING_DAYS", "FacilitatorReport", "facilitator_report"]

#: A proposal unanswered this long (days since its round was published) is overdue.
WAITING_DAYS = 3
MAX_LINES = 10


@dataclass
class StateRow:
    state: str
    label: str
    total: int
    this_week: int


@dataclass
class GapRow:
    product: str
    region: str
    pesantren: int
    quantity: float
    unit: str


@dataclass
class WaitingRow:
    pesantren: str
    url: str
    officers: list[str]
    contact: str
    pending: int
    oldest_days: int


@dataclass
class OverdueRow:
    proposal_id: int
    url: str  # the proposal page, at its complete / cancel forms
    parties: list[str]
    value_idr: Decimal
    days: int  # since confirmation


@dataclass
class NewListing:
    pesantren: str
    kind: str
    product: str


@dataclass
class FacilitatorReport:
    kind = "facilitator"
    recipient: Recipient
    week: ReportWeek
    new_pesantren: list[tuple[str, str, str]] = field(default_factory=list)  # name, kabupaten, url
    new_pesantren_count: int = 0
    new_offers: int = 0
    new_needs: int = 0
    new_listings: list[NewListing] = field(default_factory=list)
    states: list[StateRow] = field(default_factory=list)
    changes: int = 0
    value_confirmed_week: Decimal = Decimal(0)
    value_confirmed_total: Decimal = Decimal(0)
    gaps: list[GapRow] = field(default_factory=list)
    waiting: list[WaitingRow] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)  # the oldest MAX_LINES
    overdue_total: int = 0
    completion_weeks: int = 0

    waiting_days: int = WAITING_DAYS

    @property
    def items(self) -> list[str]:
        return []

    @property
    def has_news(self) -> bool:
        return bool(
            self.new_pesantren_count
            or self.new_offers
            or self.new_needs
            or self.changes
            or self.overdue_total
        )

    @property
    def max_state_total(self) -> int:
        return max((s.total for s in self.states), default=0)

    @property
    def max_gap(self) -> int:
        return max((g.pesantren for g in self.gaps), default=0)


def facilitator_report(
    session: Session, recipient: Recipient, week: ReportWeek, snapshot: NetworkSnapshot
) -> FacilitatorReport:
    """Collect the network report (call inside ``force_locale(recipient.language)``)."""
    language = recipient.language
    start, end = week.start, week.end
    report = FacilitatorReport(recipient, week)

    in_week = (Pesantren.created_at >= start, Pesantren.created_at < end)
    report.new_pesantren_count = (
        session.scalar(select(func.count(Pesantren.id)).where(*in_week)) or 0
    )
    report.new_pesantren = [
        (
            p.name,
            p.regency.short_name if p.regency else "",
            external_url("public.pesantren_detail", pesantren_id=p.id),
        )
        for p in session.scalars(
            select(Pesantren)
            .where(*in_week)
            .order_by(Pesantren.name, Pesantren.id)
            .limit(MAX_LINES)
        )
    ]

    listing_week = (Listing.created_at >= start, Listing.created_at < end)
    counts = dict(
        session.execute(
            select(Listing.kind, func.count(Listing.id)).where(*listing_week).group_by(Listing.kind)
        ).all()
    )
    report.new_offers, report.new_needs = counts.get("offer", 0), counts.get("need", 0)
    report.new_listings = [
        NewListing(
            listing.pesantren.name,
            str(LISTING_KIND_LABELS[listing.kind]),
            listing.product.name(language),
        )
        for listing in session.scalars(
            select(Listing)
            .where(*listing_week)
            .order_by(Listing.created_at, Listing.id)
            .limit(MAX_LINES)
        )
    ]

    totals = dict(
        session.execute(
            select(Proposal.state, func.count(Proposal.id)).group_by(Proposal.state)
        ).all()
    )
    event_week = (ProposalEvent.at >= start, ProposalEvent.at < end)
    reached = dict(
        session.execute(
            select(ProposalEvent.to_state, func.count(func.distinct(ProposalEvent.proposal_id)))
            .where(*event_week, ProposalEvent.to_state != "")
            .group_by(ProposalEvent.to_state)
        ).all()
    )
    report.states = [
        StateRow(s, str(STATE_LABELS[s]), int(totals.get(s, 0)), int(reached.get(s, 0)))
        for s in PROPOSAL_STATES
        if totals.get(s) or reached.get(s)
    ]
    report.changes = session.scalar(select(func.count(ProposalEvent.id)).where(*event_week)) or 0
    confirmed_ids = (
        select(ProposalEvent.proposal_id)
        .where(*event_week, ProposalEvent.to_state == "confirmed")
        .distinct()
        .scalar_subquery()
    )
    report.value_confirmed_week = session.scalar(
        select(func.coalesce(func.sum(Proposal.value_idr), 0)).where(Proposal.id.in_(confirmed_ids))
    ) or Decimal(0)
    report.value_confirmed_total = session.scalar(
        select(func.coalesce(func.sum(Proposal.value_idr), 0)).where(
            Proposal.state.in_(RESERVING_STATES)
        )
    ) or Decimal(0)

    report.gaps = []
    for g in snapshot.gaps().to_dict("records"):
        product, unit = snapshot.product_name(str(g["product"]), language)
        region = str(g["region_type"])
        report.gaps.append(
            GapRow(
                product=product,
                region=label(REGION_LABELS, region, str(UNKNOWN_REGION)),
                pesantren=int(g["pesantren"]),
                quantity=float(g["quantity"]),
                unit=unit,
            )
        )
    report.waiting = _waiting(session, end)
    report.completion_weeks = completion_weeks()
    overdue = overdue_deals(session, end, report.completion_weeks)
    report.overdue_total = len(overdue)
    report.overdue = [
        OverdueRow(
            proposal_id=d.proposal_id,
            url=external_url("officer.proposal_detail", proposal_id=d.proposal_id) + "#deal",
            parties=list(d.parties),
            value_idr=d.value_idr,
            days=d.days,
        )
        for d in overdue[:MAX_LINES]
    ]
    return report


def _waiting(session: Session, end: dt.datetime) -> list[WaitingRow]:
    overdue = end - dt.timedelta(days=WAITING_DAYS)
    rows = session.execute(
        select(
            ProposalParty.pesantren_id,
            func.count(ProposalParty.proposal_id),
            func.min(MatchRound.published_at),
        )
        .join(Proposal, Proposal.id == ProposalParty.proposal_id)
        .join(MatchRound, MatchRound.id == Proposal.round_id)
        .where(
            ProposalParty.response == "pending",
            Proposal.state.in_(("published", "accepted_by_some")),
            MatchRound.published_at.is_not(None),
            MatchRound.published_at <= overdue,
        )
        .group_by(ProposalParty.pesantren_id)
    ).all()
    result = []
    for pesantren_id, pending, oldest in rows:
        p = session.get(Pesantren, pesantren_id)
        if p is None or oldest is None:
            continue
        officers = session.scalars(
            select(User.name)
            .where(User.pesantren_id == p.id, User.role == "officer")
            .order_by(User.name)
        ).all()
        oldest_at = oldest if oldest.tzinfo else oldest.replace(tzinfo=dt.UTC)
        result.append(
            WaitingRow(
                pesantren=p.name,
                url=external_url("public.pesantren_detail", pesantren_id=p.id),
                officers=list(officers),
                contact=" · ".join(
                    x for x in (p.contact_name, p.email, p.whatsapp and "+" + p.whatsapp) if x
                ),
                pending=int(pending),
                oldest_days=(end - oldest_at).days,
            )
        )
    result.sort(key=lambda r: (-r.oldest_days, -r.pending, r.pesantren))
    return result[:MAX_LINES]
