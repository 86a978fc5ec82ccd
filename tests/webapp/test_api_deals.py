"""API: complete (with delivered quantities) and cancel a deal, role by role with tokens; bad
input gets a 400/422 naming the field and changes nothing."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.webapp.api_helpers import API, assert_error, bearer
from tests.webapp.authz import build_world
from tests.webapp.proposal_helpers import deal_fingerprint as fingerprint
from webapp import proposals
from webapp.models import Proposal, db


@pytest.fixture
def world(app):
    w = build_world()
    for pesantren in (w.a, w.b):
        proposals.accept(w.barter_ab, pesantren.id)
    return w


def fresh(world) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, world.barter_ab.id)


def leg_ids(world) -> dict[int, int]:
    """offer id → leg id."""
    return {leg.offer_id: leg.id for leg in fresh(world).legs}


def test_a_party_completes_with_the_delivered_quantities(client, world):
    fish = leg_ids(world)[world.offer_b.id]
    response = client.post(
        f"{API}/proposals/{world.barter_ab.id}/complete",
        headers=bearer(world.users["officer_a"]),
        json={
            "legs": [{"leg_id": fish, "delivered_quantity": 2.5}],
            "version": fresh(world).version,
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["state"] == "completed"
    assert {leg["id"]: leg["delivered_quantity"] for leg in body["legs"]} == {
        fish: 2.5,
        leg_ids(world)[world.offer_a.id]: 10.0,
    }
    event = fresh(world).events[-1]
    assert (event.action, event.channel, event.pesantren_id) == ("complete", "api", world.a.id)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("officer_a", 200),
        ("officer_b", 200),
        ("facilitator", 200),
        ("admin", 200),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("action", ["complete", "cancel"])
def test_who_may_end_a_deal(client, world, role, status, action):
    user = make_user("officer", world.c) if role == "outsider" else world.users[role]
    headers = bearer(user)
    before = fingerprint()
    response = client.post(
        f"{API}/proposals/{world.barter_ab.id}/{action}",
        headers=headers,
        json={"reason": "Truk rusak"} if action == "cancel" else {},
    )
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 200:
        assert fresh(world).state == ("completed" if action == "complete" else "cancelled")
    else:
        assert_error(response, 404, "not_found")
        assert fingerprint() == before


def test_a_signed_in_session_cannot_end_a_deal(client, login, world):
    login(world.users["officer_a"])
    response = client.post(f"{API}/proposals/{world.barter_ab.id}/complete", json={})
    assert_error(response, 401, "unauthorized")
    assert fresh(world).state == "confirmed"


BAD_COMPLETIONS = [
    (
        lambda leg, other: {"legs": [{"leg_id": leg, "delivered_quantity": -1}]},
        "legs[0].delivered_quantity",
    ),
    (
        lambda leg, other: {"legs": [{"leg_id": leg, "delivered_quantity": 0}]},
        "legs[0].delivered_quantity",
    ),
    (
        lambda leg, other: {"legs": [{"leg_id": leg, "delivered_quantity": 10.5}]},
        "legs[0].delivered_quantity",
    ),
    (
        lambda leg, other: {
            "legs": [
                {"leg_id": leg, "delivered_quantity": 1},
                {"leg_id": 99999, "delivered_quantity": 1},
            ]
        },
        "legs[1].leg_id",
    ),
    (lambda leg, other: {"legs": [{"leg_id": other, "delivered_quantity": 1}]}, "legs[0].leg_id"),
    (
        lambda leg, other: {"legs": [{"leg_id": str(leg), "delivered_quantity": 1}]},
        "legs[0].leg_id",
    ),
    (
        lambda leg, other: {"legs": [{"leg_id": leg, "delivered_quantity": "5"}]},
        "legs[0].delivered_quantity",
    ),
    (
        lambda leg, other: {"legs": [{"leg_id": leg, "delivered_quantity": True}]},
        "legs[0].delivered_quantity",
    ),
    (lambda leg, other: {"legs": [{"leg_id": leg, "delivered_quantity": 1}] * 2}, "legs[1].leg_id"),
    (lambda leg, other: {"legs": {"leg_id": leg}}, "legs"),
    (lambda leg, other: {"legs": [7]}, "legs[0]"),
    (lambda leg, other: {"version": "3"}, "version"),
]


@pytest.mark.parametrize(("body", "field"), BAD_COMPLETIONS)
def test_a_bad_completion_names_the_field_and_changes_nothing(client, world, body, field):
    leg = leg_ids(world)[world.offer_a.id]
    other_leg = leg_ids_of(world.trade_bc)
    headers = bearer(world.users["officer_a"])
    before = fingerprint()
    response = client.post(
        f"{API}/proposals/{world.barter_ab.id}/complete", headers=headers, json=body(leg, other_leg)
    )
    error = assert_error(response, 422, "validation_failed")
    assert error["details"][0]["field"] == field
    assert fingerprint() == before


def leg_ids_of(p: Proposal) -> int:
    db.session.expire_all()
    return db.session.get(Proposal, p.id).legs[0].id


def test_a_body_that_is_not_an_object_is_a_400(client, world):
    headers = {**bearer(world.users["officer_a"]), "Content-Type": "application/json"}
    before = fingerprint()
    response = client.post(
        f"{API}/proposals/{world.barter_ab.id}/complete",
        headers=headers,
        data="[1, 2]",
    )
    assert_error(response, 400, "bad_request")
    assert fingerprint() == before


@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": 5}, {"reason": "x" * 501}])
def test_a_cancellation_needs_a_reason(client, world, body):
    headers = bearer(world.users["officer_b"])
    before = fingerprint()
    response = client.post(
        f"{API}/proposals/{world.barter_ab.id}/cancel",
        headers=headers,
        json=body,
    )
    error = assert_error(response, 422, "validation_failed")
    assert error["details"][0]["field"] == "reason"
    assert fingerprint() == before


def test_a_party_cancels_and_the_event_names_it(client, world):
    response = client.post(
        f"{API}/proposals/{world.barter_ab.id}/cancel",
        headers=bearer(world.users["officer_b"]),
        json={"reason": "Gudang terbakar"},
    )
    assert response.get_json()["state"] == "cancelled"
    event = fresh(world).events[-1]
    assert (event.reason, event.pesantren_id, event.channel) == (
        "Gudang terbakar",
        world.b.id,
        "api",
    )


def test_open_proposals_and_stale_versions_are_conflicts(client, app):
    world = build_world()  # barter_ab published, not confirmed
    officer, facilitator = bearer(world.users["officer_a"]), bearer(world.users["facilitator"])
    url = f"{API}/proposals/{world.barter_ab.id}"
    before = fingerprint()
    assert_error(client.post(f"{url}/complete", headers=officer, json={}), 409, "invalid_state")
    assert_error(
        client.post(f"{url}/cancel", headers=officer, json={"reason": "x"}), 409, "invalid_state"
    )
    assert_error(client.post(f"{url}/complete", headers=facilitator, json={}), 409, "invalid_state")
    assert fingerprint() == before
    stale = client.post(f"{url}/cancel", headers=facilitator, json={"reason": "x", "version": 0})
    assert_error(stale, 409, "conflict")
    ok = client.post(f"{url}/cancel", headers=facilitator, json={"reason": "Data salah"})
    assert ok.get_json()["state"] == "cancelled"
