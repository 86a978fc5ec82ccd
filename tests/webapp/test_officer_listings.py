"""My listings: create, edit, pause, delete, confirm; bad input is refused next to the field
and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.webapp.authz import fingerprint
from tests.webapp.officer_data import build_network
from webapp.models import Listing, ProposalLeg, db, utcnow


@pytest.fixture
def net(app, client, login):
    network = build_network()
    login(network.officer_a)
    return network


def _form(**fields):
    data = {
        "product": "gereh",
        "quantity": "2",
        "unit": "kwintal",
        "period": "month",
        "price": "55.000",
    }
    data.update(fields)
    return data


def test_new_offer_by_alias_is_saved_in_the_chosen_unit(client, net):
    response = client.post("/saya/listing/baru/offer", data=_form(note="Gereh kering dari Sumenep"))
    assert response.status_code == 302
    offer = db.session.scalar(
        select(Listing).where(
            Listing.pesantren_id == net.a.id,
            Listing.kind == "offer",
            Listing.product.has(slug="ikan-asin"),
        )
    )
    assert offer.unit == "kwintal"
    assert offer.quantity == 2
    assert offer.price == 55000
    assert "Ikan asin" in client.get("/saya/listing").get_data(as_text=True)


def test_karung_takes_its_size_from_the_catalogue_or_the_form(client, net):
    assert client.post("/saya/listing/baru/offer", data=_form(unit="karung")).status_code == 302
    offer = db.session.scalar(
        select(Listing).where(
            Listing.pesantren_id == net.a.id,
            Listing.kind == "offer",
            Listing.product.has(slug="ikan-asin"),
        )
    )
    assert offer.unit == "karung"
    assert offer.unit_size == 25


def test_editing_a_need_changes_its_quantity_and_confirms_it(client, net):
    net.need_a.last_confirmed_at = utcnow() - dt.timedelta(days=90)
    db.session.commit()
    page = client.get(f"/saya/listing/{net.need_a.id}/ubah").get_data(as_text=True)
    assert 'value="300"' in page
    response = client.post(
        f"/saya/listing/{net.need_a.id}/ubah",
        data=_form(
            product="ikan asin", quantity="450", unit="kg", price="62000", required_certs="halal"
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    need = db.session.get(Listing, net.need_a.id)
    assert need.quantity == 450
    assert need.required_certs == "halal"
    assert need.last_confirmed_at > utcnow() - dt.timedelta(minutes=5)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"quantity": "-5"}, "quantity", "Jumlah harus lebih dari nol"),
        ({"quantity": "0"}, "quantity", "Jumlah harus lebih dari nol"),
        ({"quantity": "5000000", "unit": "ton"}, "quantity", "lebih dari 1.000.000 kg per bulan"),
        ({"quantity": "banyak"}, "quantity", "bukan angka"),
        ({"product": "sepatu roda xyz"}, "product", "Kami tidak mengenal produk"),
        ({"product": "beras"}, "product", "Beberapa produk cocok"),
        ({"unit": "gantang"}, "unit", "Satuan “gantang” tidak dikenal"),
        ({"unit": "liter"}, "unit", "tidak diukur dalam liter"),
        ({"price": "-100"}, "price", "Harga harus lebih dari nol"),
        ({"price": "999999999999"}, "price", "terlalu tinggi"),
        ({"note": "x" * 501}, "note", "Paling banyak 500 karakter"),
        ({"product": "y" * 121}, "product", ""),
        ({"unit_size": "-3", "unit": "karung"}, "unit_size", "lebih dari nol"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_changes_nothing(
    client, net, fields, field, message
):
    before = fingerprint()
    response = client.post("/saya/listing/baru/offer", data=_form(**fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page  # the message sits next to its field
    assert message in page
    assert fingerprint() == before


def test_bad_edit_of_a_listing_changes_nothing(client, net):
    before = fingerprint()
    response = client.post(
        f"/saya/listing/{net.need_a.id}/ubah", data=_form(quantity="-1", unit="kg")
    )
    assert response.status_code == 400
    assert fingerprint() == before


def test_message_comes_in_english_for_an_english_reader(client, net):
    response = client.post("/saya/listing/baru/offer?lang=en", data=_form(quantity="-5"))
    assert "The quantity must be more than zero." in response.get_data(as_text=True)


def test_ambiguous_product_can_be_settled_by_choosing_one(client, net):
    page = client.post("/saya/listing/baru/need", data=_form(product="beras", unit="kg")).get_data(
        as_text=True
    )
    assert 'value="beras-premium"' in page
    response = client.post(
        "/saya/listing/baru/need",
        data=_form(product="beras", unit="kg", product_slug="beras-premium"),
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Listing)
            .where(Listing.pesantren_id == net.a.id, Listing.product.has(slug="beras-premium"))
        )
        == 1
    )


def test_second_listing_of_the_same_product_is_refused(client, net):
    response = client.post("/saya/listing/baru/need", data=_form(product="ikan-asin", unit="kg"))
    assert response.status_code == 400
    assert "Anda sudah mencantumkan Ikan asin" in response.get_data(as_text=True)


def test_script_typed_into_a_note_is_shown_as_text(client, net):
    client.post(
        f"/saya/listing/{net.offer_a.id}/ubah",
        data=_form(product="keripik apel", unit="kg", note="<script>alert('x')</script>"),
    )
    page = client.get("/saya/listing").get_data(as_text=True)
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page


def test_script_typed_as_a_product_is_echoed_escaped(client, net):
    page = client.post(
        "/saya/listing/baru/offer", data=_form(product="<script>alert(1)</script>")
    ).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pause_resume_and_confirm(client, net):
    client.post(f"/saya/listing/{net.need_a.id}/jeda")
    db.session.expire_all()
    assert db.session.get(Listing, net.need_a.id).status == "paused"
    client.post(f"/saya/listing/{net.need_a.id}/jeda")
    db.session.expire_all()
    assert db.session.get(Listing, net.need_a.id).status == "active"
    net.need_a.last_confirmed_at = utcnow() - dt.timedelta(days=61)
    db.session.commit()
    assert "Masih tersedia?" in client.get("/saya").get_data(as_text=True)
    client.post(f"/saya/listing/{net.need_a.id}/konfirmasi", data={"back": "dashboard"})
    db.session.expire_all()
    assert db.session.get(Listing, net.need_a.id).last_confirmed_at > utcnow() - dt.timedelta(
        minutes=5
    )
    assert "Masih tersedia?" not in client.get("/saya").get_data(as_text=True)


def test_delete_removes_a_listing_but_keeps_one_that_proposals_refer_to(client, net):
    from tests.webapp.authz import proposal
    from webapp.models import MatchRound

    rnd = MatchRound(status="published", as_of=dt.date(2026, 11, 23))
    db.session.add(rnd)
    db.session.flush()
    proposal(rnd, [(net.offer_b, net.need_a, "")])
    db.session.commit()
    client.post(f"/saya/listing/{net.offer_a.id}/hapus")
    client.post(f"/saya/listing/{net.need_a.id}/hapus")
    db.session.expire_all()
    assert db.session.get(Listing, net.offer_a.id) is None
    assert db.session.get(Listing, net.need_a.id).status == "archived"
    assert db.session.scalar(select(func.count()).select_from(ProposalLeg)) == 1
    assert "Ikan asin sudah dihapus" in client.get("/saya/listing").get_data(as_text=True)
    assert "Ikan asin" not in client.get("/saya/listing").get_data(as_text=True)
    # listing the product again brings the archived need back
    assert (
        client.post(
            "/saya/listing/baru/need", data=_form(product="ikan-asin", unit="kg", quantity="10")
        ).status_code
        == 302
    )
    db.session.expire_all()
    need = db.session.get(Listing, net.need_a.id)
    assert need.status == "active"
    assert need.quantity == Decimal("10")
