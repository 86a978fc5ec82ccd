"""Personal answer links: a pesantren without an account answers from its email, no login;
forged, reused, expired, closed and other-party links are refused and change nothing."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.webapp.answer_data import build_deal
from webapp.answer_links import (
    LinkRefused,
    answer_token,
    answer_url,
    open_link,
    read_answer_token,
    response_deadline,
)
from webapp.models import Proposal, ProposalEvent, ProposalParty, User, db, utcnow


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["BASE_URL"] = "https://opop.example.id"
    return app_config


def soon() -> dt.datetime:
    return utcnow() + dt.timedelta(days=7)


def state_of(proposal: Proposal) -> tuple[str, list[tuple[int, str]], int]:
    """What an answer could change: the state, each party's response, the event count."""
    db.session.expire_all()
    p = db.session.get(Proposal, proposal.id)
    events = db.session.scalars(
        select(ProposalEvent).where(ProposalEvent.proposal_id == p.id)
    ).all()
    return p.state, [(pt.pesantren_id, pt.response) for pt in p.parties], len(events)


def _tampered(token: str) -> str:
    payload, signature = token.rsplit(".", 1)
    return f"{payload}.{'B' if signature[0] != 'B' else 'C'}{signature[1:]}"


def _link_from_email(path: Path) -> str:
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    links = re.findall(r"https://opop\.example\.id/jawab/[A-Za-z0-9_.\-]+", text)
    assert links, text
    assert f'href="{links[0]}"' in html  # the button carries the same link
    assert "/usulan/" not in text
    assert "/masuk" not in text
    return links[0]


def test_a_pesantren_without_an_account_answers_through_the_link_in_its_email(
    app, client, cli, tmp_path
):
    deal = build_deal(respond_by=soon())
    assert db.session.scalar(select(User)) is None  # nobody has an account
    result = cli("report", "weekly", "--dry-run", str(tmp_path))
    assert result.exit_code == 0, result.output
    link = _link_from_email(tmp_path / "kontak@alhikmah-batu.sch.id.eml")
    path = urlsplit(link).path

    page = client.get(path)
    body = page.get_data(as_text=True)
    assert page.status_code == 200, body
    assert "Pondok Al-Hikmah Batu" in body
    assert "Beras" in body
    assert "20 karung (1.000 kg)" in body  # Batu's own trade unit, and the base unit
    assert 'name="accept"' in body
    assert 'name="reason"' in body

    done = client.post(path + "/terima")
    assert done.status_code == 200, done.get_data(as_text=True)
    assert "Terima kasih, jawaban Anda sudah tercatat" in done.get_data(as_text=True)
    state, parties, _ = state_of(deal.barter)
    assert state == "accepted_by_some"
    assert (deal.batu.id, "accepted") in parties
    event = db.session.scalars(select(ProposalEvent).where(ProposalEvent.action == "accept")).one()
    assert (event.channel, event.pesantren_id, event.user_id) == ("link", deal.batu.id, None)
    party = db.session.get(ProposalParty, (deal.barter.id, deal.batu.id))
    assert party.responded_by_id is None
    assert party.responded_at is not None

    # The other party's link, from its own (English) email, confirms the barter.
    other = _link_from_email(tmp_path / "office@nurulhuda.sch.id.eml")
    assert other != link
    english = client.get(urlsplit(other).path).get_data(as_text=True)
    assert "Rice" in english
    assert "10 kwintal (1,000 kg)" in english
    assert client.post(urlsplit(other).path + "/terima").status_code == 200
    assert state_of(deal.barter)[0] == "confirmed"


def test_a_link_cannot_be_replayed_after_its_party_answered(app, client, login):
    deal = build_deal(respond_by=soon())
    path = f"/jawab/{answer_token(deal.barter.id, deal.batu.id)}"
    assert client.post(path + "/tolak", data={"reason": "price"}).status_code == 200
    after = state_of(deal.barter)
    assert after[0] == "declined"
    event = db.session.scalars(select(ProposalEvent)).one()
    assert (event.channel, event.reason) == ("link", "price")

    for method, url, data in (
        ("POST", path + "/terima", None),
        ("POST", path + "/tolak", {"reason": "quantity"}),
    ):
        again = client.open(url, method=method, data=data)
        assert again.status_code == 409
        text = again.get_data(as_text=True)
        assert "Anda sudah menjawab usulan ini" in text
        assert "You have already answered this proposal" in text  # both languages
    assert state_of(deal.barter) == after
    assert client.get(path).status_code == 409  # the page says so too, read-only

    # The proposal's history tells the facilitator the answer came through the link.
    login(make_user("facilitator", None))
    history = client.get(f"/usulan/{deal.barter.id}").get_data(as_text=True)
    assert "(melalui tautan jawaban)" in history


