"""What an officer's weekly report says, per pesantren: matches, proposals, stale listings.

"New" is decided by keys: every line a report shows has a key (``m:<need>:<offer>`` a
match, ``p:<proposal>`` a proposal awaiting an answer, ``d:<proposal>:<state>`` a decision,
``s:<listing>:<date>`` a stale listing). The report log stores the keys each sent email
showed; a later week shows a match only if its key was never sent to that address, and an
email goes out only when at least one key is new. Proposals still awaiting an answer and
stale listings are repeated as reminders, but only in an email that has something new.
Decisions are those recorded since the end of the last week reported to the address
(at most four weeks back), or in the reported week for a first report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..answer_links import answer_url
from ..engine_settings import resting_before
from ..formatting import quantity as fmt_qty
from ..labels import DECLINE_LABELS, KIND_LABELS, LISTING_KIND_LABELS
from ..models import Listing, Pesantren, Proposal, ProposalEvent, ProposalParty
from .links import external_url, listing_token
from .recipients import Recipient
from .snapshot import NetworkSnapshot
from .weeks import ReportWeek

__all__ = [
    "MAX_LINES",
    "DecisionLine",
    "MatchLine",
    "OfficerReport",
    "PesantrenSection",
    "ProposalLine",
    "StaleLine",
    "officer_report",
]

#: Lines per section: more would bury the news; the site has the rest.
MAX_LINES = 10
ANSWERABLE = ("published", "accepted_by_some")


@dataclass
class MatchLine:
    key: str
    product: str
    partner: str
    partner_url: str
    kabupaten: str
    quantity: float
    unit: str
    price: float | None
    distance_km: float
    score: float


@dataclass
class ProposalLine:
    key: str
    id: int
    kind: str
    legs: list[str]
    value_idr: Decimal
    url: str
    new: bool


@dataclass
class DecisionLine:
    key: str
    id: int
    kind: str
    state: str
    legs: list[str]
    value_idr: Decimal
    url: str
    reasons: list[str]


@dataclass
class StaleLine:
    key: str
    kind: str
    product: str
    quantity: str
    last_confirmed: dt.date
    days: int
    confirm_url: str
    edit_url: str


@dataclass
class PesantrenSection:
    pesantren_id: int
    name: str
    suppliers: list[MatchLine] = field(default_factory=list)  # for our needs
    buyers: list[MatchLine] = field(default_factory=list)  # for our offers
    awaiting: list[ProposalLine] = field(default_factory=list)  # the first MAX_LINES
    awaiting_total: int = 0  # all of them
    decided: list[DecisionLine] = field(default_factory=list)
    stale: list[StaleLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.suppliers or self.buyers or self.awaiting or self.decided or self.stale)


@dataclass
class OfficerReport:
    kind = "officer"
    recipient: Recipient
    week: ReportWeek
    sections: list[PesantrenSection]
    new_keys: set[str]

    @property
    def items(self) -> list[str]:
        keys = [line.key for s in self.sections for line in _lines(s)]
        return sorted(set(keys))

    @property
    def has_news(self) -> bool:
        return bool(self.new_keys)

    def count(self, attr: str) -> int:
        """How many lines of ``attr`` the report has (awaiting: the true number, also
        beyond the lines shown)."""
        if attr == "awaiting":
            return sum(max(s.awaiting_total, len(s.awaiting)) for s in self.sections)
        return sum(len(getattr(s, attr)) for s in self.sections)


def _lines(s: PesantrenSection) -> Iterable[MatchLine | ProposalLine | DecisionLine | StaleLine]:
    yield from s.suppliers
    yield from s.buyers
    yield from s.awaiting
    yield from s.decided
    yield from s.stale


def officer_report(
    session: Session,
    recipient: Recipient,
    week: ReportWeek,
    snapshot: NetworkSnapshot,
    seen: set[str],
    since: dt.datetime,
) -> OfficerReport:
    """Collect the report for ``recipient`` (call inside ``force_locale(recipient.language)``).

    ``seen``: keys already sent to this address in earlier weeks; ``since``: start of the
    window for decisions.
    """
    language = recipient.language
    sections: list[PesantrenSection] = []
    for pesantren_id in recipient.pesantren_ids:
        pesantren = session.get(Pesantren, pesantren_id)
        if pesantren is None:
            continue
        section = PesantrenSection(pesantren.id, pesantren.name)
        section.suppliers = _matches(
            snapshot, snapshot.suppliers_by_buyer.get(pesantren.id), True, language, seen
        )
        section.buyers = _matches(
            snapshot, snapshot.buyers_by_supplier.get(pesantren.id), False, language, seen
        )
        section.awaiting = _awaiting(session, pesantren.id, language, seen)
        section.awaiting_total = _awaiting_total(session, pesantren.id)
        section.decided = _decided(
            session, pesantren.id, language, since, week.end, signed=not recipient.from_account
        )
        section.stale = _stale(session, pesantren.id, week, language)
        sections.append(section)
    report = OfficerReport(recipient, week, sections, set())
    report.new_keys = set(report.items) - seen
    return report


def _matches(
    snapshot: NetworkSnapshot,
    rows: pd.DataFrame | None,
    buying: bool,
    language: str,
    seen: set[str],
) -> list[MatchLine]:
    """Match lines not reported before: suppliers for our needs (``buying``) or buyers."""
    if rows is None or rows.empty:
        return []
    keys = "m:" + rows["need_id"].astype(str) + ":" + rows["offer_id"].astype(str)
    fresh = ~keys.isin(seen)
    rows = rows.assign(key=keys)[fresh]
    rows = rows.sort_values(["score", "need_id", "offer_id"], ascending=[False, True, True])
    people = snapshot.people
    partner_col = "supplier_id" if buying else "buyer_id"
    lines = []
    for row in rows.head(MAX_LINES).to_dict("records"):
        partner = int(row[partner_col])
        name, kabupaten = people.get(partner, ("?", ""))
        product, unit = snapshot.product_name(str(row["product"]), language)
        price = row["price"] if buying else row["max_price"]
        lines.append(
            MatchLine(
                key=str(row["key"]),
                product=product,
                partner=name,
                partner_url=external_url(
                    "public.pesantren_detail",
                    pesantren_id=partner,
                    fallback="/pesantren/{pesantren_id}",
                ),
                kabupaten=kabupaten,
                quantity=float(row["offer_qty"] if buying else row["need_qty"]),
                unit=unit,
                price=None if pd.isna(price) else float(price),
                distance_km=float(row["distance_km"]),
                score=float(row["score"]),
            )
        )
    return lines


def proposal_url(proposal_id: int) -> str:
    return external_url(
        "officer.proposal_detail", proposal_id=proposal_id, fallback="/usulan/{proposal_id}"
    )


def leg_lines(proposal: Proposal, language: str) -> list[str]:
    """One sentence per flow: who supplies how much of what to whom."""
    return [
        _(
            "%(giver)s supplies %(quantity)s %(unit)s/month of %(product)s to %(receiver)s",
            giver=leg.giver.name,
            quantity=fmt_qty(leg.quantity),
            unit=leg.product.base_unit,
            product=leg.product.name(language),
            receiver=leg.receiver.name,
        )
        for leg in proposal.legs
    ]


def _awaiting_condition(pesantren_id: int) -> Any:
    return (
        (ProposalParty.pesantren_id == pesantren_id)
        & (ProposalParty.response == "pending")
        & Proposal.state.in_(ANSWERABLE)
    )


def _awaiting_total(session: Session, pesantren_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(Proposal.id))
            .join(ProposalParty)
            .where(_awaiting_condition(pesantren_id))
        )
        or 0
    )


def _awaiting(
    session: Session, pesantren_id: int, language: str, seen: set[str]
) -> list[ProposalLine]:
    proposals = session.scalars(
        select(Proposal)
        .join(ProposalParty)
        .where(_awaiting_condition(pesantren_id))
        .order_by(Proposal.respond_by.nulls_last(), Proposal.id)  # the most urgent first
        .limit(MAX_LINES)
    ).all()
    return [
        ProposalLine(
            key=f"p:{p.id}",
            id=p.id,
            kind=str(KIND_LABELS.get(p.kind, p.kind)),
            legs=leg_lines(p, language),
            value_idr=p.value_idr,
            url=answer_url(p.id, pesantren_id),  # the party's own link: no login needed
            new=f"p:{p.id}" not in seen,
        )
        for p in proposals
    ]


def _decided(
    session: Session,
    pesantren_id: int,
    language: str,
    since: dt.datetime,
    until: dt.datetime,
    *,
    signed: bool,
) -> list[DecisionLine]:
    """Decisions; ``signed``: link to the party's answer link (which shows a decided
    proposal read-only) instead of the proposal page, for a recipient without an account."""
    events = session.execute(
        select(ProposalEvent.proposal_id, ProposalEvent.to_state)
        .join(ProposalParty, ProposalParty.proposal_id == ProposalEvent.proposal_id)
        .where(
            ProposalParty.pesantren_id == pesantren_id,
            ProposalEvent.to_state.in_(("confirmed", "declined")),
            ProposalEvent.at >= since,
            ProposalEvent.at < until,
        )
        .order_by(ProposalEvent.proposal_id, ProposalEvent.id)
    ).all()
    last_state = dict(events)
    lines = []
    for proposal_id, state in list(last_state.items())[:MAX_LINES]:
        p = session.get(Proposal, proposal_id)
        if p is None:
            continue
        reasons = sorted(
            {
                str(DECLINE_LABELS.get(party.decline_reason, party.decline_reason))
                for party in p.parties
                if party.response == "declined" and party.decline_reason
            }
        )
        lines.append(
            DecisionLine(
                key=f"d:{p.id}:{state}",
                id=p.id,
                kind=str(KIND_LABELS.get(p.kind, p.kind)),
                state=state,
                legs=leg_lines(p, language),
                value_idr=p.value_idr,
                url=answer_url(p.id, pesantren_id) if signed else proposal_url(p.id),
                reasons=reasons,
            )
        )
    return lines


def _stale(session: Session, pesantren_id: int, week: ReportWeek, language: str) -> list[StaleLine]:
    cutoff = resting_before(week.end)
    listings = session.scalars(
        select(Listing)
        .where(
            Listing.pesantren_id == pesantren_id,
            Listing.status == "active",
            Listing.last_confirmed_at < cutoff,
        )
        .order_by(Listing.last_confirmed_at, Listing.id)
        .limit(MAX_LINES)
    ).all()
    return [
        StaleLine(
            key=f"s:{listing.id}:{listing.last_confirmed_at.date().isoformat()}",
            kind=str(LISTING_KIND_LABELS[listing.kind]),
            product=listing.product.name(language),
            quantity=f"{fmt_qty(listing.quantity)} {listing.unit}/{_period(listing.period)}",
            last_confirmed=listing.last_confirmed_at.date(),
            days=(week.end - listing.last_confirmed_at).days,
            confirm_url=external_url(
                "report.still_available", token=listing_token(listing.id, week)
            ),
            edit_url=external_url(
                "officer.listing_edit",
                listing_id=listing.id,
                fallback="/saya/listing/{listing_id}/ubah",
            ),
        )
        for listing in listings
    ]


def _period(period: str) -> str:
    labels = {"day": _("day"), "week": _("week"), "month": _("month"), "year": _("year")}
    return str(labels.get(period, period))
