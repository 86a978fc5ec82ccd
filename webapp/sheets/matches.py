"""The facilitator's match sheet for one regency at an expo: who should meet whom, with what.

It lists the proposals of a published round that a pesantren of the regency is party to and
that still call for a meeting (published, partly accepted or confirmed), together with the
standing proposals of earlier rounds that carry over into it, grouped by the regency's
pesantren.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ..formatting import day, rupiah
from ..labels import KIND_LABELS, STATE_LABELS
from ..models import (
    ANSWERABLE_STATES,
    MatchRound,
    Pesantren,
    Proposal,
    ProposalLeg,
    ProposalParty,
    Regency,
    db,
)
from ..proposal_contact import leg_text
from .pdf import Sheet, made_on

__all__ = ["MEETING_STATES", "Meeting", "match_sheet", "meetings_for"]

#: Proposals worth a meeting: open ones (to agree) and confirmed ones (to arrange delivery).
MEETING_STATES = (*ANSWERABLE_STATES, "confirmed")


@dataclass(frozen=True)
class Meeting:
    """One proposal seen from one of the regency's pesantren."""

    here: Pesantren
    others: tuple[Pesantren, ...]
    proposal: Proposal


def meetings_for(match_round: MatchRound, regency_code: str) -> list[Meeting]:
    """The regency's meetings in ``match_round``, by pesantren name, best proposal first."""
    in_regency = (
        select(ProposalParty.proposal_id)
        .join(Pesantren, Pesantren.id == ProposalParty.pesantren_id)
        .where(Pesantren.regency_code == regency_code)
    )
    query = (
        select(Proposal)
        .where(
            Proposal.id.in_(in_regency),
            or_(
                and_(Proposal.round_id == match_round.id, Proposal.state.in_(MEETING_STATES)),
                and_(Proposal.round_id < match_round.id, Proposal.state.in_(ANSWERABLE_STATES)),
            ),
        )
        .options(
            selectinload(Proposal.parties).selectinload(ProposalParty.pesantren),
            selectinload(Proposal.legs).selectinload(ProposalLeg.product),
        )
    )
    meetings = []
    for proposal in db.session.scalars(query):
        parties = [party.pesantren for party in proposal.parties]
        for here in parties:
            if here.regency_code == regency_code:
                others = tuple(p for p in parties if p.id != here.id)
                meetings.append(Meeting(here, others, proposal))
    return sorted(
        meetings, key=lambda m: (m.here.name, m.here.id, -m.proposal.score, m.proposal.id)
    )


def match_sheet(
    match_round: MatchRound, regency: Regency, meetings: Sequence[Meeting], *, language: str
) -> bytes:
    """The sheet as PDF bytes."""
    sheet = Sheet(
        title=_("Expo match sheet: %(regency)s", regency=regency.name),
        subtitle=_(
            "Round %(id)s of %(day)s · %(n)s meetings",
            id=match_round.id,
            day=day(match_round.as_of),
            n=len(meetings),
        ),
        footer=_("OPOP Match facilitator match sheet, printed %(day)s", day=day(made_on())),
    )
    if not meetings:
        sheet.paragraph(_("No open or confirmed proposal involves a pesantren of this regency."))
        return sheet.render()
    sheet.paragraph(
        _(
            "Each row is one proposal: the pesantren on the left should meet the ones beside it to agree on it (or, if confirmed, to arrange delivery)."
        )
    )
    current: list[Meeting] = []
    for meeting in meetings:
        if current and current[0].here.id != meeting.here.id:
            _group(sheet, current, language, match_round.id)
            current = []
        current.append(meeting)
    _group(sheet, current, language, match_round.id)
    return sheet.render()


def _group(sheet: Sheet, meetings: Sequence[Meeting], language: str, round_id: int) -> None:
    here = meetings[0].here
    rows = []
    for m in meetings:
        p = m.proposal
        kind = str(KIND_LABELS.get(p.kind, p.kind))
        state = str(STATE_LABELS.get(p.state, p.state))
        if p.round_id != round_id:
            state += " · " + _("from round %(id)s", id=p.round_id)
        rows.append(
            [
                "\n".join(_who(o) for o in m.others),
                "\n".join(leg_text(leg, language, None) for leg in p.legs),
                f"{kind} · {state} · #{p.id}",
                rupiah(p.value_idr),
            ]
        )
    sheet.table(
        [_("Meet"), _("With what (per month)"), _("Proposal"), _("Value per month")],
        rows,
        [0.27, 0.43, 0.16, 0.14],
        keep_with=f"{here.name} · {here.regency.short_name}"
        + (f" · WA +{here.whatsapp.replace('+', '')}" if here.whatsapp else ""),
    )


def _who(pesantren: Pesantren) -> str:
    """A pesantren to meet, and how to reach it before the expo."""
    line = f"{pesantren.name} ({pesantren.regency.short_name})"
    if pesantren.whatsapp:
        line += "\nWA +" + pesantren.whatsapp.replace("+", "")
    return line
