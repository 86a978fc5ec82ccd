"""Password reset by emailed link (issue 12 pt 5), end to end through a real SMTP server on
loopback (aiosmtpd): the email is parsed with the stdlib ``email`` package and its link
followed. The link works once, expires, and the reset signs out every other session."""

from __future__ import annotations

import re
from typing import Any

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests import factories as f
from tests.webapp.app_helpers import other_app
from webapp.models import User, db
from webapp.password_links import RESET, token_for

SAME_ANSWER = "Jika ada akun dengan alamat ini"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: Any) -> dict[str, Any]:
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port}


@pytest.fixture(params=["officer", "facilitator", "admin"])
def account(request, app) -> User:
    user = f.make_user(request.param, email="siti@example.org", password="sandi-lama-sekali")
    user.language = "id"
    db.session.commit()
    return user


def _ask(client, email: str) -> Any:
    return client.post("/masuk/lupa-sandi", data={"email": email}, follow_redirects=True)


def _link(smtp: Any, address: str) -> str:
    """The reset link in the one email received for ``address``, as a path."""
    inbox = smtp.handler.by_recipient()[address]
    assert len(inbox) == 1
    msg = inbox[0]
    assert msg["Subject"] == "OPOP Match: tetapkan kata sandi baru"
    body = msg.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://opop\.test(/masuk/sandi-baru/\S+)", body)
    assert match, body
    return match.group(1)


def _set(client, path: str, password: str) -> Any:
    return client.post(path, data={"new": password, "confirm": password})


def test_every_role_resets_its_password_from_the_emailed_link(client, login, smtp, account):
    other = other_session(client.application, account)
    login_page = client.get("/masuk").get_data(as_text=True)
    assert "Lupa kata sandi?" in login_page
    assert "/masuk/lupa-sandi" in login_page

    assert SAME_ANSWER in _ask(client, "Siti@Example.org").get_data(as_text=True)
    path = _link(smtp, "siti@example.org")
    page = client.get(path)
    assert page.status_code == 200
    assert "siti@example.org" in page.get_data(as_text=True)

    assert _set(client, path, "1234567890").status_code == 400  # the policy holds here too
    response = _set(client, path, "kata-sandi-baru-7")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/masuk")
    db.session.expire_all()
    user = db.session.get(User, account.id)
    assert user.check_password("kata-sandi-baru-7")
    assert other.get("/akun").status_code == 302  # the other session was signed out

    # used once: the same link is refused, on GET and POST, and changes nothing
    again = client.get(path)
    assert again.status_code == 400
    assert "sudah kedaluwarsa atau sudah dipakai" in again.get_data(as_text=True)
    assert _set(client, path, "lain-lagi-sandi-8").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, account.id).check_password("kata-sandi-baru-7")
    signed_in = client.post(
        "/masuk", data={"email": "siti@example.org", "password": "kata-sandi-baru-7"}
    )
    assert signed_in.status_code == 302


def other_session(app, user: User) -> Any:
    """A second browser signed in as ``user``."""
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    assert other.get("/akun").status_code == 200
    return other


def test_an_unknown_or_inactive_address_gets_the_same_answer_and_no_email(client, smtp, app):
    f.make_user("officer", email="mati@example.org", password="sandi-lama-sekali").active = False
    db.session.commit()
    for email in ("nobody@example.org", "mati@example.org"):
        response = _ask(client, email)
        assert response.status_code == 200
        assert SAME_ANSWER in response.get_data(as_text=True)
    assert smtp.handler.received == []


def test_an_expired_link_is_refused(client, smtp, account, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", TimestampSigner.get_timestamp)
    token = token_for(account)
    assert client.get(f"/masuk/sandi-baru/{token}").status_code == 200
    # three hours later (a link lives two hours by default)
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 3 * 3600)
    assert client.get(f"/masuk/sandi-baru/{token}").status_code == 400
    assert _set(client, f"/masuk/sandi-baru/{token}", "kata-sandi-baru-7").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, account.id).check_password("sandi-lama-sekali")


def test_a_forged_or_other_purpose_token_is_refused(client, account, app):
    forged = URLSafeTimedSerializer("wrong-secret", salt=RESET).dumps({"u": account.id})
    other_purpose = token_for(account, purpose="opop-report-unsubscribe")
    for token in (forged, other_purpose, "garbage", "x" * 300):
        assert client.get(f"/masuk/sandi-baru/{token}").status_code == 400


def test_signing_out_everywhere_kills_an_unused_link(client, login, account):
    token = token_for(account)
    login(account)
    client.post("/keluar")
    assert client.get(f"/masuk/sandi-baru/{token}").status_code == 400


def test_asking_for_links_is_rate_limited_per_address_asked(app_config, smtp, app):
    f.make_user("officer", email="siti@example.org", password="sandi-lama-sekali")
    db.session.commit()
    with other_app(app_config, RATELIMIT_ENABLED=True, RATELIMIT_PASSWORD_RESET="2 per hour") as (
        _,
        client,
    ):
        codes = [
            client.post(
                "/masuk/lupa-sandi",
                data={"email": "siti@example.org"},
                environ_base={"REMOTE_ADDR": f"10.0.1.{i}"},
            ).status_code
            for i in range(3)
        ]
        assert codes == [302, 302, 429]
    assert len(smtp.handler.by_recipient()["siti@example.org"]) == 2


def test_the_pages_speak_english_too(client, smtp, account):
    page = client.get("/masuk/lupa-sandi?lang=en").get_data(as_text=True)
    assert "Forgot your password?" in page
    assert "Send me a link" in page
    response = _ask(client, "siti@example.org")
    assert "If an account uses this address" in response.get_data(as_text=True)
