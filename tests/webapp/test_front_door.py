"""The front door: what OPOP Match does, a search box, the programme's figures; the directory
searched by name and product; catalogue products linked to their suppliers; reference prices."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories as f
from webapp.models import Proposal, ProposalEvent, db
from webapp.models.catalogue import ProductAlias
from webapp.models.rounds import MatchRound


@pytest.fixture
def network(app):
    batu = f.make_pesantren("3579", name="Pondok Apel Batu")
    sumenep = f.make_pesantren("3529", name="Pondok Bahari Sumenep")
    tuban = f.make_pesantren("3523", name="Pondok Terasi Tuban")
    fish = f.make_product(
        "ikan-asin",
        name_id="Ikan asin",
        name_en="Salted fish",
        price_min=40000.0,
        price_max=60000.0,
    )
    db.session.add(ProductAlias(product_id=fish.id, alias="gereh"))
    f.make_product("keripik-apel", name_id="Keripik apel", name_en="Apple chips", category="snacks")
    f.make_listing(sumenep, "offer", "ikan-asin")
    f.make_listing(batu, "need", "ikan-asin")
    f.make_listing(batu, "offer", "keripik-apel")
    f.make_listing(tuban, "offer", "ikan-asin", status="paused")
    db.session.commit()
    return {"batu": batu, "sumenep": sumenep, "tuban": tuban}


def _confirmed(at: dt.datetime) -> None:
    match_round = MatchRound(status="published", as_of=at.date())
    db.session.add(match_round)
    db.session.flush()
    proposal = Proposal(round_id=match_round.id, kind="trade", state="confirmed")
    db.session.add(proposal)
    db.session.flush()
    db.session.add(
        ProposalEvent(
            proposal_id=proposal.id,
            at=at,
            action="accept",
            from_state="accepted_by_some",
            to_state="confirmed",
        )
    )


def _figure(page: str, label: str) -> str:
    found = re.search(r"<b>([^<]*)</b>\s*" + re.escape(label), page)
    assert found, f"no figure {label!r}"
    return found.group(1)


def test_the_home_page_says_what_opop_match_does_with_search_and_figures(client, network):
    now = dt.datetime.now(dt.UTC)
    _confirmed(now)
    _confirmed(now.replace(day=1) - dt.timedelta(days=3))  # last month: not counted
    db.session.commit()
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "OPOP Match finds the pesantren that make what your kitchen and shop need" in page
    assert 'action="/pesantren"' in page
    assert 'name="q"' in page
    assert _figure(page, "pesantren") == "3"
    assert _figure(page, "products on offer") == "2"  # salted fish and apple chips, active
    assert _figure(page, "trades confirmed this month") == "1"
    assert 'href="/masuk' in page or "/login" in page


def test_the_home_page_is_in_indonesian_by_default(client, network):
    page = client.get("/").get_data(as_text=True)
    assert "OPOP Match mencarikan pesantren" in page
    assert "transaksi disepakati bulan ini" in page


def test_the_directory_keeps_its_address_and_searches_by_name(client, network):
    page = client.get("/pesantren?q=bahari").get_data(as_text=True)
    assert "Pondok Bahari Sumenep" in page
    assert "Pondok Apel Batu" not in page


def test_the_directory_searches_by_product_alias_through_the_resolver(client, network):
    page = client.get("/pesantren?q=gereh&lang=en").get_data(as_text=True)
    assert "Pesantren with Salted fish" in page
    assert "Pondok Bahari Sumenep" in page  # offers it
    assert "Pondok Apel Batu" in page  # needs it
    assert "Pondok Terasi Tuban" not in page  # its offer is paused
    assert "Rp 40,000 – Rp 60,000 per kg" in page  # the reference price, for visitors too


def test_catalogue_products_link_to_their_suppliers(client, network):
    page = client.get("/katalog?lang=en").get_data(as_text=True)
    assert 'href="/pesantren?product=ikan-asin&amp;kind=offer"' in page
    assert "seed_data/products.csv" in page  # where the reference prices come from
    suppliers = client.get("/pesantren?product=ikan-asin&kind=offer&lang=en").get_data(as_text=True)
    assert "Suppliers of Salted fish" in suppliers
    assert "Pondok Bahari Sumenep" in suppliers
    assert "Pondok Apel Batu" not in suppliers  # a buyer, not a supplier
    assert "1 pesantren" in suppliers


def test_an_unknown_product_in_the_directory_says_so(client, network):
    response = client.get("/pesantren?product=sepatu-roda&lang=en")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The catalogue has no product “sepatu-roda”." in page
    assert "No pesantren matches this search." in page


def test_the_directory_pager_keeps_the_search(client, app):
    for n in range(55):
        f.make_pesantren("3579", name=f"Pondok Apel {n:02d}")
    db.session.commit()
    page = client.get("/pesantren?q=apel").get_data(as_text=True)
    assert "1 / 2" in page
    assert 'href="/pesantren?page=2&amp;q=apel"' in page
    second = client.get("/pesantren?page=2&q=apel").get_data(as_text=True)
    assert "Pondok Apel 54" in second


def test_a_name_search_treats_like_wildcards_as_text(client, network):
    page = client.get("/pesantren?q=%25").get_data(as_text=True)
    assert "Pondok Apel Batu" not in page


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "abc", "0"])
def test_the_directory_clamps_any_page_number_to_a_page_it_has(client, page):
    from tests.factories import make_pesantren

    for _ in range(3):
        make_pesantren("3578")
    db.session.commit()
    response = client.get(f"/pesantren?page={page}")
    assert response.status_code == 200
    assert "Pondok" in response.get_data(as_text=True)  # a real page, not an empty one
