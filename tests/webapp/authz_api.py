"""Authorisation matrix rows for the JSON API with a browser session (collected by
``tests/webapp/test_authz.py``).

A session is honoured for GET requests only; anything that writes needs a bearer token, so
with a session every write answers 401. The same writes with tokens are checked role by role
in ``tests/webapp/test_api_authz.py``.
"""

from __future__ import annotations

from tests.webapp.authz import Route, expect

API = "/api/v1"
SIGNED_IN = {"visitor": 401}


def signed_in(default: int = 200, **roles: int) -> dict[str, int]:
    return expect(default, **{**SIGNED_IN, **roles})


NETWORK = signed_in(officer_a=403, officer_b=403)
TOKEN_ONLY = expect(401, visitor=401)

MATRIX: list[Route] = [
    Route("api.openapi", "GET", lambda w: f"{API}/openapi.json", expect(visitor=200)),
    Route("api.catalogue", "GET", lambda w: f"{API}/catalogue", expect(visitor=200)),
    Route("api.product", "GET", lambda w: f"{API}/catalogue/ikan-asin", expect(visitor=200)),
    Route("api.pesantren_list", "GET", lambda w: f"{API}/pesantren", expect(visitor=200)),
    Route(
        "api.pesantren_detail", "GET", lambda w: f"{API}/pesantren/{w.b.id}", expect(visitor=200)
    ),
    Route("api.listings", "GET", lambda w: f"{API}/listings", signed_in()),
    Route("api.listing_detail", "GET", lambda w: f"{API}/listings/{w.offer_a.id}", signed_in()),
    Route("api.listing_create", "POST", lambda w: f"{API}/listings", TOKEN_ONLY),
    Route("api.listing_update", "PATCH", lambda w: f"{API}/listings/{w.offer_a.id}", TOKEN_ONLY),
    Route("api.listing_delete", "DELETE", lambda w: f"{API}/listings/{w.offer_a.id}", TOKEN_ONLY),
    Route("api.suppliers", "GET", lambda w: f"{API}/suppliers?product=ikan-asin", signed_in()),
    Route("api.proposals", "GET", lambda w: f"{API}/proposals", signed_in()),
    Route("api.proposal_detail", "GET", lambda w: f"{API}/proposals/{w.barter_ab.id}", signed_in()),
    Route(
        "api.proposal_detail",
        "GET",
        lambda w: f"{API}/proposals/{w.draft_ab.id}",
        signed_in(officer_a=404, officer_b=404),
        label="(draft)",
    ),
    Route(
        "api.proposal_detail",
        "GET",
        lambda w: f"{API}/proposals/{w.trade_bc.id}",
        signed_in(officer_a=404),
        label="(A not a party)",
    ),
    Route(
        "api.proposal_accept",
        "POST",
        lambda w: f"{API}/proposals/{w.barter_ab.id}/accept",
        TOKEN_ONLY,
    ),
    Route(
        "api.proposal_decline",
        "POST",
        lambda w: f"{API}/proposals/{w.barter_ab.id}/decline",
        TOKEN_ONLY,
    ),
    Route("api.rounds", "GET", lambda w: f"{API}/rounds", NETWORK),
    Route("api.round_detail", "GET", lambda w: f"{API}/rounds/{w.round.id}", NETWORK),
    Route("api.round_run", "POST", lambda w: f"{API}/rounds", TOKEN_ONLY),
    Route("api.round_publish", "POST", lambda w: f"{API}/rounds/{w.round.id}/publish", TOKEN_ONLY),
    Route("api.decision_list", "GET", lambda w: f"{API}/decisions", NETWORK),
    Route("api.decision_lift", "POST", lambda w: f"{API}/decisions/1/lift", TOKEN_ONLY),
    Route("api.tokens", "GET", lambda w: f"{API}/tokens", signed_in()),
    Route("api.token_create", "POST", lambda w: f"{API}/tokens", TOKEN_ONLY),
    Route("api.token_revoke", "DELETE", lambda w: f"{API}/tokens/1", TOKEN_ONLY),
    Route("api._unknown", "GET", lambda w: f"{API}/no-such-thing", expect(404, visitor=404)),
]
