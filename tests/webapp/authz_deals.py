"""Authorisation rows for ending a deal (collected by ``tests/webapp/test_authz.py``).

Complete and cancel are for an officer of a party or a facilitator/admin; an officer of
another pesantren does not even see the proposal (404). The API writes need a bearer token,
so with a browser session they answer 401 (tokens role by role: test_api_deals.py).
"""

from __future__ import annotations

from tests.webapp.authz import Route, World, expect
from tests.webapp.authz_api import API, TOKEN_ONLY
from webapp.models import Proposal, db


def confirmed(p: Proposal) -> Proposal:
    """Force ``p`` to a confirmed deal (every party accepted)."""
    p.state = "confirmed"
    for party in p.parties:
        party.response = "accepted"
    db.session.commit()
    return p


def _url(w: World, p: Proposal, action: str) -> str:
    return f"/usulan/{confirmed(p).id}/{action}"


REASON = {"reason": "Truk rusak"}

MATRIX: list[Route] = [
    Route(
        "officer.proposal_complete",
        "POST",
        lambda w: _url(w, w.barter_ab, "selesai"),
        expect(302),
    ),
    Route(
        "officer.proposal_complete",
        "POST",
        lambda w: _url(w, w.trade_bc, "selesai"),
        expect(302, officer_a=404),
        label="(A not a party)",
    ),
    Route(
        "officer.proposal_cancel",
        "POST",
        lambda w: _url(w, w.barter_ab, "batalkan"),
        expect(302),
        data=lambda w: REASON,
    ),
    Route(
        "officer.proposal_cancel",
        "POST",
        lambda w: _url(w, w.trade_bc, "batalkan"),
        expect(302, officer_a=404),
        data=lambda w: REASON,
        label="(A not a party)",
    ),
    Route(
        "officer.proposal_cancel",
        "POST",
        lambda w: f"/usulan/{w.draft_ab.id}/batalkan",
        expect(302, officer_a=404, officer_b=404),
        data=lambda w: REASON,
        label="(draft)",
    ),
    Route(
        "api.proposal_complete",
        "POST",
        lambda w: f"{API}/proposals/{confirmed(w.barter_ab).id}/complete",
        TOKEN_ONLY,
    ),
    Route(
        "api.proposal_cancel",
        "POST",
        lambda w: f"{API}/proposals/{confirmed(w.barter_ab).id}/cancel",
        TOKEN_ONLY,
    ),
]
