"""The proposal page ends a confirmed deal: "Mark completed" with the delivered quantities and
"Cancel deal" with a reason, for a party's officer or a facilitator; bad input changes nothing."""

from __future__ import annotations

import re

import pytest

from tests.webapp.app_helpers import csrf_token as _csrf
from tests.webapp.app_helpers import other_app
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


def state(world) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, world.barter_ab.id)


def legs(world):
    return {leg.offer_id: leg for leg in state(world).legs}


def test_a_party_sees_both_forms_pre_filled_with_the_agreed_quantities(client, login, world):
    login(world.users["officer_a"])
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    for leg in state(world).legs:
        assert re.search(rf'name="delivered_{leg.id}" value="10"', page)
    assert "Tandai selesai" in page
    assert "Batalkan kesepakatan" in page
    english = client.get(f"/usulan/{world.barter_ab.id}?lang=en").get_data(as_text=True)
    assert "Mark completed" in english
    assert "Cancel deal" in english


def test_no_deal_forms_while_the_proposal_is_open(client, login, app):
    world = build_world()
    login(world.users["officer_a"])
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    assert "delivered_" not in page
    before = fingerprint()
    response = client.post(f"/usulan/{world.barter_ab.id}/batalkan", data={"reason": "x"})
    assert response.status_code == 302
    assert fingerprint() == before
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    assert "tidak dapat diubah" in page


def test_completing_with_a_smaller_delivery_records_it(client, login, world):
    login(world.users["officer_b"])
    fish = legs(world)[world.offer_b.id]
    response = client.post(
        f"/usulan/{world.barter_ab.id}/selesai", data={f"delivered_{fish.id}": "7,5"}
    )
    assert response.status_code == 302
    p = state(world)
    assert p.state == "completed"
    delivered = {leg.offer_id: float(leg.delivered_quantity) for leg in p.legs}
    assert delivered == {world.offer_b.id: 7.5, world.offer_a.id: 10.0}
    assert p.events[-1].pesantren_id == world.b.id
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    assert "Kesepakatan ditandai selesai" in page
    assert "7,5" in page  # the delivered quantity is shown


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "lebih dari 0"),
        ("0", "lebih dari 0"),
        ("10.5", "lebih dari 0"),
        ("banyak", "bukan angka"),
    ],
)
def test_a_bad_delivered_quantity_is_shown_at_its_leg_and_changes_nothing(
    client, login, world, value, message
):
    login(world.users["officer_a"])
    leg = legs(world)[world.offer_a.id]
    before = fingerprint()
    response = client.post(
        f"/usulan/{world.barter_ab.id}/selesai", data={f"delivered_{leg.id}": value}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(rf'id="delivered_{leg.id}-error">([^<]*)<', page)
    assert error is not None
    assert message in error.group(1)
    # the leg is named by its product and parties (its id means nothing to the reader)
    assert f"{leg.product.name_id}, {leg.giver.name} → {leg.receiver.name}" in error.group(1)
    assert f'value="{value}"' in page  # what was typed stays in the field
    assert fingerprint() == before


def test_a_forged_leg_is_refused_and_changes_nothing(client, login, world):
    login(world.users["officer_a"])
    before = fingerprint()
    response = client.post(f"/usulan/{world.barter_ab.id}/selesai", data={"delivered_99999": "1"})
    assert response.status_code == 400
    assert "99999" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_a_party_cancels_with_a_reason(client, login, world):
    login(world.users["officer_a"])
    before = fingerprint()
    response = client.post(f"/usulan/{world.barter_ab.id}/batalkan", data={"reason": " "})
    assert response.status_code == 400
    assert fingerprint() == before
    response = client.post(f"/usulan/{world.barter_ab.id}/batalkan", data={"reason": "Panen gagal"})
    assert response.status_code == 302
    p = state(world)
    assert (p.state, p.events[-1].reason, p.events[-1].pesantren_id) == (
        "cancelled",
        "Panen gagal",
        world.a.id,
    )


def test_a_facilitator_ends_a_deal_from_the_same_page(client, login, world):
    login(world.users["facilitator"])
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    assert "delivered_" in page
    assert client.post(f"/usulan/{world.barter_ab.id}/selesai").status_code == 302
    assert state(world).state == "completed"


def test_an_officer_of_another_pesantren_cannot_see_or_end_the_deal(client, login, world):
    from tests.factories import make_user

    outsider = make_user("officer", world.c)
    login(outsider)
    before = fingerprint()
    assert client.post(f"/usulan/{world.barter_ab.id}/selesai").status_code == 404
    assert (
        client.post(f"/usulan/{world.barter_ab.id}/batalkan", data={"reason": "x"}).status_code
        == 404
    )
    assert fingerprint() == before


@pytest.mark.parametrize("url", ["selesai", "batalkan"])
def test_without_the_csrf_token_a_post_is_refused(app, app_config, world, url):
    with other_app(app_config, WTF_CSRF_ENABLED=True) as (_, client):
        with client.session_transaction() as session:
            session["_user_id"] = world.users["officer_a"].get_id()
        before = fingerprint()
        response = client.post(f"/usulan/{world.barter_ab.id}/{url}", data={"reason": "x"})
        assert response.status_code == 400
        assert fingerprint() == before
        page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
        response = client.post(
            f"/usulan/{world.barter_ab.id}/{url}",
            data={"reason": "Truk rusak", "csrf_token": _csrf(page)},
        )
        assert response.status_code == 302
        assert state(world).state in ("completed", "cancelled")


def test_the_listing_page_shows_what_is_still_free_after_the_delivery(client, login, world):
    login(world.users["officer_b"])
    page = client.get("/saya/listing").get_data(as_text=True)
    assert "Masih tersedia: 90 kg per bulan (10 terpakai" in page  # confirmed: all 10 held
    fish = legs(world)[world.offer_b.id]
    client.post(f"/usulan/{world.barter_ab.id}/selesai", data={f"delivered_{fish.id}": "4"})
    page = client.get("/saya/listing").get_data(as_text=True)
    assert "Masih tersedia: 96 kg per bulan (4 terpakai" in page  # 6 kg came back


def test_the_facilitator_dashboard_flags_a_deal_not_completed_in_time(client, login, world):
    import datetime as dt

    from webapp.models import utcnow

    login(world.users["facilitator"])
    page = client.get("/fasilitator/").get_data(as_text=True)
    assert "Tidak ada kesepakatan terkonfirmasi yang lebih lama dari 6 minggu" in page
    event = next(e for e in state(world).events if e.to_state == "confirmed")
    event.at = utcnow() - dt.timedelta(weeks=7)
    db.session.commit()
    page = client.get("/fasilitator/").get_data(as_text=True)
    section = page[page.index('id="overdue-deals"') :]
    assert "1 kesepakatan terkonfirmasi belum diselesaikan dalam 6 minggu" in section
    assert f'href="/usulan/{world.barter_ab.id}#deal"' in section
    assert "49 hari lalu" in section
    client.post(f"/usulan/{world.barter_ab.id}/selesai")
    page = client.get("/fasilitator/").get_data(as_text=True)
    assert f'href="/usulan/{world.barter_ab.id}#deal"' not in page
