"""Accounts: sign in and out, password change, language, CSRF, rate limit, cookies, headers."""

from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.webapp.app_helpers import csrf_token as _csrf
from tests.webapp.app_helpers import other_app
from tests.webapp.authz import build_world, fingerprint
from webapp.models import Listing, Proposal, User, db


@pytest.fixture
def officer(app):
    user = f.make_user("officer", email="ahmad@example.org", password="sandi-rahasia-1")
    db.session.commit()
    return user


def test_officer_signs_in_and_lands_on_the_dashboard(client, officer):
    response = client.post(
        "/masuk", data={"email": "Ahmad@Example.org", "password": "sandi-rahasia-1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/saya")
    assert officer.pesantren.name in client.get("/saya").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, officer.id).last_login_at is not None


def test_facilitator_lands_on_the_facilitator_pages(client, app):
    f.make_user("facilitator", email="fatimah@example.org", password="sandi-rahasia-2")
    db.session.commit()
    response = client.post(
        "/masuk", data={"email": "fatimah@example.org", "password": "sandi-rahasia-2"}
    )
    assert response.status_code == 302
    assert "/saya" not in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, officer):
    response = client.post("/masuk", data={"email": "ahmad@example.org", "password": "salah"})
    assert "Email atau kata sandi salah." in response.get_data(as_text=True)
    assert client.get("/saya").status_code == 302  # still a visitor


def test_inactive_account_cannot_sign_in_and_is_told_why(client, officer):
    officer.active = False
    db.session.commit()
    response = client.post(
        "/masuk", data={"email": "ahmad@example.org", "password": "sandi-rahasia-1"}
    )
    assert "Akun ini telah dinonaktifkan." in response.get_data(as_text=True)
    assert client.get("/saya").status_code == 302


def test_an_inactive_account_with_a_wrong_password_says_only_wrong_password(client, officer):
    officer.active = False
    db.session.commit()
    page = client.post("/masuk", data={"email": "ahmad@example.org", "password": "salah"})
    assert "Email atau kata sandi salah." in page.get_data(as_text=True)
    assert "dinonaktifkan" not in page.get_data(as_text=True)


def test_passwords_are_stored_hashed(officer):
    assert "sandi-rahasia-1" not in officer.password_hash
    assert officer.check_password("sandi-rahasia-1")


def test_real_accounts_get_a_strong_password_hash(monkeypatch):
    from werkzeug.security import generate_password_hash

    from webapp.models import User, users

    # The suite swaps in a cheap hash for speed; production code must use werkzeug's default.
    monkeypatch.setattr(users, "generate_password_hash", generate_password_hash)
    user = User(email="kuat@example.org", name="Kuat", role="facilitator")
    user.set_password("sandi-rahasia-1")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("sandi-rahasia-1")


def test_sign_in_follows_only_local_next_links(client, officer):
    data = {"email": "ahmad@example.org", "password": "sandi-rahasia-1"}
    response = client.post("/masuk", data={**data, "next": "https://evil.example/phish"})
    assert response.headers["Location"].endswith("/saya")
    client.post("/keluar")
    response = client.post("/masuk", data={**data, "next": "/usulan"})
    assert response.headers["Location"].endswith("/usulan")


def test_sign_out_needs_a_post_and_ends_the_session(client, login, officer):
    login(officer)
    assert client.get("/keluar").status_code == 405
    assert client.post("/keluar").status_code == 302
    assert client.get("/saya").status_code == 302


