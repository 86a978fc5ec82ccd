"""At phone width (390 px) in headless Chromium: the front door, the directory search and the
catalogue's links to suppliers; and the pages printed with the print stylesheet (A4, no menu)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS, shoot, sign_in

pytestmark = pytest.mark.browser


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_visitor_searches_from_the_front_door_on_a_phone(phone_page, live_server):
    page = phone_page
    page.goto("/")
    assert "OPOP Match mencarikan pesantren" in page.locator(".hero").inner_text()
    figures = page.locator(".public-figures .figure b").all_inner_texts()
    assert len(figures) == 3
    assert int(figures[0].replace(".", "")) > 0  # pesantren in the seed
    _fits(page)
    box = page.locator(".search-row button").bounding_box()
    assert box["height"] >= 44
    shoot(page, "home-phone")
    page.fill("#home-q", live_server.alias)
    page.click(".search-row button")
    page.wait_for_selector(".product-filter")
    assert "Harga acuan" in page.locator(".product-filter").inner_text()
    assert page.locator("table.data tbody tr").count() > 0
    _fits(page)
    shoot(page, "directory-search-phone")


def test_a_catalogue_product_leads_to_its_suppliers_on_a_phone(phone_page, live_server):
    page = phone_page
    page.goto("/katalog")
    _fits(page)
    shoot(page, "catalogue-phone", full_page=False)
    page.locator("table.data tbody tr td a").first.click()
    page.wait_for_selector(".product-filter")
    assert "kind=offer" in page.url
    assert "Pemasok" in page.locator(".product-filter h2").inner_text()
    _fits(page)
    shoot(page, "directory-suppliers-phone")


def test_the_profile_prints_on_a4_without_the_menu(page, live_server):
    page.goto(f"/pesantren/{live_server.pesantren_b_id}")
    assert page.locator("a[href$='/lembar.pdf']").count() == 1
    pdf = page.pdf(format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert live_server.pesantren_b in text
    assert "Katalog" not in text  # the menu is not printed
    assert "Lembar produk untuk dicetak" not in text  # nor the buttons
    assert abs(float(reader.pages[0].mediabox.width) - 595.3) < 1.5  # A4: 210 mm in points
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "profile-print.pdf").write_bytes(pdf)


def test_the_search_page_links_to_its_result_sheet(page, live_server):
    sign_in(page, live_server.officer_a)
    page.goto(f"/cari?q={live_server.alias}")
    link = page.locator("a[href*='/cari/lembar.pdf']")
    assert link.count() == 1
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_a_facilitator_prints_a_regency_match_sheet_from_the_round_page_on_a_phone(
    phone_page, live_server
):
    page = phone_page
    sign_in(page, live_server.facilitator)
    page.goto("/fasilitator/putaran")
    href = page.locator("a[href^='/fasilitator/putaran/']").first.get_attribute("href")
    page.goto(href.split("#")[0])
    form = page.locator("form#match-sheet")
    assert form.count() == 1
    _fits(page)
    form.scroll_into_view_if_needed()
    shoot(page, "round-match-sheet-form-phone", full_page=False)
    code = form.locator("select option").nth(1).get_attribute("value")
    response = page.request.get(f"{form.get_attribute('action')}?kabupaten={code}")
    assert response.headers["content-type"] == "application/pdf"
    assert b"%PDF" in response.body()[:8]
