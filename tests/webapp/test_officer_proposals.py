"""Proposals: legs, values and balances; accept and decline through the state machine."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.webapp.authz import build_world, proposal
from webapp.models import MatchRound, Proposal, ProposalEvent, db


@pytest.fixture
def world(app):
    return build_world()


def test_detail_shows_who_gives_what_its_value_and_the_balance(client, login, world):
    login(world.users["officer_a"])
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    assert "Pondok Apel Batu" in page
    assert "Pondok Bahari Sumenep" in page
    assert "Keripik apel" in page
    assert "Ikan asin" in page
    assert "10 kg" in page
    assert "Rp 500.000" in page
    assert "Rp 0" in page  # a value-balanced barter: the balance is nil for both
    assert "Saling melengkapi" in page
    assert "Dekat" in page
    assert 'name="accept"' in page
    assert 'name="reason"' in page


def test_reasons_follow_the_reader_language(client, login, world):
    login(world.users["officer_a"])
    page = client.get(f"/usulan/{world.barter_ab.id}?lang=en").get_data(as_text=True)
    assert "Complementary" in page
    assert "Close by" in page


def test_two_officers_accept_and_the_barter_is_confirmed(client, login, world):
    login(world.users["officer_a"])
    client.post(f"/usulan/{world.barter_ab.id}/terima")
    db.session.expire_all()
    assert db.session.get(Proposal, world.barter_ab.id).state == "accepted_by_some"
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    assert 'name="accept"' not in page  # already answered
    login(world.users["officer_b"])
    client.post(f"/usulan/{world.barter_ab.id}/terima")
    db.session.expire_all()
    assert db.session.get(Proposal, world.barter_ab.id).state == "confirmed"
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    assert "terkonfirmasi" in page
    assert world.users["officer_a"].name in page
    assert world.users["officer_b"].name in page


def test_decline_with_a_reason_is_recorded_and_shown(client, login, world):
    login(world.users["officer_b"])
    response = client.post(f"/usulan/{world.barter_ab.id}/tolak", data={"reason": "distance"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, world.barter_ab.id).state == "declined"
    event = db.session.scalars(
        db.select(ProposalEvent).filter_by(proposal_id=world.barter_ab.id, action="decline")
    ).one()
    assert event.user_id == world.users["officer_b"].id
    assert "distance" in event.reason
    page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
    assert "ditolak" in page
    assert "Jarak" in page


def test_decline_with_an_unknown_reason_changes_nothing(client, login, world):
    login(world.users["officer_b"])
    response = client.post(f"/usulan/{world.barter_ab.id}/tolak", data={"reason": "bored"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Proposal, world.barter_ab.id).state == "published"


def test_a_conflict_is_explained_and_changes_nothing(client, login, world):
    # Another proposal already holds A's whole offer: confirming this one would over-commit it.
    rnd = db.session.get(MatchRound, world.round.id)
    other = proposal(rnd, [(world.offer_a, world.need_b, "")], kind="trade", state="confirmed")
    for leg in other.legs:
        leg.quantity = Decimal("100")
    for party in other.parties:
        party.response = "accepted"
    db.session.commit()
    login(world.users["officer_a"])
    client.post(f"/usulan/{world.barter_ab.id}/terima")
    login(world.users["officer_b"])
    response = client.post(f"/usulan/{world.barter_ab.id}/terima", follow_redirects=True)
    assert "Jawaban Anda tidak tersimpan" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Proposal, world.barter_ab.id).state == "accepted_by_some"


def test_officer_lists_only_published_proposals_of_their_pesantren(client, login, world):
    login(world.users["officer_a"])
    page = client.get("/usulan").get_data(as_text=True)
    assert f"#{world.barter_ab.id}<" in page
    assert f"#{world.draft_ab.id}<" not in page
    assert f"#{world.trade_bc.id}<" not in page
    login(world.users["facilitator"])
    page = client.get("/usulan").get_data(as_text=True)
    assert all(f"#{p.id}<" in page for p in (world.barter_ab, world.draft_ab, world.trade_bc))


def test_dashboard_lists_the_proposal_awaiting_my_answer(client, login, world):
    login(world.users["officer_a"])
    page = client.get("/saya").get_data(as_text=True)
    assert f"/usulan/{world.barter_ab.id}" in page
    assert f"/usulan/{world.draft_ab.id}" not in page


def test_officers_never_see_a_draft_nor_one_vetoed_before_publication(client, login) -> None:
    from tests.webapp.round_helpers import make_pair
    from webapp import proposals as service

    pair = make_pair("draft")
    login(pair.officer_coast)
    assert client.get(f"/usulan/{pair.proposal.id}").status_code == 404
    service.veto(pair.proposal, pair.facilitator, "alasan internal fasilitator")
    page = client.get(f"/usulan/{pair.proposal.id}")
    assert page.status_code == 404
    assert "alasan internal" not in client.get("/usulan").get_data(as_text=True)
