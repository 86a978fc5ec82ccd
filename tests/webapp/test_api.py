"""The JSON API: tokens, errors with stable codes, pagination, listings by their owner,
proposals answered by a party, rounds for facilitators, rate limiting."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from tests.webapp.api_helpers import API, assert_error, bearer  # noqa: F401
from tests.webapp.facilitator_data import build_network, stored_round
from webapp import rounds as round_service
from webapp.models import ApiToken, Listing, ProposalEvent, db


@pytest.fixture
def net(app):
    return build_network()


# -- tokens ------------------------------------------------------------------------------


def test_a_token_made_on_the_account_page_is_shown_once_and_stored_only_as_a_hash(
    client, login, net
):
    login(net.officers["batu"])
    page = client.post("/akun/token", data={"name": "kasir koperasi"}).get_data(as_text=True)
    clear = re.search(r'class="token-once">([^<]+)<', page).group(1)
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hashlib.sha256(clear.encode()).hexdigest()
    assert clear not in client.get("/akun/token").get_data(as_text=True)
    client.get("/keluar")  # whatever sign-out does, the token is independent of the session
    with client.session_transaction() as session:
        session.clear()
    me = client.get(
        f"{API}/listings?pesantren_id={net.pesantren['batu'].id}",
        headers={"Authorization": f"Bearer {clear}"},
    )
    assert me.status_code == 200


def test_a_revoked_token_is_refused_with_a_stable_code(client, net):
    headers = bearer(net.officers["batu"])
    token_id = client.get(f"{API}/tokens", headers=headers).get_json()["data"][0]["id"]
    assert client.delete(f"{API}/tokens/{token_id}", headers=headers).status_code == 204
    assert_error(client.get(f"{API}/listings", headers=headers), 401, "invalid_token")


def test_tokens_are_created_through_the_api_and_belong_to_their_user(client, net):
    headers = bearer(net.officers["batu"])
    created = client.post(f"{API}/tokens", json={"name": "integrasi"}, headers=headers)
    assert created.status_code == 201
    assert created.get_json()["token"].startswith("opop_")
    other = bearer(net.officers["sumenep"])
    assert_error(
        client.delete(f"{API}/tokens/{created.get_json()['id']}", headers=other), 404, "not_found"
    )
    assert_error(
        client.post(f"{API}/tokens", json={"name": ""}, headers=headers), 422, "validation_failed"
    )


def test_a_malformed_authorization_header_is_a_401_not_a_crash(client, net):
    assert_error(
        client.get(f"{API}/listings", headers={"Authorization": "Basic abc"}), 401, "invalid_token"
    )
    assert_error(
        client.get(f"{API}/listings", headers={"Authorization": "Bearer nope"}),
        401,
        "invalid_token",
    )


def test_a_session_cannot_write_through_the_api_without_a_token(client, login, net):
    login(net.officers["batu"])
    response = client.post(
        f"{API}/listings",
        json={"kind": "offer", "product": "terasi", "quantity": 5, "price": 50000},
    )
    assert_error(response, 401, "unauthorized")
    cross = client.get(f"{API}/listings", headers={"Sec-Fetch-Site": "cross-site"})
    assert_error(cross, 401, "unauthorized")


# -- errors and pagination ---------------------------------------------------------------


def test_unknown_paths_methods_and_bad_parameters_answer_in_json(client, net):
    assert_error(client.get(f"{API}/nothing-here"), 404, "not_found")
    assert_error(client.get(f"{API}/pesantren/99999999999999"), 404, "not_found")
    method = client.put(f"{API}/catalogue")
    assert_error(method, 405, "method_not_allowed")
    assert "GET" in method.headers["Allow"]
    error = assert_error(client.get(f"{API}/catalogue?per_page=1000"), 400, "bad_request")
    assert error["details"]["parameter"] == "per_page"
    assert_error(client.get(f"{API}/catalogue?page=abc"), 400, "bad_request")


def test_lists_are_paginated_with_meta_and_links(client, net):
    first = client.get(f"{API}/pesantren?per_page=2").get_json()
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 5, "pages": 3}
    assert first["links"]["prev"] is None
    assert len(first["data"]) == 2
    second = client.get(first["links"]["next"]).get_json()
    last = client.get(first["links"]["last"]).get_json()
    assert second["meta"]["page"] == 2
    assert len(last["data"]) == 1
    assert last["links"]["next"] is None
    names = [p["name"] for page in (first, second, last) for p in page["data"]]
    assert len(set(names)) == 5


def test_visitors_see_public_pesantren_fields_and_signed_in_users_the_contact(client, net):
    pid = net.pesantren["sumenep"].id
    public = client.get(f"{API}/pesantren/{pid}").get_json()
    assert "contact" not in public
    assert public["region_types"] == ["coastal_fisheries", "island"]
    assert net.pesantren["sumenep"].whatsapp not in str(public)
    private = client.get(f"{API}/pesantren/{pid}", headers=bearer(net.officers["batu"]))
    assert private.get_json()["contact"]["whatsapp"] == net.pesantren["sumenep"].whatsapp


def test_catalogue_search_finds_products_by_name(client, net):
    found = client.get(f"{API}/catalogue?q=terasi").get_json()
    assert [p["slug"] for p in found["data"]] == ["terasi"]
    assert client.get(f"{API}/catalogue/terasi").get_json()["base_unit"] == "kg"


# -- listings ----------------------------------------------------------------------------


def test_an_officer_creates_updates_and_deletes_their_own_listing(client, net):
    headers = bearer(net.officers["batu"])
    created = client.post(
        f"{API}/listings",
        headers=headers,
        json={
            "kind": "offer",
            "product": "susu-sapi",
            "quantity": 300,
            "unit": "liter",
            "price": 8500,
            "required_certs": [],
        },
    )
    assert created.status_code == 201, created.get_json()
    listing = created.get_json()
    assert listing["pesantren_id"] == net.pesantren["batu"].id
    changed = client.patch(
        f"{API}/listings/{listing['id']}",
        headers=headers,
        json={"quantity": 250, "status": "paused"},
    )
    assert changed.get_json()["quantity"] == 250
    assert changed.get_json()["status"] == "paused"
    assert client.delete(f"{API}/listings/{listing['id']}", headers=headers).status_code == 204
    assert db.session.get(Listing, listing["id"]) is None


def test_nobody_else_changes_a_pesantrens_listing(client, net):
    offer = net.offers["apel"]
    for user in (net.officers["sumenep"], net.facilitator, net.admin):
        response = client.patch(
            f"{API}/listings/{offer.id}", headers=bearer(user), json={"quantity": 1}
        )
        assert_error(response, 403, "forbidden")
    db.session.expire_all()
    assert float(db.session.get(Listing, offer.id).quantity) == 60


def test_bad_listing_fields_are_named_and_nothing_is_written(client, net):
    headers = bearer(net.officers["batu"])
    before = db.session.scalar(select(db.func.count()).select_from(Listing))
    error = assert_error(
        client.post(
            f"{API}/listings",
            headers=headers,
            json={
                "kind": "offer",
                "product": "tidak-ada",
                "quantity": -3,
                "unit": "kg",
                "period": "fortnight",
            },
        ),
        422,
        "validation_failed",
    )
    fields = {d["field"] for d in error["details"]}
    assert {"product", "quantity", "period"} <= fields
    unit = assert_error(
        client.post(
            f"{API}/listings",
            headers=headers,
            json={"kind": "need", "product": "terasi", "quantity": 3, "unit": "liter"},
        ),
        422,
        "validation_failed",
    )
    assert unit["details"][0]["field"] == "unit"
    assert db.session.scalar(select(db.func.count()).select_from(Listing)) == before


def test_a_second_listing_of_the_same_product_and_kind_is_a_conflict(client, net):
    response = client.post(
        f"{API}/listings",
        headers=bearer(net.officers["batu"]),
        json={"kind": "offer", "product": "keripik-apel", "quantity": 5, "price": 90000},
    )
    assert_error(response, 409, "conflict")


def test_supplier_search_ranks_offers_with_their_reasons_and_contact(client, net):
    headers = bearer(net.officers["surabaya"])
    found = client.get(f"{API}/suppliers?product=Ikan asin&quantity=100", headers=headers)
    assert found.status_code == 200, found.get_json()
    rows = found.get_json()["data"]
    assert [r["pesantren"]["name"] for r in rows] == ["Pondok Bahari Sumenep"]
    assert rows[0]["distance_km"] > 100
    assert 0 < rows[0]["score"] <= 1
    assert rows[0]["why"]["id"]
    assert rows[0]["why"]["en"]
    assert rows[0]["pesantren"]["contact"]["whatsapp"]
    unknown = client.get(f"{API}/suppliers?product=xyzzy", headers=headers)
    assert_error(unknown, 404, "unknown_product")


# -- proposals and rounds ----------------------------------------------------------------


def test_parties_accept_a_published_barter_through_the_api_until_it_is_confirmed(client, net):
    match_round = stored_round(net)
    round_service.publish_round(match_round, net.facilitator)
    pair = next(p for p in match_round.proposals if p.kind == "barter_pair")
    outsider = client.post(
        f"{API}/proposals/{pair.id}/accept", headers=bearer(net.officers["tuban"])
    )
    assert_error(outsider, 404, "not_found")
    first = client.post(f"{API}/proposals/{pair.id}/accept", headers=bearer(net.officers["batu"]))
    assert first.get_json()["state"] == "accepted_by_some"
    again = client.post(f"{API}/proposals/{pair.id}/accept", headers=bearer(net.officers["batu"]))
    assert_error(again, 409, "invalid_state")
    second = client.post(
        f"{API}/proposals/{pair.id}/accept", headers=bearer(net.officers["sumenep"])
    )
    assert second.get_json()["state"] == "confirmed"
    channels = db.session.scalars(
        select(ProposalEvent.channel).where(
            ProposalEvent.proposal_id == pair.id, ProposalEvent.action == "accept"
        )
    ).all()
    assert channels == ["api", "api"]  # the audit trail says the answers came by the API


def test_a_decline_needs_a_reason_from_the_list(client, net):
    match_round = stored_round(net)
    round_service.publish_round(match_round, net.facilitator)
    cycle = next(p for p in match_round.proposals if p.kind == "barter_cycle")
    headers = bearer(net.officers["tuban"])
    assert_error(
        client.post(
            f"{API}/proposals/{cycle.id}/decline", headers=headers, json={"reason": "bosan"}
        ),
        422,
        "validation_failed",
    )
    declined = client.post(
        f"{API}/proposals/{cycle.id}/decline",
        headers=headers,
        json={"reason": "price", "note": "terlalu mahal"},
    )
    assert declined.get_json()["state"] == "declined"
    assert {p["decline_reason"] for p in declined.get_json()["parties"]} == {None, "price"}
    event = db.session.scalars(select(ProposalEvent).where(ProposalEvent.action == "decline")).one()
    assert event.channel == "api"


def test_facilitators_list_and_publish_rounds_through_the_api(client, net):
    match_round = stored_round(net)
    headers = bearer(net.facilitator)
    listed = client.get(f"{API}/rounds", headers=headers).get_json()
    assert listed["data"][0]["proposals"] == {"draft": 3}
    assert_error(
        client.get(f"{API}/rounds", headers=bearer(net.officers["batu"])), 403, "forbidden"
    )
    published = client.post(f"{API}/rounds/{match_round.id}/publish", headers=headers)
    assert published.get_json()["status"] == "published"
    assert_error(
        client.post(f"{API}/rounds/{match_round.id}/publish", headers=headers), 409, "invalid_state"
    )
    mine = client.get(f"{API}/proposals", headers=bearer(net.officers["surabaya"])).get_json()
    assert {p["kind"] for p in mine["data"]} == {"barter_cycle", "trade"}


def test_starting_a_round_while_one_runs_is_a_conflict(client, net):
    from webapp.models import MatchRound

    db.session.add(MatchRound(status="running", as_of=net.offers["apel"].created_at.date()))
    db.session.commit()
    assert_error(
        client.post(f"{API}/rounds", headers=bearer(net.facilitator)), 409, "round_running"
    )
