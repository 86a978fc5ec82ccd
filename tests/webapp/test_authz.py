"""Every route × every role gets exactly the expected answer, and a refused request changes
nothing. The table lives in ``tests/webapp/authz.py`` (plus any ``authz_<area>.py``)."""

from __future__ import annotations

import pytest

from tests.webapp import authz
from tests.webapp.authz import ROLES, build_world, fingerprint

MATRIX = authz.all_routes()
CASES = [
    pytest.param(route, role, id=f"{route.id} as {role}") for route in MATRIX for role in ROLES
]


@pytest.mark.parametrize(("route", "role"), CASES)
def test_route_answers_each_role_as_the_matrix_says(client, login, route, role):
    world = build_world()
    user = world.users[role]
    if user is not None:
        login(user)
    url = route.url(world)
    data = route.data(world) if route.data else None
    before = fingerprint()
    response = client.open(url, method=route.method, data=data)
    assert response.status_code == route.expected[role], response.get_data(as_text=True)[:500]
    visitor_write = role == "visitor" and route.method != "GET" and not route.visitor_may_write
    if response.status_code >= 400 or visitor_write:
        assert fingerprint() == before, "a refused request changed the database"


def test_matrix_covers_every_route_the_app_registers(app):
    covered = {route.endpoint for route in MATRIX}
    registered = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = registered - covered - authz.EXEMPT_ENDPOINTS
    assert not missing, f"add rows to the authorisation matrix for: {sorted(missing)}"


def test_officer_cannot_move_a_listing_to_another_pesantren_through_the_form(client, login):
    world = build_world()
    login(world.users["officer_b"])
    response = client.post(
        f"/saya/listing/{world.need_b.id}/ubah",
        data={
            "product": "keripik-apel",
            "quantity": "7",
            "unit": "kg",
            "period": "month",
            "pesantren": world.a.nspp,
        },
    )
    assert response.status_code == 302
    from webapp.models import Listing, db

    db.session.expire_all()
    listing = db.session.get(Listing, world.need_b.id)
    assert listing.pesantren_id == world.b.id
    assert listing.quantity == 7


def test_visitor_sees_no_contact_but_a_signed_in_officer_does(client, login):
    world = build_world()
    page = client.get(f"/pesantren/{world.b.id}").get_data(as_text=True)
    assert world.b.whatsapp not in page
    assert world.b.email not in page
    login(world.users["officer_a"])
    page = client.get(f"/pesantren/{world.b.id}").get_data(as_text=True)
    assert f"https://wa.me/{world.b.whatsapp}" in page
    assert world.b.email in page
