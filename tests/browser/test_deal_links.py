"""At phone width (390 px) in headless Chromium: an officer's proposal page offers a
WhatsApp message in the other party's language with its view link; that party, without an
account, opens it, has its answer link emailed to its own address (a real SMTP server on
loopback) and answers through it (CSRF on, as in production)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import PASSWORD, serve, shoot, sign_in
from tests.webapp.report_helpers import SmtpServer, start_smtp

pytestmark = pytest.mark.browser


def _prepare() -> dict[str, Any]:
    from tests.factories import make_user
    from tests.webapp.answer_data import build_deal
    from webapp.models import utcnow

    deal = build_deal(respond_by=utcnow() + dt.timedelta(days=7))
    make_user("officer", deal.batu, email="batu@opop.test", name="Ahmad", password=PASSWORD)
    from webapp.models import db

    db.session.commit()
    return {"barter_id": deal.barter.id}


@pytest.fixture(scope="module")
def mailbox() -> Iterator[SmtpServer]:
    server = start_smtp()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deal_server(
    tmp_path_factory: pytest.TempPathFactory, mailbox: SmtpServer
) -> Iterator[tuple[str, dict[str, Any]]]:
    smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": mailbox.port}
    with serve(tmp_path_factory, "deal_links", _prepare, config=smtp) as (_, base_url, facts):
        yield base_url, facts


def _phone(browser: Any, base_url: str) -> Any:
    return browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_whatsapp_link_at_phone_width_leads_the_other_party_to_answer_without_login(
    browser, deal_server, mailbox
):
    base_url, facts = deal_server
    officer = _phone(browser, base_url)
    try:
        page = officer.new_page()
        sign_in(page, "batu@opop.test")
        page.goto(f"/usulan/{facts['barter_id']}")
        button = page.locator("#contacts a.whatsapp")
        button.scroll_into_view_if_needed()
        assert button.is_visible()
        box = button.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
        _fits(page)
        shoot(page, "proposal-contact-phone")
        href = button.get_attribute("href")
        assert href.startswith("https://wa.me/6281231110102?text=")
        text = parse_qs(urlsplit(href).query)["text"][0]
        assert "10 kwintal (1,000 kg) per month of Rice" in text  # Sumenep reads English
        view_path = urlsplit(text.rsplit(" ", 1)[1]).path
        assert view_path.startswith("/lihat/")  # not Sumenep's answer link: Batu holds it
    finally:
        officer.close()

    recipient = _phone(browser, base_url)  # another phone, never signed in
    try:
        page = recipient.new_page()
        page.goto(view_path)
        assert "Rice" in page.inner_text("main")
        assert page.locator("form[action^='/jawab/']").count() == 0
        _fits(page)
        shoot(page, "view-link-phone")
        page.click("#answer button[type=submit]")
        page.wait_for_load_state()
        assert "The answer link is on its way to o•••e@nurulhuda.sch.id" in page.inner_text("main")
        (msg,) = mailbox.handler.by_recipient()["office@nurulhuda.sch.id"]
        body = msg.get_body(preferencelist=("plain",)).get_content()
        answer_path = urlsplit(next(w for w in body.split() if "/jawab/" in w)).path
        page.goto(answer_path)
        assert "Rice" in page.inner_text("main")
        _fits(page)
        shoot(page, "answer-link-phone")
        page.click("button[name=accept]")
        page.wait_for_load_state()
        assert "Thank you, your answer is recorded" in page.inner_text("main")
        assert "/masuk" not in page.url
        page.goto(answer_path)  # the link is spent
        assert "You have already answered this proposal" in page.inner_text("main")
    finally:
        recipient.close()
