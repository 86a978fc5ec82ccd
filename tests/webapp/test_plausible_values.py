"""Nothing impossible gets in, and what is in holds: the plausible ranges of pesantren and
listing values on the form, the API and the import (each refusal names its field, on import
its row and column, in the reader's language, on SQLite and PostgreSQL alike); an edit never
goes below what confirmed proposals hold; a listing used by proposals is never deleted; a
listing planted past the limits is skipped, and named, by the round."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, text

from tests.factories import make_listing, make_pesantren, make_user
from tests.webapp.listing_entry_points import via_api, via_import
from tests.webapp.officer_data import build_network
from tests.webapp.plan_helpers import add_plan
from tests.webapp.spreadsheet_helpers import SUMENEP_NSPP, make_network, snapshot, write
from webapp import rounds
from webapp.models import Listing, Pesantren, ProposalLeg, db
from webapp.spreadsheets import import_file
from webapp.views.api.auth import issue_token

PESANTREN_HEADER = (
    "nspp,name,regency_code,address,latitude,longitude,region_types,santri_count,"
    "contact_name,whatsapp,email,language,curation_status"
)
LISTING_HEADER = (
    "nspp,product,quantity,unit,unit_size,period,price,min_lot,required_certs,"
    "available_from,available_until,status,last_confirmed,note"
)
CERT_HEADER = "nspp,product,kind,number,issued_on,expires_on"


def _pesantren_row(**cells: str) -> str:
    row = {"nspp": "512035780003", "name": "Pondok Pesantren Al Falah", "regency_code": "3578",
           "address": "Jl. Ampel 1", "latitude": "-7.25", "longitude": "112.75",
           "region_types": "urban", "santri_count": "800", "contact_name": "Ustadz Hasan",
           "whatsapp": "0812-3456-7890", "email": "alfalah@example.org", "language": "id",
           "curation_status": "registered", **cells}  # fmt: skip
    return ",".join(f'"{row[c]}"' for c in PESANTREN_HEADER.split(","))


def _offer_row(**cells: str) -> str:
    row = {"nspp": SUMENEP_NSPP, "product": "ikan-asin", "quantity": "300", "unit": "kg",
           "unit_size": "", "period": "month", "price": "45000", "min_lot": "0",
           "required_certs": "", "available_from": "", "available_until": "", "status": "active",
           "last_confirmed": "2026-11-01", "note": "", **cells}  # fmt: skip
    return ",".join(f'"{row[c]}"' for c in LISTING_HEADER.split(","))


IN_2099 = "2099-01-01"

# (kind, header, row, column, English part, Indonesian part)
IMPOSSIBLE = [
    pytest.param("pesantren", PESANTREN_HEADER, _pesantren_row(santri_count="100000000000000"),
                 "santri_count", "from 0 to 100,000", "dari 0 sampai 100.000", id="santri-1e14"),
    pytest.param("pesantren", PESANTREN_HEADER, _pesantren_row(name="Pondok " + "X" * 300),
                 "name", "At most 160 characters.", "Paling banyak 160 karakter.",
                 id="name-300-characters"),
    pytest.param("pesantren", PESANTREN_HEADER, _pesantren_row(contact_name="Ustadz Hasan\r\nBcc: x@y.z"),
                 "contact_name", "Remove the control characters", "Hapus karakter kontrol",
                 id="crlf-in-contact-name"),
    pytest.param("pesantren", PESANTREN_HEADER, _pesantren_row(name="Pondok\x1bAl Falah"),
                 "name", "Remove the control characters", "Hapus karakter kontrol",
                 id="escape-in-name"),
    pytest.param("pesantren", PESANTREN_HEADER, _pesantren_row(contact_name="Ust. " + "H" * 200),
                 "contact_name", "At most 120 characters.", "Paling banyak 120 karakter.",
                 id="contact-name-200-characters"),
    pytest.param("offers", LISTING_HEADER, _offer_row(quantity="1000000000000000"),
                 "quantity", "too large a number", "terlalu besar", id="quantity-1e15"),
    pytest.param("offers", LISTING_HEADER, _offer_row(price="100000000000000"),
                 "price", "That price is too high", "terlalu tinggi", id="price-1e14"),
    pytest.param("offers", LISTING_HEADER, _offer_row(min_lot="500"),
                 "min_lot", "more than the quantity (300 kg a month)",
                 "lebih besar dari jumlahnya (300 kg per bulan)", id="min-lot-above-quantity"),
    pytest.param("offers", LISTING_HEADER, _offer_row(note="x" * 100_000),
                 "note", "At most 500 characters.", "Paling banyak 500 karakter.",
                 id="note-100000-characters"),
    pytest.param("offers", LISTING_HEADER, _offer_row(last_confirmed=IN_2099),
                 "last_confirmed", "2099-01-01 is in the future", "2099-01-01 ada di masa depan",
                 id="last-confirmed-in-2099"),
    pytest.param("certificates", CERT_HEADER,
                 f"{SUMENEP_NSPP},ikan-asin,pirt,5133522011295-25,{IN_2099},",
                 "issued_on", "2099-01-01 is in the future", "2099-01-01 ada di masa depan",
                 id="certificate-issued-in-2099"),
]  # fmt: skip


@pytest.fixture
def network(app):
    make_network()


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize(("kind", "header", "row", "column", "english", "indonesian"), IMPOSSIBLE)
def test_an_impossible_value_in_an_import_is_a_row_message_and_nothing_is_written(
    network, tmp_path, language, kind, header, row, column, english, indonesian
):
    before = snapshot()
    with force_locale(language):
        report = import_file(kind, write(tmp_path, f"{kind}.csv", f"{header}\n{row}\n"))
    assert [(e.row, e.column) for e in report.errors] == [(2, column)], [
        str(e) for e in report.errors
    ]
    assert (english if language == "en" else indonesian) in report.errors[0].reason
    assert snapshot() == before


def test_the_same_file_with_plausible_values_imports(network, tmp_path):
    """The good twin of every row above goes in: the limits refuse only the impossible."""
    for kind, header, row in [
        ("pesantren", PESANTREN_HEADER, _pesantren_row(santri_count="100000", contact_name="Ust. Hasan\tAli")),
        ("offers", LISTING_HEADER, _offer_row(min_lot="300", note="baris 1\nbaris 2",
                                              last_confirmed=dt.date.today().isoformat())),
        ("certificates", CERT_HEADER,
         f"{SUMENEP_NSPP},ikan-asin,pirt,5133522011295-25,{dt.date.today().isoformat()},"),
    ]:  # fmt: skip
        report = import_file(kind, write(tmp_path, f"{kind}.csv", f"{header}\n{row}\n"))
        assert report.ok, [str(e) for e in report.errors]
        assert report.created == 1


# -- the facilitator's pesantren form: the same limits ------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "indonesian"),
    [
        ("santri_count", "100000000000000", "dari 0 sampai 100.000"),
        ("contact_name", "Ustadz Hasan\r\nBcc: x@y.z", "Hapus karakter kontrol"),
        ("name", "Pondok " + "X" * 300, "Paling banyak 160 karakter."),
        ("address", "Jl. Ampel\x1b1", "Hapus karakter kontrol"),
    ],
)
def test_the_pesantren_form_refuses_the_same_values_next_to_their_field(
    client, login, app, field, value, indonesian
):
    regency = make_pesantren("3578").regency_code
    login(make_user("facilitator"))
    data = {"name": "Pondok Pesantren Al Falah", "nspp": "512035780003",
            "regency_code": regency, "region_types": "urban", "latitude": "-7.25",
            "longitude": "112.75", "santri_count": "800", "contact_name": "Ustadz Hasan",
            "curation_status": "registered", "language": "id", field: value}  # fmt: skip
    response = client.post("/fasilitator/pesantren/baru?lang=id", data=data)
    assert response.status_code == 200  # the form again, with the message
    page = response.get_data(as_text=True)
    assert indonesian in page
    assert db.session.scalar(select(func.count()).select_from(Pesantren)) == 1


# -- listings: value limits through the form, the API and the import ------------------------------


@pytest.fixture
def net(app, client, login):
    network = build_network()
    login(network.officer_a)
    return network


def test_a_listing_worth_more_than_a_trillion_a_month_is_refused_by_api_and_import(
    client, net, tmp_path
):
    fields = {"quantity": "1.000.000", "unit": "kg", "price": "2.000.000"}
    by_api = via_api(client, net.officer_a, "offer", "ikan-asin", fields, "en")
    by_import = via_import(tmp_path, net.a, "offer", "ikan-asin", fields, "en")
    assert by_api == by_import
    assert list(by_api) == ["price"]
    assert "worth more than Rp 1,000,000,000,000 a month" in by_api["price"]


def test_the_api_refuses_999999999_kg_a_day(client, net):
    """The listing that made every round fail (issue 14, point 3)."""
    fields = {"quantity": 999_999_999, "unit": "kg", "period": "day", "price": 50000}
    errors = via_api(client, net.officer_a, "offer", "ikan-asin", fields, "en")
    assert list(errors) == ["quantity"]
    assert "more than 1,000,000 kg a month" in errors["quantity"]


def test_the_api_refuses_a_minimum_lot_above_the_quantity(client, net):
    fields = {"quantity": 300, "unit": "kg", "price": 50000, "min_lot": 301}
    errors = via_api(client, net.officer_a, "offer", "ikan-asin", fields, "id")
    assert errors == {"min_lot": "Lot minimum lebih besar dari jumlahnya (300 kg per bulan)."}


# -- commitments hold ------------------------------------------------------------------------------


def _confirmed_trade(offer: Listing, need: Listing, quantity: float) -> None:
    add_plan("trade", [(offer, need, quantity)], state="confirmed")
    db.session.commit()


@pytest.fixture
def committed(net):
    """Confirmed proposals hold 1,600 kg a month of B's salted fish (offer of 2,000 kg)."""
    net.offer_b.quantity = Decimal(2000)
    db.session.flush()
    _confirmed_trade(net.offer_b, net.need_a, 1600)
    return net.offer_b


