"""Authorisation matrix rows for the weekly report's pages (collected by test_authz.py).

The signed links in an email work for anyone holding them (the signature is the proof);
the preferences page is the signed-in user's own; previews are for the network only.
"""

from __future__ import annotations

from tests.webapp.authz import Route, World, expect
from webapp.models import utcnow
from webapp.report.links import listing_token, unsubscribe_token
from webapp.report.notices import notice_unsubscribe_token
from webapp.report.weeks import previous_week

NETWORK_ONLY = {"officer_a": 403, "officer_b": 403}
ANYONE = dict.fromkeys(("visitor", "officer_a", "officer_b", "facilitator", "admin"), 200)


def _unsubscribe(w: World) -> str:
    return f"/laporan/berhenti/{unsubscribe_token(w.a.email.lower())}"


def _stop_notices(w: World) -> str:
    return f"/laporan/berhenti-kabar/{notice_unsubscribe_token(w.a.email)}"


def _still_available(w: World) -> str:
    return f"/laporan/masih-tersedia/{listing_token(w.offer_a.id, previous_week(utcnow()))}"


MATRIX: list[Route] = [
    Route("report.unsubscribe", "GET", _unsubscribe, ANYONE),
    Route(
        "report.unsubscribe",
        "POST",
        _unsubscribe,
        ANYONE,
        label="(confirm)",
        visitor_may_write=True,
    ),
    Route(
        "report.unsubscribe",
        "GET",
        lambda w: "/laporan/berhenti/forged-token",
        dict.fromkeys(ANYONE, 400),
        label="(forged token)",
    ),
    Route("report.unsubscribe_notices", "GET", _stop_notices, ANYONE),
    Route(
        "report.unsubscribe_notices",
        "POST",
        _stop_notices,
        ANYONE,
        label="(confirm)",
        visitor_may_write=True,
    ),
    Route(
        "report.unsubscribe_notices",
        "GET",
        lambda w: "/laporan/berhenti-kabar/forged-token",
        dict.fromkeys(ANYONE, 400),
        label="(forged token)",
    ),
    Route("report.still_available", "GET", _still_available, ANYONE),
    Route(
        "report.still_available",
        "GET",
        lambda w: "/laporan/masih-tersedia/forged-token",
        dict.fromkeys(ANYONE, 400),
        label="(forged token)",
    ),
    Route("report.preferences", "GET", lambda w: "/akun/laporan", expect()),
    Route(
        "report.preferences",
        "POST",
        lambda w: "/akun/laporan",
        expect(302),
        data=lambda w: {"report_frequency": "none", "language": "en"},
        label="(own settings)",
    ),
    Route("report.preview_index", "GET", lambda w: "/laporan/pratinjau", expect(**NETWORK_ONLY)),
    Route(
        "report.preview",
        "GET",
        lambda w: f"/laporan/pratinjau/{w.a.email.lower()}",
        expect(**NETWORK_ONLY),
    ),
    Route(
        "report.preview",
        "GET",
        lambda w: "/laporan/pratinjau/nobody@example.org",
        expect(404, **NETWORK_ONLY),
        label="(unknown address)",
    ),
    Route(
        "report.preview_html",
        "GET",
        lambda w: f"/laporan/pratinjau-html/{w.a.email.lower()}",
        expect(**NETWORK_ONLY),
    ),
]
