"""Authorisation matrix rows for the personal answer links (collected by test_authz.py).

An answer link works for whoever holds it, signed in or not: the signature binding one
proposal to one party is the proof. Forged links and links for a pesantren that is not a
party are refused (400) and change nothing. A view link shows the proposal to whoever holds
it; its button only emails the party's own address (tested in test_view_links.py).
"""

from __future__ import annotations

import datetime as dt

from tests.webapp.authz import Route, World
from webapp.answer_links import answer_token, view_token
from webapp.models import db, utcnow

ANYONE = ("visitor", "officer_a", "officer_b", "facilitator", "admin")


def _a_link(w: World) -> str:
    w.barter_ab.respond_by = utcnow() + dt.timedelta(days=7)
    db.session.commit()
    return f"/jawab/{answer_token(w.barter_ab.id, w.a.id)}"


def _not_a_party(w: World) -> str:
    w.trade_bc.respond_by = utcnow() + dt.timedelta(days=7)
    db.session.commit()
    return f"/jawab/{answer_token(w.trade_bc.id, w.a.id)}/terima"


def _a_view_link(w: World) -> str:
    w.barter_ab.respond_by = utcnow() + dt.timedelta(days=7)
    db.session.commit()
    return f"/lihat/{view_token(w.barter_ab.id, w.a.id)}"


MATRIX: list[Route] = [
    Route("answer.view", "GET", _a_view_link, dict.fromkeys(ANYONE, 200)),
    Route(
        "answer.view",
        "GET",
        lambda w: "/lihat/" + answer_token(w.barter_ab.id, w.a.id),
        dict.fromkeys(ANYONE, 400),
        label="(an answer token)",
    ),
    Route(
        "answer.send_link",
        "POST",
        lambda w: f"/lihat/{view_token(w.trade_bc.id, w.a.id)}/kirim",
        dict.fromkeys(ANYONE, 400),
        label="(A is no party)",
    ),
    Route(
        "answer.send_link",
        "POST",
        lambda w: "/lihat/forged-token/kirim",
        dict.fromkeys(ANYONE, 400),
        label="(forged token)",
    ),
    Route("answer.answer", "GET", _a_link, dict.fromkeys(ANYONE, 200)),
    Route(
        "answer.answer",
        "GET",
        lambda w: "/jawab/forged-token",
        dict.fromkeys(ANYONE, 400),
        label="(forged token)",
    ),
    Route(
        "answer.accept",
        "POST",
        lambda w: _a_link(w) + "/terima",
        dict.fromkeys(ANYONE, 200),
        label="(A's link)",
        visitor_may_write=True,
    ),
    Route(
        "answer.accept",
        "POST",
        _not_a_party,
        dict.fromkeys(ANYONE, 400),
        label="(A is no party)",
    ),
    Route(
        "answer.decline",
        "POST",
        lambda w: _a_link(w) + "/tolak",
        dict.fromkeys(ANYONE, 200),
        data=lambda w: {"reason": "price"},
        label="(A's link)",
        visitor_may_write=True,
    ),
    Route(
        "answer.decline",
        "POST",
        lambda w: "/jawab/forged-token/tolak",
        dict.fromkeys(ANYONE, 400),
        data=lambda w: {"reason": "price"},
        label="(forged token)",
    ),
]
