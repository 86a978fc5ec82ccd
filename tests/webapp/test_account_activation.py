"""New accounts are activated from an emailed link (issue 12 pt 5): the facilitator never types
a password; the person chooses it. Through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from tests import factories as f
from webapp.models import User, db


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: Any) -> dict[str, Any]:
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port}


def _create(client, login, language: str = "en") -> tuple[User, Any]:
    facilitator = f.make_user("facilitator", email="fasil@example.org")
    p = f.make_pesantren("3579")
    db.session.commit()
    login(facilitator)
    data = {
        "name": "Ust. Hasan",
        "email": "hasan@example.org",
        "role": "officer",
        "pesantren": p.nspp,
        "language": language,
    }
    response = client.post("/fasilitator/pengguna/baru", data=data, follow_redirects=True)
    user = db.session.scalar(select(User).where(User.email == "hasan@example.org"))
    return user, response


def _activation_path(smtp: Any, subject: str) -> str:
    [msg] = smtp.handler.by_recipient()["hasan@example.org"][-1:]
    assert msg["Subject"] == subject
    body = msg.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://opop\.test(/masuk/aktifkan/\S+)", body)
    assert match, body
    return match.group(1)


def test_the_new_officer_activates_the_account_from_the_email_and_signs_in(
    app, client, login, smtp
):
    user, response = _create(client, login)
    assert "tautan aktivasi telah dikirim" in response.get_data(as_text=True)
    assert user.pesantren_id is not None
    path = _activation_path(smtp, "OPOP Match: activate your account")  # in the user's language

    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert "Aktifkan akun Anda" in page.get_data(as_text=True)
    weak = visitor.post(path, data={"new": "12345678", "confirm": "12345678"})
    assert weak.status_code == 400
    chosen = {"new": "gudang-beras-2026", "confirm": "gudang-beras-2026"}
    assert visitor.post(path, data=chosen).status_code == 302
    assert visitor.post(path, data=chosen).status_code == 400  # once only
    signed_in = visitor.post(
        "/masuk", data={"email": "hasan@example.org", "password": "gudang-beras-2026"}
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith("/saya")


def test_an_activation_link_expires_and_can_be_sent_again(client, login, smtp, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", TimestampSigner.get_timestamp)
    user, _ = _create(client, login, language="id")
    old = _activation_path(smtp, "OPOP Match: aktifkan akun Anda")
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 8 * 86400)
    assert client.get(old).status_code == 400  # a week is the default life
    monkeypatch.undo()

    response = client.post(f"/fasilitator/pengguna/{user.id}/aktivasi", follow_redirects=True)
    assert "Tautan aktivasi baru telah dikirim" in response.get_data(as_text=True)
    assert len(smtp.handler.by_recipient()["hasan@example.org"]) == 2
    assert client.get(_activation_path(smtp, "OPOP Match: aktifkan akun Anda")).status_code == 200


def test_no_new_activation_link_once_the_person_signed_in(client, login, smtp):
    user, _ = _create(client, login)
    user.last_login_at = user.created_at
    db.session.commit()
    response = client.post(f"/fasilitator/pengguna/{user.id}/aktivasi", follow_redirects=True)
    assert "sudah pernah masuk" in response.get_data(as_text=True)
    assert len(smtp.handler.by_recipient()["hasan@example.org"]) == 1


def test_a_failed_activation_email_is_said_and_the_account_kept(client, login, smtp):
    smtp.handler.refuse.add("hasan@example.org")
    user, response = _create(client, login)
    assert user is not None
    assert "tidak dapat dikirim" in response.get_data(as_text=True)
