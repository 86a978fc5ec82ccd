"""Pesantren records and accounts: validated forms, who may create whom, deactivation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories as f
from webapp.models import Pesantren, User, db
from webapp.views.facilitator.manage import normalise_whatsapp


@pytest.fixture
def facilitator(app):
    f.make_regency("3579")
    f.make_regency("3529")
    user = f.make_user("facilitator", email="fas@example.org")
    db.session.commit()
    return user


GOOD = {
    "name": "Pondok Pesantren Al-Falah Batu",
    "nspp": "5120 3579 0042",
    "regency_code": "3579",
    "region_types": ["highland_agriculture", "urban"],
    "latitude": "-7.87",
    "longitude": "112.52",
    "santri_count": "850",
    "whatsapp": "0812-3456-7890",
    "email": "alfalah@example.org",
    "language": "id",
}


def test_a_facilitator_adds_a_pesantren_with_a_normalised_nspp_and_whatsapp(
    client, login, facilitator
):
    login(facilitator)
    response = client.post("/fasilitator/pesantren/baru", data=GOOD)
    assert response.status_code == 302
    p = db.session.scalar(select(Pesantren).where(Pesantren.name == GOOD["name"]))
    assert p.nspp == "512035790042"
    assert p.whatsapp == "6281234567890"
    assert p.region_types == ["highland_agriculture", "urban"]
    assert p.curation_status == "registered"  # curation has its own workflow


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nspp", "12345", "12 digits"),
        ("latitude", "-2.5", "East Java"),
        ("longitude", "120.0", "East Java"),
        ("whatsapp", "12345", "0812"),
        ("email", "not-an-email", "email"),
        ("region_types", [], "region type"),
    ],
)
def test_bad_pesantren_fields_are_named_next_to_the_field_and_nothing_is_saved(
    client, login, facilitator, field, value, message
):
    login(facilitator)
    data = {**GOOD, field: value}
    response = client.post("/fasilitator/pesantren/baru?lang=en", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error"' in page
    assert message.lower() in page.lower()
    assert db.session.scalar(select(Pesantren).where(Pesantren.name == GOOD["name"])) is None


def test_editing_keeps_the_record_and_leaves_its_curation_to_the_workflow(
    client, login, facilitator
):
    p = f.make_pesantren("3579", nspp="512035790043")
    db.session.commit()
    login(facilitator)
    form = client.get(f"/fasilitator/pesantren/{p.id}/ubah").get_data(as_text=True)
    assert "512035790043" in form
    data = {**GOOD, "nspp": "512035790043", "name": p.name, "curation_status": "export_ready"}
    assert client.post(f"/fasilitator/pesantren/{p.id}/ubah", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Pesantren, p.id).curation_status == "registered"
    assert db.session.scalar(select(db.func.count()).select_from(Pesantren)) == 1


def test_a_duplicate_nspp_is_refused(client, login, facilitator):
    f.make_pesantren("3579", nspp="512035790042")
    db.session.commit()
    login(facilitator)
    page = client.post("/fasilitator/pesantren/baru?lang=en", data=GOOD).get_data(as_text=True)
    assert "already has this NSPP" in page or "sudah" in page


def test_facilitators_create_officers_only_and_admins_create_facilitators(
    client, login, facilitator
):
    p = f.make_pesantren("3579")
    db.session.commit()
    login(facilitator)
    officer = {
        "name": "Ust. Hasan",
        "email": "Hasan@Example.org",
        "role": "officer",
        "pesantren": p.nspp,
        "language": "id",
    }
    assert client.post("/fasilitator/pengguna/baru", data=officer).status_code == 302
    created = db.session.scalar(select(User).where(User.email == "hasan@example.org"))
    assert created.role == "officer"
    assert created.pesantren_id == p.id
    assert not created.check_password("")  # no password until the person activates it
    sneaky = {**officer, "email": "boss@example.org", "role": "admin"}
    assert client.post("/fasilitator/pengguna/baru", data=sneaky).status_code == 400
    assert db.session.scalar(select(User).where(User.email == "boss@example.org")) is None
    admin = f.make_user("admin", email="root@example.org")
    db.session.commit()
    login(admin)
    assert client.post("/fasilitator/pengguna/baru", data=sneaky).status_code == 302
    assert db.session.scalar(select(User.role).where(User.email == "boss@example.org")) == "admin"


def test_an_officer_account_needs_a_pesantren(client, login, facilitator):
    login(facilitator)
    data = {
        "name": "X",
        "email": "x@example.org",
        "role": "officer",
        "pesantren": "",
        "language": "id",
    }
    assert client.post("/fasilitator/pengguna/baru", data=data).status_code == 400
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_the_pesantren_picker_reads_an_nspp_a_suggestion_or_a_unique_part_of_a_name(
    client, login, facilitator
):
    batu = f.make_pesantren("3579", name="Pondok Al-Hikmah Batu")
    f.make_pesantren("3578", name="Pondok Al-Hikmah Surabaya")
    tuban = f.make_pesantren("3523", name="Pondok Nelayan Tuban")
    db.session.commit()
    login(facilitator)
    page = client.get("/fasilitator/pengguna/baru").get_data(as_text=True)
    assert 'list="pesantren-options"' in page  # the browser's own type-ahead, no script
    assert f'<option value="Pondok Al-Hikmah Batu · {batu.nspp}">' in page

    def create(typed: str, email: str):
        data = {"name": "X", "email": email, "role": "officer", "pesantren": typed}
        return client.post("/fasilitator/pengguna/baru", data={**data, "language": "id"})

    def owner(email: str):
        return db.session.scalar(select(User.pesantren_id).where(User.email == email))

    assert create(f"Pondok Al-Hikmah Batu · {batu.nspp}", "a@example.org").status_code == 302
    assert owner("a@example.org") == batu.id
    assert create(f" {tuban.nspp[:4]} {tuban.nspp[4:]} ", "b@example.org").status_code == 302
    assert owner("b@example.org") == tuban.id  # an NSPP as typed, spaces and all
    assert create("nelayan", "c@example.org").status_code == 302
    assert owner("c@example.org") == tuban.id  # the only name containing it
    ambiguous = create("al-hikmah", "d@example.org")
    assert ambiguous.status_code == 400
    text = ambiguous.get_data(as_text=True)
    assert "2 pesantren cocok dengan “al-hikmah”" in text
    assert batu.nspp in text
    assert owner("d@example.org") is None
    nothing = create("Pondok Tidak Ada", "e@example.org")
    assert nothing.status_code == 400
    assert "Tidak ada pesantren yang cocok dengan “Pondok Tidak Ada”." in nothing.get_data(
        as_text=True
    )


def test_a_deactivated_officers_api_token_stops_working(client, login, facilitator):
    from webapp.views.api.auth import issue_token

    officer = f.make_user("officer", email="o@example.org")
    _, token = issue_token(officer, "kasir")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/listings", headers=headers).status_code == 200
    login(facilitator)
    client.post(f"/fasilitator/pengguna/{officer.id}/aktif")
    db.session.expire_all()
    assert db.session.get(User, officer.id).active is False
    assert client.get("/api/v1/listings", headers=headers).status_code == 401


def test_whatsapp_numbers_are_written_as_wa_me_wants_them():
    assert normalise_whatsapp("0812-3456-7890") == "6281234567890"
    assert normalise_whatsapp("+62 812 3456 7890") == "6281234567890"
    assert normalise_whatsapp("6281234567890") == "6281234567890"


def test_a_facilitator_edits_an_officer_and_the_change_signs_them_out(app, client, login):
    facilitator = f.make_user("facilitator", email="fasil@example.org")
    a, b = f.make_pesantren("3579"), f.make_pesantren("3578")
    officer = f.make_user("officer", email="hasan@example.org", pesantren=a)
    db.session.commit()
    elsewhere = app.test_client()
    with elsewhere.session_transaction() as session:
        session["_user_id"] = officer.get_id()
    assert elsewhere.get("/saya").status_code == 200
    login(facilitator)
    page = client.get(f"/fasilitator/pengguna/{officer.id}/ubah").get_data(as_text=True)
    assert "Ubah akun hasan@example.org" in page
    data = {"name": "Ust. Hasan", "role": "officer", "pesantren": b.nspp, "language": "en"}
    response = client.post(f"/fasilitator/pengguna/{officer.id}/ubah", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(User, officer.id)
    assert (edited.name, edited.pesantren_id, edited.language, edited.active) == (
        "Ust. Hasan",
        b.id,
        "en",
        False,  # the box was not ticked
    )
    assert elsewhere.get("/saya").status_code == 302  # signed out: its rights changed
    # a facilitator may not promote anyone; an officer needs a pesantren
    promote = {**data, "role": "admin", "active": "y"}
    assert client.post(f"/fasilitator/pengguna/{officer.id}/ubah", data=promote).status_code == 400
    orphan = {**data, "pesantren": "", "active": "y"}
    response = client.post(f"/fasilitator/pengguna/{officer.id}/ubah", data=orphan)
    assert response.status_code == 400
    assert "Petugas harus terikat pada satu pesantren." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, officer.id).role == "officer"


def test_only_the_name_and_language_change_keeps_the_sessions(app, client, login):
    facilitator = f.make_user("facilitator", email="fasil@example.org")
    a = f.make_pesantren("3579")
    officer = f.make_user("officer", email="hasan@example.org", pesantren=a)
    db.session.commit()
    version = officer.session_version
    login(facilitator)
    data = {"name": "Baru", "role": "officer", "pesantren": a.nspp, "language": "id"}
    client.post(f"/fasilitator/pengguna/{officer.id}/ubah", data={**data, "active": "y"})
    db.session.expire_all()
    assert db.session.get(User, officer.id).session_version == version
    assert db.session.get(User, officer.id).name == "Baru"
