"""Messages that help: each says what is wrong in the reader's terms, and nothing more."""

from __future__ import annotations

import pytest

from tests.webapp.authz import build_world
from tests.webapp.officer_data import build_network
from webapp import proposals
from webapp.models import Proposal, ProposalEvent, db


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_unit_alias_is_named_as_typed_with_the_units_the_product_uses(client, login, app):
    net = build_network()
    login(net.officer_a)
    page = _text(
        client.get("/cari", query_string={"q": "ikan-asin", "quantity": "5", "unit": "gelas"})
    )
    assert (
        "Ikan asin tidak diukur dalam gelas. Gunakan salah satu: kg, karung, kwintal, g, ons, pon, ton."
        in page
    )
    assert "dalam pcs" not in page


def test_a_listing_in_a_unit_alias_names_it_as_typed(app):
    from webapp.listings import ListingInput, check_listing
    from webapp.models import Product

    build_network()
    fish = db.session.query(Product).filter_by(slug="ikan-asin").one()
    listing = ListingInput(kind="offer", quantity="3", unit="gelas", price="5000")
    with app.test_request_context("/"):
        verdict = check_listing(listing, fish, "en")
    messages = [p.message for p in verdict.problems if p.field == "unit"]
    assert messages == [
        "Salted fish is not measured in gelas. Use one of: kg, karung, kwintal, g, ons, pon, ton."
    ]


def test_a_negative_quantity_shows_only_the_error(client, login, app):
    net = build_network()
    login(net.officer_a)
    response = client.get("/cari", query_string={"q": "ikan-asin", "quantity": "-5"})
    page = _text(response)
    assert response.status_code == 400
    assert "Jumlah harus lebih dari nol." in page
    assert "Tidak ada pemasok" not in page


@pytest.mark.parametrize(
    ("net", "shown"),
    [(-0.3, "Rp 0"), (0.4, "Rp 0"), (-1500, "−Rp 1.500"), (2500.6, "+Rp 2.501")],
)
def test_a_balance_that_rounds_to_zero_has_no_sign(app, net, shown):
    from webapp.formatting import signed_rupiah

    with app.test_request_context("/"):
        assert signed_rupiah(net) == shown


def test_the_token_help_shows_the_placeholder(client, login, app):
    from tests import factories as f

    login(f.make_user("facilitator"))
    page = _text(client.get("/akun/token"))
    assert "Bearer &lt;token&gt;" in page


@pytest.fixture
def world(app):
    return build_world()


def test_the_decline_form_has_no_reason_chosen_and_a_note_box(client, login, world):
    login(world.users["officer_b"])
    page = _text(client.get(f"/usulan/{world.barter_ab.id}"))
    assert '<option selected value="">Pilih alasan</option>' in page
    assert 'name="note"' in page


def test_a_decline_without_a_reason_changes_nothing(client, login, world):
    login(world.users["officer_b"])
    response = client.post(f"/usulan/{world.barter_ab.id}/tolak", data={"reason": ""})
    assert response.status_code == 400
    assert "Pilih alasan." in _text(response)
    db.session.expire_all()
    assert db.session.get(Proposal, world.barter_ab.id).state == "published"


def test_other_needs_a_note_in_the_form(client, login, world):
    login(world.users["officer_b"])
    response = client.post(f"/usulan/{world.barter_ab.id}/tolak", data={"reason": "other"})
    assert response.status_code == 400
    assert "Anda memilih “Lainnya”" in _text(response)
    db.session.expire_all()
    assert db.session.get(Proposal, world.barter_ab.id).state == "published"


def test_other_with_a_note_is_recorded_with_it(client, login, world):
    login(world.users["officer_b"])
    client.post(
        f"/usulan/{world.barter_ab.id}/tolak",
        data={"reason": "other", "note": "gudang penuh"},
    )
    event = db.session.query(ProposalEvent).filter_by(action="decline").one()
    assert event.reason == "other: gudang penuh"


def test_other_needs_a_note_in_the_service_too(world):
    with pytest.raises(proposals.ProposalError, match="Other"):
        proposals.decline(world.barter_ab, world.users["officer_b"].pesantren_id, None, "other")
    assert world.barter_ab.state == "published"


def test_other_needs_a_note_in_the_api(client, app):
    from tests.webapp.facilitator_data import build_network as build_facilitator_network
    from tests.webapp.facilitator_data import stored_round
    from webapp import rounds as round_service
    from webapp.views.api.auth import issue_token

    net = build_facilitator_network()
    match_round = stored_round(net)
    round_service.publish_round(match_round, net.facilitator)
    cycle = next(p for p in match_round.proposals if p.kind == "barter_cycle")
    _, token = issue_token(net.officers["tuban"], "test")
    db.session.commit()
    response = client.post(
        f"/api/v1/proposals/{cycle.id}/decline",
        headers={"Authorization": f"Bearer {token}"},
        json={"reason": "other"},
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["details"][0]["field"]) == ("validation_failed", "note")