def test_the_form_cannot_edit_a_listing_below_what_confirmed_proposals_hold(
    client, login, net, committed
):
    login(net.officer_b)
    form = {"product": "ikan-asin", "product_slug": "ikan-asin", "quantity": "100",
            "unit": "kg", "period": "month", "price": "50000"}  # fmt: skip
    response = client.post(f"/saya/listing/{committed.id}/ubah?lang=id", data=form)
    assert response.status_code == 400
    assert (
        "Usulan yang sudah dikonfirmasi memegang 1.600 kg per bulan dari listing ini"
        in response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(Listing, committed.id).quantity == 2000
    # At or above what is held, the edit goes through.
    allowed = client.post(f"/saya/listing/{committed.id}/ubah", data={**form, "quantity": "1600"})
    assert allowed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Listing, committed.id).quantity == 1600


def test_the_api_cannot_edit_a_listing_below_what_confirmed_proposals_hold(client, net, committed):
    _, token = issue_token(net.officer_b, "test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    for change in ({"quantity": 1}, {"quantity": 1599}, {"quantity": 40, "unit": "kg",
                                                         "period": "day"}):  # fmt: skip
        response = client.patch(f"/api/v1/listings/{committed.id}", json=change, headers=headers)
        assert response.status_code == 422, response.get_json()
        details = response.get_json()["error"]["details"]
        assert details[0]["field"] == "quantity"
        assert "Confirmed proposals already hold 1,600 kg a month" in details[0]["message"]
    db.session.expire_all()
    assert db.session.get(Listing, committed.id).quantity == 2000
    ok = client.patch(f"/api/v1/listings/{committed.id}", json={"quantity": 55, "period": "day"},
                      headers=headers)  # fmt: skip
    assert ok.status_code == 200, ok.get_json()  # 55 kg a day is 1,672.9 kg a month


