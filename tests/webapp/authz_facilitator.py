"""Authorisation matrix rows for the facilitator pages and the API-token page
(collected by ``tests/webapp/test_authz.py``)."""

from __future__ import annotations

import datetime as dt

from tests.webapp.authz import Route, World, expect
from webapp.models import ApiToken, MatchRound, PairingDecision, db

#: Facilitator pages: visitors to the login page, officers refused, the network allowed.
NETWORK = {"officer_a": 403, "officer_b": 403}


def net(default: int = 200, **roles: int) -> dict[str, int]:
    return expect(default, **{**NETWORK, **roles})


def _running_round(w: World) -> str:
    """A round already running: starting another is refused (and no thread starts)."""
    db.session.add(MatchRound(status="running", as_of=dt.date(2026, 11, 30)))
    db.session.commit()
    return "/fasilitator/putaran/jalankan"


def _two_rounds(w: World) -> str:
    other = MatchRound(status="draft", as_of=dt.date(2026, 11, 30))
    db.session.add(other)
    db.session.commit()
    return f"/fasilitator/putaran/banding?a={w.round.id}&b={other.id}"


def _a_veto(w: World) -> str:
    decision = PairingDecision(
        kind="veto", offer_id=w.offer_a.id, need_id=w.need_b.id, reason="jalan putus"
    )
    db.session.add(decision)
    db.session.commit()
    return f"/fasilitator/keputusan/{decision.id}/cabut"


def _token_of_a(w: World) -> str:
    token = ApiToken(user_id=w.users["officer_a"].id, name="kasir", token_hash="0" * 64)
    db.session.add(token)
    db.session.commit()
    return f"/akun/token/{token.id}/cabut"


MATRIX: list[Route] = [
    Route("facilitator.dashboard", "GET", lambda w: "/fasilitator/", net()),
    Route("facilitator.map_svg", "GET", lambda w: "/fasilitator/peta.svg", net()),
    Route("facilitator.graph_svg", "GET", lambda w: "/fasilitator/graf.svg", net()),
    Route("facilitator.gaps", "GET", lambda w: "/fasilitator/kesenjangan", net()),
    Route("facilitator.gaps_export", "GET", lambda w: "/fasilitator/kesenjangan.csv", net()),
    Route(
        "facilitator.gaps_export",
        "GET",
        lambda w: "/fasilitator/kesenjangan.xlsx",
        net(),
        label="(xlsx)",
    ),
    Route("facilitator.rounds", "GET", lambda w: "/fasilitator/putaran", net()),
    Route("facilitator.run_round", "POST", _running_round, net(302), label="(one running)"),
    Route("facilitator.round_detail", "GET", lambda w: f"/fasilitator/putaran/{w.round.id}", net()),
    Route(
        "facilitator.round_detail",
        "GET",
        lambda w: "/fasilitator/putaran/999999",
        net(404),
        label="(no such round)",
    ),
    Route(
        "facilitator.publish",
        "POST",
        lambda w: f"/fasilitator/putaran/{w.round.id}/terbitkan",
        net(302),
        label="(already published)",
    ),
    Route(
        "facilitator.publish_confirm",
        "GET",
        lambda w: f"/fasilitator/putaran/{w.round.id}/terbitkan",
        net(),
    ),
    Route(
        "facilitator.bulk",
        "POST",
        lambda w: f"/fasilitator/putaran/{w.round.id}/massal",
        net(302),
        data=lambda w: {"action": "keep", "ids": str(w.draft_ab.id)},
        label="(published round: refused)",
    ),
    Route("facilitator.compare", "GET", _two_rounds, net()),
    Route("facilitator.decisions_list", "GET", lambda w: "/fasilitator/keputusan", net()),
    Route("facilitator.lift_decision", "POST", _a_veto, net(302)),
    Route(
        "facilitator.veto",
        "POST",
        lambda w: f"/fasilitator/usulan/{w.draft_ab.id}/veto",
        net(302),
        data=lambda w: {"reason": "harga tidak wajar"},
    ),
    Route(
        "facilitator.reduce",
        "POST",
        lambda w: f"/fasilitator/usulan/{w.draft_ab.id}/kurangi",
        net(302),
        data=lambda w: {f"qty_{w.draft_ab.legs[0].id}": "5"},
    ),
    Route("facilitator.transfer", "GET", lambda w: "/fasilitator/data", net()),
    Route(
        "facilitator.upload",
        "POST",
        lambda w: "/fasilitator/data/unggah",
        net(302),
        data=lambda w: {"kind": "offers"},
        label="(no file)",
    ),
    Route(
        "facilitator.confirm",
        "POST",
        lambda w: "/fasilitator/data/konfirmasi",
        net(400),
        data=lambda w: {"token": "../../etc/passwd"},
        label="(bad token)",
    ),
    Route("facilitator.download", "GET", lambda w: "/fasilitator/data/unduh/pesantren.csv", net()),
    Route("facilitator.pesantren_list", "GET", lambda w: "/fasilitator/pesantren", net()),
    Route("facilitator.pesantren_create", "GET", lambda w: "/fasilitator/pesantren/baru", net()),
    Route(
        "facilitator.pesantren_create",
        "POST",
        lambda w: "/fasilitator/pesantren/baru",
        net(),
        data=lambda w: {"name": "X", "nspp": "123"},
        label="(bad NSPP: form again)",
    ),
    Route(
        "facilitator.pesantren_edit",
        "GET",
        lambda w: f"/fasilitator/pesantren/{w.a.id}/ubah",
        net(),
    ),
    Route("facilitator.users", "GET", lambda w: "/fasilitator/pengguna", net()),
    Route("facilitator.user_create", "GET", lambda w: "/fasilitator/pengguna/baru", net()),
    Route(
        "facilitator.user_toggle",
        "POST",
        lambda w: f"/fasilitator/pengguna/{w.users['officer_b'].id}/aktif",
        net(302),
        label="(an officer)",
    ),
    Route(
        "facilitator.user_toggle",
        "POST",
        lambda w: f"/fasilitator/pengguna/{w.users['facilitator'].id}/aktif",
        net(403, admin=302),
        label="(a facilitator: admins only)",
    ),
    Route(
        "facilitator.user_edit",
        "GET",
        lambda w: f"/fasilitator/pengguna/{w.users['officer_b'].id}/ubah",
        net(),
        label="(an officer)",
    ),
    Route(
        "facilitator.user_edit",
        "GET",
        lambda w: f"/fasilitator/pengguna/{w.users['facilitator'].id}/ubah",
        net(403, admin=200),
        label="(a facilitator: admins only)",
    ),
    Route(
        "facilitator.user_send_activation",
        "POST",
        lambda w: f"/fasilitator/pengguna/{w.users['facilitator'].id}/aktivasi",
        net(403, admin=302),
        label="(a facilitator: admins only)",
    ),
    Route("api_tokens.token_page", "GET", lambda w: "/akun/token", expect()),
    Route(
        "api_tokens.token_page_revoke",
        "POST",
        _token_of_a,
        expect(404, officer_a=302),
        label="(A's token)",
    ),
]
