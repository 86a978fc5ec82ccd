"""Personal answer links: one signed link per party of a published proposal.

A pesantren without an account (most of them) answers a proposal from its weekly email or
from WhatsApp through ``/jawab/<token>``. The token (``itsdangerous``, keyed by the app's
``SECRET_KEY`` with its own salt) binds one proposal id to one pesantren id; it carries no
date: it is good exactly as long as the proposal can be answered, which is decided when it
is used, so it expires with the proposal's response deadline (:func:`response_deadline`)
and is spent once its party has answered (no replay). :func:`open_link` checks all of this
and says why a link is refused.

Whoever holds a party's answer link can answer for that party, so the link goes only where
that party alone reads it: its own email (the weekly report, the prompt notices, the
"send my link" button) and a facilitator's message. The other parties' WhatsApp and email
messages carry a **view link** instead (``/lihat/<token>``, another salt, same binding):
it shows the proposal as that party sees it and can only ask for the answer link to be
emailed to the party's registered address (:func:`open_view`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from .models import DbSession, Proposal, ProposalParty
from .proposals import ANSWERABLE_STATES

__all__ = [
    "ANSWER_SALT",
    "REFUSALS",
    "LinkRefused",
    "OpenLink",
    "answer_token",
    "answer_url",
    "open_link",
    "open_view",
    "read_answer_token",
    "response_deadline",
    "view_token",
    "view_url",
]

ANSWER_SALT = "opop-proposal-answer-link"
VIEW_SALT = "opop-proposal-view-link"
#: Why a link cannot be used: garbled or forged / past the deadline / the party already
#: answered / the proposal is no longer open (declined, confirmed, expired, cancelled ...).
REFUSALS = ("invalid", "expired", "answered", "closed")


class LinkRefused(Exception):
    """The link cannot be used; ``why`` is one of :data:`REFUSALS`. Except for ``invalid``
    the link is genuine, and ``proposal`` / ``party`` say what it was for."""

    def __init__(
        self,
        why: str,
        proposal: Proposal | None = None,
        party: ProposalParty | None = None,
    ) -> None:
        super().__init__(why)
        self.why = why
        self.proposal = proposal
        self.party = party


@dataclass(frozen=True)
class OpenLink:
    proposal: Proposal
    party: ProposalParty
    deadline: dt.datetime


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def answer_token(proposal_id: int, pesantren_id: int, salt: str = ANSWER_SALT) -> str:
    return _serializer(salt).dumps([int(proposal_id), int(pesantren_id)])


def read_answer_token(token: str, salt: str = ANSWER_SALT) -> tuple[int, int]:
    """(proposal id, pesantren id); raises ``BadSignature`` if forged, changed or garbled
    (or signed with another salt: a view link does not open the answer page)."""
    payload = _serializer(salt).loads(token)
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in payload)
    ):
        raise BadSignature("not a proposal link")
    return payload[0], payload[1]


def view_token(proposal_id: int, pesantren_id: int) -> str:
    return answer_token(proposal_id, pesantren_id, VIEW_SALT)


def answer_url(proposal_id: int, pesantren_id: int) -> str:
    """The absolute link (under ``BASE_URL``, also outside a request: emails)."""
    from .report.links import external_url

    return external_url(
        "answer.answer", token=answer_token(proposal_id, pesantren_id), fallback="/jawab/{token}"
    )


def view_url(proposal_id: int, pesantren_id: int) -> str:
    """The absolute view link of ``pesantren_id``'s side of the proposal."""
    from .report.links import external_url

    return external_url(
        "answer.view", token=view_token(proposal_id, pesantren_id), fallback="/lihat/{token}"
    )


def response_deadline(proposal: Proposal) -> dt.datetime | None:
    """When the proposal stops being answerable: ``respond_by``, or for rows published before
    that column existed, the round's publication plus ``PROPOSAL_RESPONSE_DAYS``; None for a
    proposal never published."""
    if proposal.respond_by is not None:
        return proposal.respond_by
    published = proposal.round.published_at if proposal.round is not None else None
    if published is None:
        return None
    days = int(current_app.config["PROPOSAL_RESPONSE_DAYS"])
    return published + dt.timedelta(days=days)


def _party(session: DbSession, token: str, salt: str) -> tuple[Proposal, ProposalParty]:
    """The published proposal and the party a genuine token names, else ``invalid``."""
    try:
        proposal_id, pesantren_id = read_answer_token(token, salt)
    except BadSignature:
        raise LinkRefused("invalid") from None
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise LinkRefused("invalid")
    party = next((p for p in proposal.parties if p.pesantren_id == pesantren_id), None)
    if party is None:
        raise LinkRefused("invalid")
    return proposal, party


def open_view(session: DbSession, token: str) -> tuple[Proposal, ProposalParty]:
    """The proposal and party of a view link; ``invalid`` also for a proposal never
    published (drafts stay with the facilitators)."""
    proposal, party = _party(session, token, VIEW_SALT)
    if response_deadline(proposal) is None:
        raise LinkRefused("invalid")
    return proposal, party


def open_link(session: DbSession, token: str, now: dt.datetime) -> OpenLink:
    """The proposal and party ``token`` lets answer now, or :class:`LinkRefused`.

    Checked in this order: the signature and that the pesantren is a party of the proposal
    (``invalid``), that the party has not answered (``answered``), that the proposal is
    still open (``closed``), that its deadline has not passed (``expired``).
    """
    proposal, party = _party(session, token, ANSWER_SALT)
    if party.response != "pending":
        raise LinkRefused("answered", proposal, party)
    deadline = response_deadline(proposal)
    if proposal.state not in ANSWERABLE_STATES or deadline is None:
        raise LinkRefused("closed", proposal, party)
    if now >= deadline:
        raise LinkRefused("expired", proposal, party)
    return OpenLink(proposal, party, deadline)