def test_password_change_needs_the_current_password(client, login, officer):
    login(officer)
    old_hash = officer.password_hash
    response = client.post(
        "/akun/sandi", data={"current": "salah", "new": "baru-sekali-9", "confirm": "baru-sekali-9"}
    )
    assert response.status_code == 400
    assert "Kata sandi saat ini salah." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, officer.id).password_hash == old_hash
    response = client.post(
        "/akun/sandi", data={"current": "sandi-rahasia-1", "new": "pendek", "confirm": "pendek"}
    )
    assert "Gunakan minimal 10 karakter." in response.get_data(as_text=True)
    response = client.post(
        "/akun/sandi",
        data={"current": "sandi-rahasia-1", "new": "baru-sekali-9", "confirm": "baru-sekali-9"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, officer.id).check_password("baru-sekali-9")


def test_language_preference_is_kept_on_the_account(client, login, officer):
    login(officer)
    client.post("/akun/bahasa", data={"language": "en"})
    db.session.expire_all()
    assert db.session.get(User, officer.id).language == "en"
    assert "My needs and their best suppliers" in client.get("/saya").get_data(as_text=True)
    assert client.post("/akun/bahasa", data={"language": "fr"}).status_code == 400


def test_session_cookie_is_httponly_and_samesite(app_config, officer):
    with other_app(app_config, SESSION_COOKIE_SECURE=True) as (_, client):
        response = client.post(
            "/masuk", data={"email": "ahmad@example.org", "password": "sandi-rahasia-1"}
        )
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" in cookie


def test_every_page_sends_security_headers_and_allows_no_inline_script(client, login, officer):
    login(officer)
    for url in ("/", "/masuk", "/saya", "/saya/listing", "/cari", "/usulan", "/akun", "/katalog"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        page = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), f"inline script on {url}"
        assert not re.search(r"\son[a-z]+=", page), f"inline event handler on {url}"
        assert not re.search(r'(src|href)="https?://(?!wa\.me)', page), f"external asset on {url}"


def test_login_is_rate_limited(app_config, officer):
    with other_app(app_config, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute") as (
        _,
        client,
    ):
        codes = [
            client.post(
                "/masuk", data={"email": "ahmad@example.org", "password": "salah"}
            ).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        response = client.post(
            "/masuk", data={"email": "ahmad@example.org", "password": "sandi-rahasia-1"}
        )
        assert response.status_code == 429  # even the right password waits
        assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
        assert client.get("/masuk").status_code == 200  # the page itself stays reachable


class TestCsrf:
    """With CSRF on (as in production), a missing or wrong token is refused and changes nothing."""

    @pytest.mark.parametrize("token", [None, "wrong-token"])
    def test_forms_without_a_valid_token_are_refused(self, app, app_config, token):
        world = build_world()
        with other_app(app_config, WTF_CSRF_ENABLED=True) as (_, client):
            client.post("/masuk", data={"email": "a@example.org", "password": "rahasia-123"})
            assert client.get("/saya").status_code == 302  # the sign-in itself needs the token
            with client.session_transaction() as session:
                session["_user_id"] = world.users["officer_a"].get_id()
            before = fingerprint()
            extra = {"csrf_token": token} if token else {}
            posts = [
                (
                    f"/saya/listing/{world.need_a.id}/ubah",
                    {"product": "ikan-asin", "quantity": "1", "unit": "kg", "period": "month"},
                ),
                (f"/saya/listing/{world.need_a.id}/hapus", {}),
                (f"/saya/listing/{world.need_a.id}/jeda", {}),
                (
                    "/saya/listing/baru/offer",
                    {"product": "ikan-asin", "quantity": "1", "unit": "kg", "period": "month"},
                ),
                (f"/usulan/{world.barter_ab.id}/terima", {}),
                (f"/usulan/{world.barter_ab.id}/tolak", {"reason": "price"}),
                ("/akun/bahasa", {"language": "en"}),
                ("/keluar", {}),
            ]
            for url, data in posts:
                response = client.post(url, data={**data, **extra})
                assert response.status_code == 400, url
                assert "Formulir tidak diterima" in response.get_data(as_text=True)
            assert fingerprint() == before
            assert client.get("/saya").status_code == 200  # still signed in: logout was refused too

    def test_the_token_on_the_page_is_accepted(self, app, app_config):
        world = build_world()
        with other_app(app_config, WTF_CSRF_ENABLED=True) as (_, client):
            page = client.get("/masuk").get_data(as_text=True)
            client.post(
                "/masuk",
                data={
                    "email": "a@example.org",
                    "password": "rahasia-123",
                    "csrf_token": _csrf(page),
                },
            )
            page = client.get(f"/usulan/{world.barter_ab.id}").get_data(as_text=True)
            response = client.post(
                f"/usulan/{world.barter_ab.id}/terima", data={"csrf_token": _csrf(page)}
            )
            assert response.status_code == 302
            db.session.expire_all()
            assert db.session.get(Proposal, world.barter_ab.id).state == "accepted_by_some"
            page = client.get("/saya/listing").get_data(as_text=True)
            response = client.post(
                f"/saya/listing/{world.need_a.id}/jeda", data={"csrf_token": _csrf(page)}
            )
            db.session.expire_all()
            assert db.session.get(Listing, world.need_a.id).status == "paused"


def test_a_cookie_copied_before_sign_out_no_longer_works(app, client) -> None:
    from tests.factories import make_user

    user = make_user("facilitator", email="fatimah@example.org", password="sandi-yang-panjang-1")
    db.session.commit()
    client.post("/masuk", data={"email": "fatimah@example.org", "password": "sandi-yang-panjang-1"})
    assert client.get("/fasilitator/").status_code == 200
    copied = client.get_cookie("session").value
    client.post("/keluar")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/fasilitator/").status_code == 302  # to the login page
    assert user.session_version == 2


def test_changing_the_password_signs_out_the_other_sessions_but_not_this_one(app) -> None:
    from tests.factories import make_user

    make_user("officer", email="ahmad@example.org", password="sandi-yang-panjang-1")
    db.session.commit()
    here, elsewhere = app.test_client(), app.test_client()
    for c in (here, elsewhere):
        c.post("/masuk", data={"email": "ahmad@example.org", "password": "sandi-yang-panjang-1"})
        assert c.get("/saya").status_code == 200
    response = here.post(
        "/akun/sandi",
        data={
            "current": "sandi-yang-panjang-1",
            "new": "sandi-baru-yang-panjang-2",
            "confirm": "sandi-baru-yang-panjang-2",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert here.get("/saya").status_code == 200
    assert elsewhere.get("/saya").status_code == 302


def test_signed_in_pages_are_not_cached_and_public_ones_may_be(app, client, login) -> None:
    from tests.factories import make_user

    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(make_user("officer"))
    assert client.get("/saya").headers["Cache-Control"] == "no-store"


def test_the_account_page_links_the_report_settings_and_facilitators_the_preview(client, login):
    officer = f.make_user("officer", f.make_pesantren("3579"), email="ahmad@example.org")
    login(officer)
    page = client.get("/akun?lang=id").get_data(as_text=True)
    assert 'href="/akun/laporan"' in page
    assert "/laporan/pratinjau" not in page
    login(f.make_user("facilitator", None, email="siti@example.org"))
    page = client.get("/akun").get_data(as_text=True)
    assert 'href="/akun/laporan"' in page
    assert 'href="/laporan/pratinjau"' in page
    assert 'href="/laporan/pratinjau"' in client.get("/fasilitator/").get_data(as_text=True)