def test_an_import_cannot_set_a_listing_below_what_confirmed_proposals_hold(
    tmp_path, net, committed
):
    fields = {"quantity": "100", "unit": "kg", "price": "50000"}
    errors = via_import(tmp_path, net.b, "offer", "ikan-asin", fields, "en")
    assert "Confirmed proposals already hold 1,600 kg a month" in errors["quantity"]
    db.session.expire_all()
    assert db.session.get(Listing, committed.id).quantity == 2000
    # At what is held, the row goes through.
    assert via_import(tmp_path, net.b, "offer", "ikan-asin", {**fields, "quantity": "1600"},
                      "en") == {}  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Listing, committed.id).quantity == 1600


# -- foreign keys: a listing that proposals use is never deleted ------------------------------------


def test_every_sqlite_connection_enforces_foreign_keys(app, is_postgres):
    if is_postgres:
        pytest.skip("PostgreSQL always enforces foreign keys")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    with db.engine.connect() as other:
        assert other.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "cannot be deleted. Pause or archive it"), ("id", "tidak dapat dihapus")],
)
def test_the_api_refuses_to_delete_a_listing_that_proposals_use(
    client, net, committed, language, message
):
    legs = db.session.scalar(select(func.count()).select_from(ProposalLeg))
    _, token = issue_token(net.officer_b, "test")
    db.session.commit()
    response = client.delete(
        f"/api/v1/listings/{committed.id}",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
    )
    assert response.status_code == 409
    assert message in response.get_json()["error"]["message"]
    db.session.expire_all()
    assert db.session.get(Listing, committed.id) is not None
    assert db.session.scalar(select(func.count()).select_from(ProposalLeg)) == legs


