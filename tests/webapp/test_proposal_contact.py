"""Contact where the deal is: each other party's contact person, a WhatsApp link whose
prefilled text is in the recipient's language (products, trade-unit and base-unit
quantities, value, the recipient's view link; a facilitator's message carries the
recipient's answer link), email, and what happens next."""

from __future__ import annotations

import datetime as dt
import doctest
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import webapp.contact
from tests.factories import make_user
from tests.webapp.answer_data import build_deal
from webapp.answer_links import answer_token, answer_url, view_url
from webapp.models import PROPOSAL_STATES, db, utcnow
from webapp.proposal_contact import NEXT_STEPS


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["BASE_URL"] = "https://opop.example.id"
    return app_config


def soon() -> dt.datetime:
    return utcnow() + dt.timedelta(days=7)


def hrefs(page: str, prefix: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', page) if h.startswith(prefix)]


def whatsapp_text(href: str) -> str:
    return parse_qs(urlsplit(href).query)["text"][0]


def test_whatsapp_text_is_in_the_recipients_language_with_trade_units_and_its_link(client, login):
    deal = build_deal(respond_by=soon())
    login(make_user("officer", deal.batu, name="Ahmad", language="id"))

    page = client.get(f"/usulan/{deal.barter.id}").get_data(as_text=True)

    links = hrefs(page, "https://wa.me/")
    assert len(links) == 1  # one other party: Sumenep, never oneself
    assert links[0].startswith("https://wa.me/6281231110102?text=")
    text = whatsapp_text(links[0])
    assert unquote(urlsplit(links[0]).query).removeprefix("text=") == text
    # Sumenep reads English: its products, its own trade unit (it buys rice in kwintal).
    assert text.startswith("Assalamu'alaikum, Ustadzah Aminah.")
    assert "I am Ahmad from Pondok Al-Hikmah Batu." in text
    assert (
        "Pondok Al-Hikmah Batu supplies 10 kwintal (1,000 kg) per month of Rice to "
        "Pondok Nurul Huda Sumenep" in text
    )
    assert "50 kg per month of Salted fish" in text
    assert "Rp 15,000,000 per month" in text
    # Sumenep's view link, not its answer link: Batu must not be able to answer for it.
    assert text.endswith(view_url(deal.barter.id, deal.sumenep.id))
    assert "/jawab/" not in page
    assert "Please answer by" in text
    # The page itself speaks the officer's language, with the officer's own trade unit.
    assert "20 karung (1.000 kg)" in page
    assert "Ustadzah Aminah" in page
    mail = hrefs(page, "mailto:")
    assert len(mail) == 1
    assert mail[0].startswith("mailto:office@nurulhuda.sch.id?subject=")
    assert parse_qs(urlsplit(mail[0]).query)["body"][0] == text


def test_an_indonesian_recipient_gets_indonesian_text_and_its_number_normalised(client, login):
    deal = build_deal(respond_by=soon())
    login(make_user("officer", deal.sumenep, name="Aminah", language="en"))

    page = client.get(f"/usulan/{deal.barter.id}").get_data(as_text=True)

    (link,) = hrefs(page, "https://wa.me/")
    assert link.startswith("https://wa.me/6281231110101?text=")  # stored as 0812…
    text = whatsapp_text(link)
    assert text.startswith("Assalamu'alaikum, Ustadz Fauzi.")
    assert "Saya Aminah dari Pondok Nurul Huda Sumenep." in text
    assert (
        "Pondok Al-Hikmah Batu memasok 20 karung (1.000 kg) per bulan Beras kepada "
        "Pondok Nurul Huda Sumenep" in text
    )
    assert "Ikan asin" in text
    assert "Mohon jawab sebelum" in text
    assert text.endswith(view_url(deal.barter.id, deal.batu.id))
    assert "What happens next" in page  # the page is in the officer's English
    assert str(NEXT_STEPS["published"]) in page


def test_a_facilitator_sees_every_party_and_a_draft_links_to_its_page(client, login):
    deal = build_deal(respond_by=None)
    deal.barter.state = "draft"
    deal.barter.round.published_at = None
    db.session.commit()
    login(make_user("facilitator", None, name="Siti", language="id"))

    page = client.get(f"/usulan/{deal.barter.id}").get_data(as_text=True)

    links = hrefs(page, "https://wa.me/")
    assert len(links) == 2
    for link in links:
        text = whatsapp_text(link)
        assert "/jawab/" not in text  # a draft has no answer link yet
        assert text.endswith(f"https://opop.example.id/usulan/{deal.barter.id}")
    assert "Fasilitator memeriksa usulan ini" in page


def test_a_facilitator_sends_each_party_its_own_answer_link(client, login):
    # How a pesantren without an email address answers: the facilitator's WhatsApp.
    deal = build_deal(respond_by=soon())
    login(make_user("facilitator", None, name="Siti", language="id"))

    page = client.get(f"/usulan/{deal.barter.id}").get_data(as_text=True)

    texts = {link.split("?")[0]: whatsapp_text(link) for link in hrefs(page, "https://wa.me/")}
    assert texts["https://wa.me/6281231110101"].endswith(answer_url(deal.barter.id, deal.batu.id))
    assert texts["https://wa.me/6281231110102"].endswith(
        answer_url(deal.barter.id, deal.sumenep.id)
    )
    assert "I am Siti, OPOP facilitator." in texts["https://wa.me/6281231110102"]


def test_every_state_says_what_happens_next_in_both_languages(app):
    from flask_babel import force_locale

    assert set(NEXT_STEPS) == set(PROPOSAL_STATES)
    with app.test_request_context():
        for state, sentence in NEXT_STEPS.items():
            with force_locale("id"):
                indonesian = str(sentence)
            with force_locale("en"):
                english = str(sentence)
            assert indonesian != english, state


def test_the_answer_link_page_shows_the_other_partys_contact(client):
    deal = build_deal(respond_by=soon())
    page = client.get(f"/jawab/{answer_token(deal.barter.id, deal.batu.id)}").get_data(as_text=True)
    (link,) = hrefs(page, "https://wa.me/")
    assert link.startswith("https://wa.me/6281231110102?text=")
    text = whatsapp_text(link)
    assert "10 kwintal (1,000 kg) per month of Rice" in text
    # Whoever holds Batu's link must not learn Sumenep's: it would answer for Sumenep.
    assert "/jawab/" not in text
    assert text.endswith(view_url(deal.barter.id, deal.sumenep.id))
    assert "Ustadzah Aminah" in page
    assert hrefs(page, "mailto:office@nurulhuda.sch.id")


def test_search_and_proposal_page_build_whatsapp_links_with_one_helper():
    from webapp import proposal_contact
    from webapp.views.officer import search

    assert search.whatsapp_link is webapp.contact.whatsapp_link
    assert proposal_contact.whatsapp_link is webapp.contact.whatsapp_link
    results = doctest.testmod(webapp.contact)
    assert results.attempted >= 5
    assert results.failed == 0
