"""View links: what the other parties' WhatsApp messages carry (``/lihat/<token>``).

A view link shows the proposal as its party sees it; it cannot answer, and its one button
emails the party's answer link to the party's own registered address, never to the page,
rate-limited per link. The emails go through a real SMTP server on loopback and are read
with the stdlib ``email`` parser."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.webapp.answer_data import build_deal
from tests.webapp.app_helpers import other_app
from webapp.answer_links import answer_token, answer_url, view_token
from webapp.models import ProposalEvent, db, utcnow
from webapp.proposals import accept


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: Any) -> dict[str, Any]:
    return {
        **app_config,
        "BASE_URL": "https://opop.example.id",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp.port,
    }


def soon() -> dt.datetime:
    return utcnow() + dt.timedelta(days=7)


def view_path(deal: Any, pesantren: Any) -> str:
    return f"/lihat/{view_token(deal.barter.id, pesantren.id)}"


def test_the_view_page_shows_the_proposal_but_never_an_answer_link(client):
    deal = build_deal(respond_by=soon())
    response = client.get(view_path(deal, deal.sumenep))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A proposal for Pondok Nurul Huda Sumenep" in page  # Sumenep reads English
    assert "10 kwintal (1,000 kg)" in page  # in Sumenep's own trade unit
    assert "o•••e@nurulhuda.sch.id" in page  # enough to recognise, too little to harvest
    assert "office@nurulhuda.sch.id" not in page.replace("mailto:office@nurulhuda.sch.id", "")
    assert "/jawab/" not in page
    assert 'action="/lihat/' in page  # the button that emails the link
    assert not re.search(r'action="/jawab/', page)


def test_the_button_emails_the_answer_link_to_the_partys_own_address(client, smtp):
    deal = build_deal(respond_by=soon())
    path = view_path(deal, deal.sumenep)

    response = client.post(path + "/kirim", follow_redirects=True)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The answer link is on its way to o•••e@nurulhuda.sch.id" in page
    assert "/jawab/" not in page
    (msg,) = smtp.handler.by_recipient()["office@nurulhuda.sch.id"]
    assert [rcpts for rcpts, _ in smtp.handler.received] == [["office@nurulhuda.sch.id"]]
    assert msg["Subject"] == f"OPOP Match: your link to answer Barter pair #{deal.barter.id}"
    assert msg["Content-Language"] == "en"
    assert msg["Auto-Submitted"] == "auto-generated"
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "Pondok Al-Hikmah Batu supplies 10 kwintal (1,000 kg) per month of Rice" in body
    link = answer_url(deal.barter.id, deal.sumenep.id)
    assert link in body
    # ... and the emailed link answers, without a login.
    answer_page = client.get(link.removeprefix("https://opop.example.id"))
    assert answer_page.status_code == 200
    assert 'action="/jawab/' in answer_page.get_data(as_text=True)


def test_the_email_is_in_the_partys_language(client, smtp):
    deal = build_deal(respond_by=soon())
    client.post(view_path(deal, deal.batu) + "/kirim")
    (msg,) = smtp.handler.by_recipient()["kontak@alhikmah-batu.sch.id"]
    assert (
        msg["Subject"] == f"OPOP Match: tautan Anda untuk menjawab Barter berdua #{deal.barter.id}"
    )
    assert msg["Content-Language"] == "id"
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert answer_url(deal.barter.id, deal.batu.id) in body


@pytest.mark.parametrize("kind", ["garbled", "answer_token_as_view", "view_token_as_answer"])
def test_a_link_of_the_wrong_kind_or_forged_is_refused(client, smtp, kind):
    deal = build_deal(respond_by=soon())
    path = {
        "garbled": view_path(deal, deal.sumenep)[:-3] + "xyz",
        "answer_token_as_view": f"/lihat/{answer_token(deal.barter.id, deal.sumenep.id)}",
        "view_token_as_answer": f"/jawab/{view_token(deal.barter.id, deal.sumenep.id)}",
    }[kind]
    assert client.get(path).status_code == 400
    action = "/terima" if path.startswith("/jawab/") else "/kirim"
    assert client.post(path + action).status_code == 400
    assert smtp.handler.received == []
    assert deal.barter.parties[1].response == "pending"


def test_a_draft_has_no_view_page(client):
    deal = build_deal(respond_by=None)
    deal.barter.state = "draft"
    deal.barter.round.published_at = None
    db.session.commit()
    assert client.get(view_path(deal, deal.sumenep)).status_code == 400


def test_once_answered_the_page_says_so_and_sends_nothing(client, smtp):
    deal = build_deal(respond_by=soon())
    accept(deal.barter, deal.sumenep.id, None, channel="link")
    db.session.commit()
    path = view_path(deal, deal.sumenep)

    page = client.get(path).get_data(as_text=True)
    assert "You have already answered this proposal" in page
    assert 'action="/lihat/' not in page

    assert client.post(path + "/kirim").status_code == 409
    assert smtp.handler.received == []


def test_a_pesantren_without_email_is_told_to_ask_its_facilitator(client, smtp):
    deal = build_deal(respond_by=soon())
    deal.sumenep.email = ""
    db.session.commit()
    path = view_path(deal, deal.sumenep)
    page = client.get(path).get_data(as_text=True)
    assert "Ask your OPOP facilitator to send it to you by WhatsApp." in page
    assert 'action="/lihat/' not in page
    assert client.post(path + "/kirim").status_code == 409
    assert smtp.handler.received == []


def test_a_refused_email_says_so_and_changes_nothing(client, smtp):
    deal = build_deal(respond_by=soon())
    smtp.handler.refuse.add("office@nurulhuda.sch.id")
    response = client.post(view_path(deal, deal.sumenep) + "/kirim")
    assert response.status_code == 503
    assert "could not be sent just now" in response.get_data(as_text=True)
    assert db.session.query(ProposalEvent).filter_by(action="accept").count() == 0


def test_the_button_is_csrf_protected(app_config, smtp):
    with other_app(app_config, WTF_CSRF_ENABLED=True) as (_, client):
        deal = build_deal(respond_by=soon())
        path = view_path(deal, deal.sumenep)
        assert client.post(path + "/kirim").status_code == 400
        assert smtp.handler.received == []
        page = client.get(path).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post(path + "/kirim", data={"csrf_token": csrf}).status_code == 302
        assert len(smtp.handler.received) == 1


def test_one_link_asks_for_its_email_a_few_times_an_hour(app_config, smtp):
    with other_app(
        app_config, RATELIMIT_ENABLED=True, RATELIMIT_ANSWER_LINK_EMAIL="2 per hour"
    ) as (_, client):
        deal = build_deal(respond_by=soon())
        path = view_path(deal, deal.sumenep)
        codes = [client.post(path + "/kirim").status_code for _ in range(3)]
        assert codes == [302, 302, 429]
        assert len(smtp.handler.received) == 2
        # another party's link has its own count
        assert client.post(view_path(deal, deal.batu) + "/kirim").status_code == 302
