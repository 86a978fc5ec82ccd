"""Supplier search: aliases resolve, results are ranked with reasons and a WhatsApp link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.webapp.officer_data import build_network


@pytest.fixture
def net(app):
    return build_network()


def test_search_by_alias_finds_the_suppliers_with_a_whatsapp_request(client, login, net):
    login(net.officer_a)
    response = client.get("/cari", query_string={"q": "gereh", "quantity": "3", "unit": "kwintal"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Pondok Bahari Sumenep" in page
    assert "Pondok Nelayan Tuban" in page
    assert "Pondok Apel Batu</a>" not in page  # never my own pesantren
    link = next(part for part in page.split('"') if part.startswith("https://wa.me/6281234500002"))
    text = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0]
    assert "Ikan asin" in text
    assert "300" in text
    assert "Pondok Apel Batu" in text
    assert "Ahmad" in text
    assert "mailto:" in page


def test_search_in_english_writes_the_request_in_english(client, login, net):
    login(net.officer_a)
    page = client.get("/cari", query_string={"q": "salted fish", "lang": "en"}).get_data(
        as_text=True
    )
    link = next(part for part in page.split('"') if part.startswith("https://wa.me/"))
    text = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0]
    assert "We are looking for Salted fish" in text


def test_required_certificate_leaves_out_the_supplier_whose_halal_expired(client, login, net):
    login(net.officer_a)
    page = client.get("/cari", query_string={"q": "ikan-asin", "certs": "halal"}).get_data(
        as_text=True
    )
    assert "Pondok Bahari Sumenep" in page
    assert "Pondok Nelayan Tuban" not in page


def test_radius_leaves_out_far_suppliers(client, login, net):
    login(net.officer_a)
    page = client.get("/cari", query_string={"q": "ikan-asin", "radius": "25"}).get_data(
        as_text=True
    )
    assert "Pondok Bahari Sumenep" not in page
    assert "Pondok Nelayan Tuban" not in page


def test_ambiguous_text_offers_the_choices(client, login, net):
    login(net.officer_a)
    response = client.get("/cari", query_string={"q": "beras"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Beras medium" in page
    assert "Beras premium" in page


def test_unknown_product_says_so_next_to_the_field(client, login, net):
    login(net.officer_a)
    response = client.get("/cari", query_string={"q": "xyzzy sepatu roda"})
    assert response.status_code == 400
    assert "Kami tidak mengenal produk" in response.get_data(as_text=True)


def test_a_unit_that_does_not_fit_the_product_is_refused(client, login, net):
    login(net.officer_a)
    response = client.get(
        "/cari", query_string={"q": "ikan-asin", "quantity": "5", "unit": "liter"}
    )
    assert response.status_code == 400
    assert "liter" in response.get_data(as_text=True)


def test_facilitator_can_search_without_a_pesantren(client, login, net):
    login(net.facilitator)
    page = client.get("/cari", query_string={"q": "gereh"}).get_data(as_text=True)
    assert "Pondok Apel Batu" not in page or "Pondok Bahari Sumenep" in page
    assert "Pondok Bahari Sumenep" in page


def test_product_suggestions_come_as_json(client, login, net):
    login(net.officer_a)
    data = client.get("/produk/saran", query_string={"q": "ger"}).get_json()
    assert data[0]["slug"] == "ikan-asin"
    assert "kg" in data[0]["units"]


def test_visitors_cannot_search(client, net):
    response = client.get("/cari", query_string={"q": "gereh"})
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


def test_substitutes_are_shown_as_substitutes_under_their_own_heading(client, login, net):
    from decimal import Decimal

    from tests import factories as f
    from webapp.models import db

    # Tuban's salted fish is declared a substitute for pindang; nobody offers pindang itself
    pindang = f.make_product("ikan-pindang", name_id="Ikan pindang", name_en="Boiled fish")
    pindang.substitutes = [net.offer_c.product]
    db.session.commit()
    login(net.officer_a)
    page = client.get("/cari?q=ikan+pindang&lang=en").get_data(as_text=True)
    suppliers = page[page.index('id="suppliers"') : page.index('id="substitutes"')]
    assert '<span class="count">0</span>' in suppliers
    assert "Nobody offers Boiled fish itself under these conditions" in suppliers
    assert "Pondok Nelayan Tuban" not in suppliers  # never under the exact product's heading
    substitutes = page[page.index('id="substitutes"') :]
    assert "Substitutes for Boiled fish" in substitutes
    assert "Pondok Nelayan Tuban" in substitutes
    assert "substitute for Boiled fish" in substitutes

    # once somebody offers pindang itself, it comes first, the substitutes after
    f.make_listing(net.b, "offer", pindang, quantity=Decimal("50"), price=Decimal("30000"))
    db.session.commit()
    page = client.get("/cari?q=ikan+pindang&lang=en").get_data(as_text=True)
    suppliers = page[page.index('id="suppliers"') : page.index('id="substitutes"')]
    assert "Pondok Bahari Sumenep" in suppliers
    assert "Pondok Nelayan Tuban" in page[page.index('id="substitutes"') :]
