"""End to end in headless Chromium: sign in, find a supplier, edit a need, accept a barter."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shoot, sign_in

pytestmark = pytest.mark.browser


def test_officer_finds_a_supplier_by_an_alias_and_sees_the_whatsapp_link(page, live_server):
    sign_in(page, live_server.officer_a)
    assert page.url.endswith("/saya")
    shoot(page, "dashboard-desktop")
    page.click("text=Cari pemasok")
    page.fill("input[name=q]", live_server.alias)
    page.fill("input[name=quantity]", "300")
    page.click("button:has-text('Cari')")
    page.wait_for_selector("article.result")
    link = page.locator("a.whatsapp").first.get_attribute("href")
    assert re.match(r"https://wa\.me/62\d+\?text=", link)
    assert "Kami%20mencari" in link
    assert "Ahmad%20Fauzi" in link
    shoot(page, "search-desktop")


def test_officer_edits_a_need(page, live_server):
    sign_in(page, live_server.officer_a)
    page.goto(f"/saya/listing/{live_server.need_a_id}/ubah")
    page.fill("input[name=quantity]", "-4")
    page.click("button:has-text('Simpan')")
    assert page.locator("#quantity-error").inner_text() == "Jumlah harus lebih dari nol."
    shoot(page, "listing-form-error-desktop")
    page.fill("input[name=quantity]", "777")
    page.click("button:has-text('Simpan')")
    assert page.url.endswith("/saya/listing")
    assert "777" in page.locator("#needs").inner_text()
    shoot(page, "listings-desktop")


def test_two_officers_accept_a_barter_pair_and_it_is_confirmed(browser, live_server):
    for email, expected in (
        (live_server.officer_a, "diterima sebagian"),
        (live_server.officer_b, "terkonfirmasi"),
    ):
        context = browser.new_context(
            base_url=live_server.base_url, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        sign_in(page, email)
        page.goto(f"/usulan/{live_server.barter_id}")
        page.click("button[name=accept]")
        assert expected in page.locator("h1 .badge").inner_text()
        shoot(page, f"proposal-after-{email.split('@')[0]}")
        context.close()


def test_pages_render_in_indonesian_and_english(page, live_server):
    sign_in(page, live_server.officer_b)
    page.goto("/saya")
    assert page.locator("html").get_attribute("lang") == "id"
    assert "Kebutuhan saya dan pemasok terbaiknya" in page.content()
    page.click("a[hreflang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "My needs and their best suppliers" in page.content()
    page.goto("/usulan")
    assert "Proposals" in page.locator("h1").inner_text()
    shoot(page, "proposals-english-desktop")


def test_phone_layout_of_the_main_pages(phone_page, live_server):
    page = phone_page
    page.goto("/masuk")
    shoot(page, "login-phone")
    sign_in(page, live_server.officer_a)
    for name, url in (
        ("dashboard", "/saya"),
        ("listings", "/saya/listing"),
        ("search", f"/cari?q={live_server.alias}&quantity=300"),
        ("proposal", f"/usulan/{live_server.barter_id}"),
        ("directory", "/pesantren"),
        ("profile", f"/pesantren/{live_server.pesantren_b_id}"),
        ("account", "/akun"),
    ):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
        shoot(page, f"{name}-phone")
        shoot(page, f"{name}-phone-screen", full_page=False)  # what a phone shows first


def test_product_field_suggests_names_as_the_officer_types(page, live_server):
    sign_in(page, live_server.officer_a)
    page.goto("/saya/listing/baru/offer")
    page.locator("input[name=product]").press_sequentially("ger", delay=50)
    page.wait_for_selector("#product-suggestions option", state="attached")
    options = page.locator("#product-suggestions option")
    assert "Ikan asin" in [options.nth(i).get_attribute("value") for i in range(options.count())]


def test_search_sorts_without_javascript_and_fits_a_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.base_url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        java_script_enabled=False,  # the sort select is part of the form: no script needed
    )
    page = context.new_page()
    sign_in(page, live_server.officer_a)
    page.goto(f"/cari?q={live_server.alias}&quantity=300")
    page.select_option("select[name=order]", "price")
    page.check("input[name=curation][value=registered]")
    page.click("form.search-form button[type=submit]")
    page.wait_for_load_state()
    assert "order=price" in page.url
    assert "curation=registered" in page.url
    assert page.locator("select[name=order]").input_value() == "price"
    assert re.search(r"\d+ pemasok, 1–\d+", page.locator("#total").inner_text())
    for link in ("pemasok.csv", "pemasok.xlsx", "lembar.pdf"):
        href = page.locator(f"a[href*='{link}']").first.get_attribute("href")
        assert "order=price" in href
        assert "curation=registered" in href
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the sorted search scrolls sideways on a phone ({width}px)"
    shoot(page, "search-sorted-phone")
    context.close()