def test_tampered_forged_and_other_party_links_are_refused_and_change_nothing(app, client):
    deal = build_deal(respond_by=soon())
    before = state_of(deal.barter), state_of(deal.trade)
    mine = answer_token(deal.barter.id, deal.batu.id)
    theirs = answer_token(deal.barter.id, deal.sumenep.id)
    # Batu's signature on Sumenep's payload: another party's answer with Batu's link.
    swapped = theirs.split(".")[0] + "." + mine.split(".")[1]
    # A genuine token for Batu, used on a proposal Batu is no party to.
    not_a_party = answer_token(deal.trade.id, deal.batu.id)
    for bad in (_tampered(mine), swapped, not_a_party, "nonsense", mine[:-3]):
        for suffix, data in (("", None), ("/terima", None), ("/tolak", {"reason": "price"})):
            method = "GET" if not suffix else "POST"
            response = client.open(f"/jawab/{bad}{suffix}", method=method, data=data)
            assert response.status_code == 400, (bad, suffix)
            text = response.get_data(as_text=True)
            assert "Tautan ini tidak berlaku" in text
            assert "This link is not valid" in text
            assert "Pondok" not in text  # a refused link shows nothing of any proposal
    assert (state_of(deal.barter), state_of(deal.trade)) == before


def test_an_expired_link_is_refused_and_changes_nothing(app, client):
    deal = build_deal(respond_by=utcnow() - dt.timedelta(minutes=1))
    before = state_of(deal.barter)
    path = f"/jawab/{answer_token(deal.barter.id, deal.batu.id)}"
    for method, url in (("GET", path), ("POST", path + "/terima")):
        response = client.open(url, method=method)
        assert response.status_code == 410
        assert "The time to answer this proposal has passed" in response.get_data(as_text=True)
    assert state_of(deal.barter) == before


def test_without_respond_by_the_link_expires_with_the_rounds_publication_plus_the_setting(app):
    deal = build_deal(respond_by=None, published_days_ago=15)  # default: 14 days
    published = deal.barter.round.published_at
    assert response_deadline(deal.barter) == published + dt.timedelta(days=14)
    token = answer_token(deal.barter.id, deal.batu.id)
    with pytest.raises(LinkRefused) as refused:
        open_link(db.session, token, utcnow())
    assert refused.value.why == "expired"
    app.config["PROPOSAL_RESPONSE_DAYS"] = 30
    assert open_link(db.session, token, utcnow()).party.pesantren_id == deal.batu.id


def test_a_proposal_no_longer_open_refuses_its_pending_partys_link(app, client):
    deal = build_deal(respond_by=soon())
    other = answer_token(deal.barter.id, deal.sumenep.id)
    assert (
        client.post(
            f"/jawab/{answer_token(deal.barter.id, deal.batu.id)}/tolak",
            data={"reason": "distance"},
        ).status_code
        == 200
    )
    before = state_of(deal.barter)
    response = client.post(f"/jawab/{other}/terima")
    assert response.status_code == 409
    assert "This proposal can no longer be answered" in response.get_data(as_text=True)
    assert state_of(deal.barter) == before


def test_the_answer_forms_are_csrf_protected(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    deal = build_deal(respond_by=soon())
    path = f"/jawab/{answer_token(deal.barter.id, deal.batu.id)}"
    before = state_of(deal.barter)
    assert client.post(path + "/terima").status_code == 400  # no CSRF token
    assert state_of(deal.barter) == before
    page = client.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(path + "/terima", data={"csrf_token": csrf}).status_code == 200
    assert state_of(deal.barter)[0] == "accepted_by_some"


def test_the_link_route_is_rate_limited(app_config, tmp_path):
    from webapp import create_app

    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_ANSWER_LINK="3 per minute")
    limited = create_app(app_config)
    with limited.test_client() as client:
        codes = [client.get("/jawab/guess-" + str(i)).status_code for i in range(5)]
    assert codes == [400, 400, 400, 429, 429]


def test_tokens_bind_proposal_and_party_and_read_back(app):
    token = answer_token(12, 34)
    assert read_answer_token(token) == (12, 34)
    assert answer_url(12, 34) == f"https://opop.example.id/jawab/{token}"
    assert answer_token(12, 35) != token
    assert answer_token(13, 34) != token
