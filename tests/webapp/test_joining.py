"""Joining (issue 12 pt 4): the public "Daftar" form, the facilitator's review, the emails.

Through a real SMTP server on loopback (aiosmtpd): an approved request's officer activates
the account from the emailed link and signs in; a rejection emails its reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.webapp.app_helpers import csrf_token, other_app
from webapp.models import JoinRequest, Listing, Pesantren, User, db

GOOD = {
    "name": "Pondok Pesantren Al-Hikmah Batu",
    "nspp": "5120 3579 0042",
    "regency_code": "3579",
    "contact_name": "Ust. Hasan",
    "whatsapp": "0812-3456-7890",
    "email": "Hasan@Example.org",
    "language": "en",
    "product": "ikan asin",
    "quantity": "300",
    "unit": "kg",
    "period": "month",
    "price": "45000",
}


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: Any) -> dict[str, Any]:
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port}


@pytest.fixture
def catalogue(app):
    f.make_regency("3579")
    f.make_regency("3529")
    f.make_product("ikan-asin", name_id="Ikan Asin", name_en="Salted fish")
    db.session.commit()


def _join(client, **changes: str):
    return client.post("/daftar", data={**GOOD, **changes})


def _requests() -> list[JoinRequest]:
    return list(db.session.scalars(select(JoinRequest).order_by(JoinRequest.id)))


def test_the_join_form_is_linked_from_the_front_page_and_the_login_page(client, catalogue):
    assert 'href="/daftar"' in client.get("/").get_data(as_text=True)
    assert 'href="/daftar"' in client.get("/masuk").get_data(as_text=True)
    page = client.get("/daftar").get_data(as_text=True)
    assert "Bergabung dengan OPOP Match" in page  # Indonesian first
    assert "Join OPOP Match" in client.get("/daftar?lang=en").get_data(as_text=True)


def test_a_request_is_stored_checked_and_normalised(client, catalogue):
    response = _join(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/daftar/terkirim")
    [req] = _requests()
    assert (req.nspp, req.whatsapp, req.email) == ("512035790042", "6281234567890",
                                                   "hasan@example.org")  # fmt: skip
    assert req.state == "pending"
    assert req.product.slug == "ikan-asin"
    assert float(req.quantity) == 300
    assert req.unit == "kg"
    assert float(req.price) == 45000
    regency = f.make_regency("3579")
    assert (req.latitude, req.longitude) == (regency.latitude, regency.longitude)  # the capital


def test_coordinates_typed_are_kept(client, catalogue):
    assert _join(client, latitude="-7.87", longitude="112.52").status_code == 302
    [req] = _requests()
    assert (req.latitude, req.longitude) == (-7.87, 112.52)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nspp": "12345"}, "12 digits"),
        ({"whatsapp": "12345"}, "0812"),
        ({"email": "not-an-email"}, "email"),
        ({"quantity": "-5"}, "more than zero"),
        ({"quantity": "abc"}, "not a number"),
        ({"price": ""}, "required"),
        ({"unit": "liter"}, "is not measured in liter"),
        ({"product": "batu bata emas"}, "We do not know the product"),
        ({"latitude": "-2.5", "longitude": "112.5"}, "East Java"),
        ({"contact_name": ""}, "required"),
    ],
)
def test_bad_input_answers_400_with_the_message_and_stores_nothing(
    client, catalogue, changes, message
):
    client.get("/?lang=en")
    response = _join(client, **changes)
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()
    assert _requests() == []


def test_an_nspp_or_email_already_in_use_is_refused_clearly(client, catalogue):
    client.get("/?lang=en")
    f.make_pesantren("3579", nspp="512035790042")
    f.make_user("facilitator", email="taken@example.org")
    db.session.commit()
    response = _join(client)
    assert response.status_code == 400
    assert "already in OPOP Match" in response.get_data(as_text=True)
    response = _join(client, nspp="512035790043", email="TAKEN@example.org")
    assert response.status_code == 400
    assert "An account already uses this email" in response.get_data(as_text=True)
    assert _requests() == []
    assert _join(client, nspp="512035790043").status_code == 302
    twice = _join(client, nspp="512035790043", email="other@example.org")
    assert twice.status_code == 400
    assert "already waiting for a facilitator" in twice.get_data(as_text=True)
    assert len(_requests()) == 1


def test_a_post_without_the_csrf_token_is_refused(app_config, catalogue):
    with other_app(app_config, WTF_CSRF_ENABLED=True) as (_, client):
        response = client.post("/daftar?lang=en", data=GOOD)
        assert response.status_code == 400
        assert "Form not accepted" in response.get_data(as_text=True)
        assert _requests() == []
        token = csrf_token(client.get("/daftar").get_data(as_text=True))
        assert client.post("/daftar", data={**GOOD, "csrf_token": token}).status_code == 302
    assert len(_requests()) == 1


def test_posting_requests_is_rate_limited_per_address(app_config, catalogue):
    with other_app(app_config, RATELIMIT_ENABLED=True, RATELIMIT_JOIN="2 per hour") as (_, c):
        assert c.post("/daftar", data={**GOOD, "nspp": "x"}).status_code == 400
        assert c.post("/daftar", data={**GOOD, "nspp": "y"}).status_code == 400
        assert c.post("/daftar", data=GOOD).status_code == 429
        assert c.get("/daftar").status_code == 200  # reading the form is not limited
    assert _requests() == []


def _link(smtp: Any, address: str, pattern: str) -> tuple[Any, str]:
    [msg] = smtp.handler.by_recipient()[address][-1:]
    body = msg.get_body(preferencelist=("plain",)).get_content()
    match = re.search(pattern, body)
    assert match, body
    return msg, match.group(1) if match.groups() else body


def test_daftar_then_approval_then_the_officer_activates_and_signs_in(app, client, login,
                                                                       catalogue, smtp):  # fmt: skip
    assert _join(client).status_code == 302
    [req] = _requests()
    facilitator = f.make_user("facilitator", email="fasil@example.org")
    login(facilitator)
    page = client.get("/fasilitator/pendaftaran").get_data(as_text=True)
    assert GOOD["name"] in page
    assert "512035790042" in page
    menu = client.get("/fasilitator/pesantren").get_data(as_text=True)
    assert 'href="/fasilitator/pendaftaran"' in menu
    assert '<span class="badge">1</span>' in menu  # one request waits
    response = client.post(f"/fasilitator/pendaftaran/{req.id}/terima", follow_redirects=True)
    assert response.status_code == 200
    assert "hasan@example.org" in response.get_data(as_text=True)

    db.session.expire_all()
    pesantren = db.session.scalar(select(Pesantren).where(Pesantren.nspp == "512035790042"))
    assert pesantren.name == GOOD["name"]
    assert pesantren.curation_status == "registered"
    assert pesantren.region_types  # the regency's
    [offer] = db.session.scalars(select(Listing).where(Listing.pesantren_id == pesantren.id))
    assert (offer.kind, offer.product.slug, float(offer.quantity)) == ("offer", "ikan-asin", 300)
    officer = db.session.scalar(select(User).where(User.email == "hasan@example.org"))
    assert (officer.role, officer.pesantren_id, officer.language) == (
        "officer", pesantren.id, "en")  # fmt: skip
    req = db.session.get(JoinRequest, req.id)
    assert (req.state, req.decided_by_id, req.pesantren_id) == (
        "approved", facilitator.id, pesantren.id)  # fmt: skip
    assert req.decided_at is not None

    msg, path = _link(smtp, "hasan@example.org", r"http://opop\.test(/masuk/aktifkan/\S+)")
    assert msg["Subject"] == "OPOP Match: activate your account"  # in the applicant's language
    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    chosen = {"new": "gudang-ikan-2026", "confirm": "gudang-ikan-2026"}
    assert visitor.post(path, data=chosen).status_code == 302
    signed_in = visitor.post(
        "/masuk", data={"email": "hasan@example.org", "password": "gudang-ikan-2026"}
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith("/saya")
    listings = visitor.get("/saya/listing").get_data(as_text=True)
    assert "Salted fish" in listings or "Ikan Asin" in listings
    # Decided once: approving again is refused, nothing doubles.
    again = client.post(f"/fasilitator/pendaftaran/{req.id}/terima")
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Pesantren)) == 1


def test_approval_is_refused_when_the_nspp_or_email_was_taken_meanwhile(client, login,
                                                                        catalogue, smtp):  # fmt: skip
    assert _join(client).status_code == 302
    [req] = _requests()
    f.make_pesantren("3579", nspp="512035790042")  # created by hand after the request
    facilitator = f.make_user("facilitator", email="fasil@example.org", language="en")
    login(facilitator)
    response = client.post(f"/fasilitator/pendaftaran/{req.id}/terima")
    assert response.status_code == 409
    assert "already in OPOP Match" in response.get_data(as_text=True)
    assert db.session.get(JoinRequest, req.id).state == "pending"
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert smtp.handler.by_recipient().get("hasan@example.org") is None


def test_a_rejection_needs_a_reason_and_emails_it(client, login, catalogue, smtp):
    assert _join(client, language="id").status_code == 302
    [req] = _requests()
    facilitator = f.make_user("facilitator", email="fasil@example.org", language="en")
    login(facilitator)
    empty = client.post(f"/fasilitator/pendaftaran/{req.id}/tolak", data={"reason": "  "})
    assert empty.status_code == 400
    assert "Say why the request is rejected" in empty.get_data(as_text=True)
    assert db.session.get(JoinRequest, req.id).state == "pending"
    reason = "NSPP tidak terdaftar di EMIS Kemenag; mohon kirim salinan piagam."
    response = client.post(f"/fasilitator/pendaftaran/{req.id}/tolak", data={"reason": reason})
    assert response.status_code == 302
    db.session.expire_all()
    req = db.session.get(JoinRequest, req.id)
    assert (req.state, req.reason, req.decided_by_id) == ("rejected", reason, facilitator.id)
    [msg] = smtp.handler.by_recipient()["hasan@example.org"]
    assert msg["Subject"] == "OPOP Match: permintaan bergabung Anda"
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert reason in body
    assert GOOD["name"] in body
    assert db.session.scalar(select(func.count()).select_from(Pesantren)) == 0
    # The same pesantren may ask again once the reason is resolved.
    assert _join(client).status_code == 302


def test_of_two_requests_for_one_nspp_the_first_approved_wins(client, login, catalogue, smtp):
    assert _join(client).status_code == 302
    [first] = _requests()
    twin = JoinRequest(**{c.key: getattr(first, c.key) for c in JoinRequest.__table__.columns
                          if c.key not in ("id", "created_at", "updated_at")})  # fmt: skip
    twin.email = "kembar@example.org"  # e.g. posted twice at once, past the form's check
    db.session.add(twin)
    db.session.commit()
    login(f.make_user("facilitator", email="fasil@example.org", language="en"))
    assert client.post(f"/fasilitator/pendaftaran/{twin.id}/terima").status_code == 302
    refused = client.post(f"/fasilitator/pendaftaran/{first.id}/terima")
    assert refused.status_code == 409
    assert "already in OPOP Match" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Pesantren)) == 1


def test_the_join_form_picks_no_kabupaten_for_the_user(client, catalogue):
    """The list starts with a blank "choose" line; sending it as it is asks for one."""
    page = client.get("/daftar?lang=id").get_data(as_text=True)
    select = page.split('name="regency_code"')[1].split("</select>")[0]
    assert select.index('value=""') < select.index('value="3579"')
    assert "Pilih kabupaten / kota" in select
    sent = client.post("/daftar", data={**GOOD, "regency_code": ""})
    assert sent.status_code == 400
    assert db.session.scalars(db.select(JoinRequest)).all() == []
