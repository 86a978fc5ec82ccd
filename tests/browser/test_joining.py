"""A pesantren joins, in headless Chromium at phone width (390 px), CSRF on as in
production: the "Daftar" form from the front page → a facilitator approves the request →
the new officer opens the emailed activation link (a real SMTP server on loopback), sets a
password and signs in to find the offer it registered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PASSWORD, serve, shoot, sign_in
from tests.webapp.report_helpers import SmtpServer, start_smtp

pytestmark = pytest.mark.browser

FACILITATOR = "fasil@opop.test"
APPLICANT = "pengurus@alhikmah.sch.id"


def _prepare() -> dict[str, Any]:
    from tests import factories as f
    from webapp.models import db

    f.make_regency("3579")
    f.make_regency("3529")
    f.make_product("ikan-asin", name_id="Ikan asin", name_en="Salted fish")
    f.make_user("facilitator", email=FACILITATOR, name="Bu Fasil", password=PASSWORD)
    db.session.commit()
    return {}


@pytest.fixture(scope="module")
def mailbox() -> Iterator[SmtpServer]:
    server = start_smtp()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, mailbox: SmtpServer) -> Iterator[str]:
    config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": mailbox.port, "WTF_CSRF_ENABLED": True}
    with serve(tmp_path_factory, "joining", _prepare, config=config) as (_, base_url, _facts):
        yield base_url


def _phone(browser: Any, base_url: str) -> Any:
    return browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_daftar_approval_activation_and_sign_in(browser, site, mailbox):
    applicant = _phone(browser, site)
    try:
        page = applicant.new_page()
        page.goto("/?lang=en")
        page.click("a[href='/daftar']")
        page.wait_for_load_state()
        assert "Join OPOP Match" in page.inner_text("main")
        _fits(page)
        page.fill("input[name=name]", "Pondok Pesantren Al-Hikmah Batu")
        page.fill("input[name=nspp]", "512035790042")
        page.select_option("select[name=regency_code]", "3579")
        page.locator("svg[data-coordinate-picker] rect[data-name=Batu]").click()  # its capital
        lat = float(page.input_value("input[name=latitude]"))
        lon = float(page.input_value("input[name=longitude]"))
        assert abs(lat - -7.8707) < 0.03
        assert abs(lon - 112.5264) < 0.03
        shoot(page, "join-form-phone")
        page.fill("input[name=contact_name]", "Ust. Hasan")
        page.fill("input[name=whatsapp]", "0812 3456 7890")
        page.fill("input[name=email]", APPLICANT)
        page.select_option("select[name=language]", "en")
        page.fill("input[name=product]", "ikan asin")
        page.fill("input[name=quantity]", "-3")
        page.fill("input[name=unit]", "kg")
        page.fill("input[name=price]", "45000")
        page.click("form button[type=submit].primary")
        page.wait_for_load_state()
        assert "more than zero" in page.inner_text("main")  # the listing rules, at the field
        _fits(page)
        page.fill("input[name=quantity]", "300")
        page.click("form button[type=submit].primary")
        page.wait_for_load_state()
        assert "Request sent" in page.inner_text("main")
        shoot(page, "join-sent-phone")
    finally:
        applicant.close()

    facilitator = _phone(browser, site)
    try:
        page = facilitator.new_page()
        sign_in(page, FACILITATOR)
        page.goto("/fasilitator/pendaftaran?lang=en")
        card = page.locator(".join-request", has_text="Al-Hikmah Batu")
        assert "512035790042" in card.inner_text()
        _fits(page)
        shoot(page, "join-requests-phone")
        card.locator("button.primary").click()
        page.wait_for_load_state()
        assert f"the activation link was emailed to {APPLICANT}" in page.inner_text("main")
    finally:
        facilitator.close()

    (msg,) = mailbox.handler.by_recipient()[APPLICANT]
    assert msg["Subject"] == "OPOP Match: activate your account"
    body = msg.get_body(preferencelist=("plain",)).get_content()
    path = urlsplit(next(w for w in body.split() if "/masuk/aktifkan/" in w)).path

    officer = _phone(browser, site)
    try:
        page = officer.new_page()
        page.goto(path)
        page.fill("input[name=new]", "gudang-ikan-2026")
        page.fill("input[name=confirm]", "gudang-ikan-2026")
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        sign_in(page, APPLICANT, "gudang-ikan-2026")
        assert urlsplit(page.url).path == "/saya"
        page.goto("/saya/listing")
        assert "Salted fish" in page.inner_text("main")
        _fits(page)
        shoot(page, "joined-officer-listings-phone")
    finally:
        officer.close()