def test_the_database_refuses_orphan_legs_on_sqlite_as_on_postgres(app, net, committed):
    """Below the API: a leg pointing at no listing is refused by the database itself."""
    from sqlalchemy.exc import IntegrityError

    leg = db.session.scalar(select(ProposalLeg))
    orphan = ProposalLeg.__table__.update().where(ProposalLeg.id == leg.id).values(offer_id=999_999)
    with pytest.raises(IntegrityError):
        db.session.execute(orphan)
    db.session.rollback()


def test_the_form_archives_a_listing_that_proposals_use_instead_of_deleting_it(
    client, login, net, committed
):
    login(net.officer_b)
    assert client.post(f"/saya/listing/{committed.id}/hapus").status_code == 302
    db.session.expire_all()
    assert db.session.get(Listing, committed.id).status == "archived"
    assert db.session.scalar(select(func.count()).select_from(ProposalLeg)) == 1


def test_the_api_deletes_a_listing_no_proposal_uses(client, net):
    _, token = issue_token(net.officer_a, "test")
    db.session.commit()
    unused = net.offer_a.id
    response = client.delete(
        f"/api/v1/listings/{unused}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 204
    db.session.expire_all()
    assert db.session.get(Listing, unused) is None


# -- the engine survives any stored listing ---------------------------------------------------------


def test_a_listing_planted_past_the_limits_is_skipped_and_named_by_the_round(client, login, net):
    """999,999,999 kg a day, written straight into the database (no rule saw it), with a
    matching need as large: the round runs (on PostgreSQL it failed with
    NumericValueOutOfRange), leaves both out and says so on its page."""
    overflow = make_listing(net.c, "offer", "keripik-apel", quantity=Decimal(999_999_999),
                            period="day", price=Decimal(90000))  # fmt: skip
    free = make_listing(net.c, "offer", "beras-medium", quantity=Decimal(300),
                        price=Decimal(50000), min_lot=Decimal(400))  # fmt: skip
    net.need_b.quantity, net.need_b.period = Decimal(999_999_999), "day"  # its matching need
    db.session.commit()

    round_ = rounds.run_match_round(net.facilitator)

    assert round_.status == "draft", round_.error
    skipped = {e["listing_id"]: e for e in round_.summary["skipped_listings"]}
    assert skipped[overflow.id]["field"] == "quantity"
    assert skipped[net.need_b.id]["field"] == "quantity"
    assert skipped[free.id]["field"] == "min_lot"
    used = {leg.offer_id for leg in db.session.scalars(select(ProposalLeg))}
    assert overflow.id not in used
    assert free.id not in used

    login(net.facilitator)
    for language, reason in [("id", "jumlahnya melampaui batas listing"),
                             ("en", "its quantity is beyond the listing limits")]:  # fmt: skip
        page = client.get(f"/fasilitator/putaran/{round_.id}?lang={language}").get_data(
            as_text=True
        )
        assert f"Listing {overflow.id}" in page
        assert reason in page
