"""The officer's dashboard: needs with suppliers, offers with buyers, listings to confirm."""

from __future__ import annotations

import datetime as dt

from tests.webapp.officer_data import build_network
from tests.webapp.plan_helpers import add_plan
from webapp.models import db, utcnow


def test_dashboard_shows_best_suppliers_and_likely_buyers(app, client, login):
    net = build_network()
    login(net.officer_a)
    page = client.get("/saya").get_data(as_text=True)
    needs = page[page.index('id="needs"') : page.index('id="offers"')]
    offers = page[page.index('id="offers"') :]
    assert "Ikan asin" in needs
    assert "Pondok Nelayan Tuban" in needs
    assert "Pondok Bahari Sumenep" in needs
    assert "Keripik apel" in offers
    assert "Pondok Bahari Sumenep" in offers
    assert "Pencocokan sedang tidak tersedia" not in page


def test_a_new_buyer_shows_up_in_the_next_dashboard(app, client, login):
    net = build_network()
    login(net.officer_a)
    page = client.get("/saya").get_data(as_text=True)
    assert "Pondok Nelayan Tuban" not in page[page.index('id="offers"') :]
    login(net.officer_c)
    client.post(
        "/saya/listing/baru/need",
        data={"product": "keripik apel", "quantity": "80", "unit": "kg", "period": "month"},
    )
    login(net.officer_a)
    page = client.get("/saya").get_data(as_text=True)
    assert (
        "Pondok Nelayan Tuban" in page[page.index('id="offers"') :]
    )  # the cached market was rebuilt


def test_stale_listing_asks_still_available(app, client, login):
    net = build_network()
    net.offer_a.last_confirmed_at = utcnow() - dt.timedelta(days=61)
    db.session.commit()
    login(net.officer_a)
    page = client.get("/saya").get_data(as_text=True)
    stale = page[page.index('id="stale"') : page.index('id="needs"')]
    assert "Masih tersedia?" in stale
    assert "Keripik apel" in stale
    assert f"/saya/listing/{net.offer_a.id}/konfirmasi" in stale


def test_dashboard_lists_the_ten_most_valuable_proposals_and_links_to_all(app, client, login):
    from decimal import Decimal

    from tests.webapp.authz import proposal
    from webapp.models import MatchRound

    net = build_network()
    rnd = MatchRound(status="published", as_of=dt.date(2026, 11, 23))
    db.session.add(rnd)
    db.session.flush()
    made = []
    for i in range(12):
        p = proposal(rnd, [(net.offer_a, net.need_b, "trade")], kind="trade")
        p.value_idr = Decimal(100_000 * (i + 1))
        made.append(p)
    db.session.commit()
    login(net.officer_a)
    page = client.get("/saya").get_data(as_text=True)
    awaiting = page[page.index('id="awaiting"') : page.index('id="needs"')]
    shown = sorted(
        (p for p in made if f'/usulan/{p.id}"' in awaiting),
        key=lambda p: awaiting.index(f'/usulan/{p.id}"'),
    )
    assert shown == made[:1:-1]  # the ten most valuable, most valuable first
    assert "Semua usulan (12)" in awaiting


def test_a_resting_listing_is_not_matched_until_it_is_confirmed(app, client, login):
    net = build_network()
    net.offer_b.last_confirmed_at = utcnow() - dt.timedelta(days=61)  # Sumenep's salted fish
    net.need_a.last_confirmed_at = utcnow() - dt.timedelta(days=61)  # Batu's own need rests
    db.session.commit()

    login(net.officer_a)
    page = client.get("/saya").get_data(as_text=True)
    needs = page[page.index('id="needs"') : page.index('id="offers"')]
    assert "Sedang istirahat: konfirmasi agar dicocokkan lagi." in needs
    assert "Pondok Nelayan Tuban" not in needs  # a resting need is not matched at all
    assert "Pencocokan sedang tidak tersedia" not in page  # and that is no engine failure
    stale = page[page.index('id="stale"') : page.index('id="needs"')]
    assert "istirahat" in stale
    assert "Ikan asin" in stale

    # a resting offer is nobody's supplier: Batu confirms its need, Sumenep still rests
    client.post(f"/saya/listing/{net.need_a.id}/konfirmasi", data={"back": "dashboard"})
    page = client.get("/saya").get_data(as_text=True)
    needs = page[page.index('id="needs"') : page.index('id="offers"')]
    assert "Pondok Nelayan Tuban" in needs
    assert "Pondok Bahari Sumenep" not in needs
    search = client.get("/cari?q=ikan+asin").get_data(as_text=True)
    assert "Pondok Nelayan Tuban" in search
    assert "Pondok Bahari Sumenep" not in search

    login(net.officer_b)
    client.post(f"/saya/listing/{net.offer_b.id}/konfirmasi", data={"back": "dashboard"})
    login(net.officer_a)
    needs = client.get("/saya").get_data(as_text=True)
    assert "Pondok Bahari Sumenep" in needs[needs.index('id="needs"') : needs.index('id="offers"')]


def test_the_cut_off_follows_the_one_setting(app, client, login):
    net = build_network()
    app.config["STALE_LISTING_DAYS"] = 10
    net.offer_b.last_confirmed_at = utcnow() - dt.timedelta(days=11)
    db.session.commit()
    login(net.officer_a)
    page = client.get("/saya").get_data(as_text=True)
    assert "Pondok Bahari Sumenep" not in page[page.index('id="needs"') : page.index('id="offers"')]
    login(net.officer_b)
    page = client.get("/saya").get_data(as_text=True)
    assert "belum dikonfirmasi selama 10 hari" in page


def test_a_need_wholly_in_proposals_under_way_says_so(app, client, login):
    net = build_network()
    # Sumenep's salted fish covers all 300 kg of Batu's need in a confirmed trade
    add_plan("trade", [(net.offer_b, net.need_a, 300)], state="confirmed")
    db.session.commit()
    login(net.officer_a)
    page = client.get("/saya").get_data(as_text=True)
    needs = page[page.index('id="needs"') : page.index('id="offers"')]
    assert "Seluruhnya sudah ada dalam usulan yang sedang berjalan." in needs
    assert "Pencocokan sedang tidak tersedia" not in page  # the rest of the box still works
    offers = page[page.index('id="offers"') :]
    assert "Pondok Bahari Sumenep" in offers
