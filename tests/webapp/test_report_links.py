"""The report's web pages: signed links that work without logging in, preferences, preview."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_listing, make_pesantren, make_user
from tests.webapp.report_helpers import WEEK, build_week
from webapp.models import User, db
from webapp.report import parse_week, unsubscribe_token
from webapp.report.links import listing_token


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["BASE_URL"] = "https://opop.example.id"
    return app_config


def _reload(obj: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def test_unsubscribe_link_asks_first_then_unsubscribes_account_and_pesantren(app, client):
    pesantren = make_pesantren(email="Kontak@Pondok.sch.id")
    user = make_user("officer", pesantren, email="kontak@pondok.sch.id")
    db.session.commit()
    url = f"/laporan/berhenti/{unsubscribe_token('kontak@pondok.sch.id')}"

    page = client.get(url)
    assert page.status_code == 200
    assert "kontak@pondok.sch.id" in page.get_data(as_text=True)
    assert _reload(user).report_frequency == "weekly"  # GET changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert _reload(user).report_frequency == "none"
    assert _reload(pesantren).report_frequency == "none"


def _tampered(token: str) -> str:
    """``token`` with the first character of its signature changed: a full 6-bit digit,
    so the signature always differs (the last digit of a base64 signature may carry only
    padding bits, and may already be the replacement)."""
    payload, signature = token.rsplit(".", 1)
    return f"{payload}.{'B' if signature[0] != 'B' else 'C'}{signature[1:]}"


def test_a_tampered_unsubscribe_token_is_rejected_and_changes_nothing(app, client):
    pesantren = make_pesantren(email="kontak@pondok.sch.id")
    db.session.commit()
    token = unsubscribe_token("kontak@pondok.sch.id")
    forged = unsubscribe_token("someone@else.id").split(".")[0] + "." + token.split(".")[1]

    for bad in (forged, _tampered(token), "nonsense"):
        response = client.post(f"/laporan/berhenti/{bad}", data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400
    assert _reload(pesantren).report_frequency == "weekly"


def test_still_available_link_confirms_without_login_and_refuses_forgeries(app, client):
    pesantren = make_pesantren()
    listing = make_listing(pesantren, "offer")
    old = listing.last_confirmed_at.replace(year=2025)
    listing.last_confirmed_at = old
    db.session.commit()
    week = parse_week(WEEK)

    response = client.get(f"/laporan/masih-tersedia/{listing_token(listing.id, week)}")

    assert response.status_code == 200
    assert "Terima kasih" in response.get_data(as_text=True)
    assert _reload(listing).last_confirmed_at > old
    forged = _tampered(listing_token(listing.id + 1, week))
    assert client.get(f"/laporan/masih-tersedia/{forged}").status_code == 400
    expired = listing_token(listing.id, parse_week("2025-W01"))
    assert client.get(f"/laporan/masih-tersedia/{expired}").status_code == 400


def test_preferences_page_saves_frequency_and_language(app, client, login):
    user = login(make_user("officer", language="id"))

    assert client.get("/akun/laporan").status_code == 200
    response = client.post("/akun/laporan", data={"report_frequency": "none", "language": "en"})

    assert response.status_code == 302
    user = _reload(user)
    assert (user.report_frequency, user.language) == ("none", "en")
    bad = client.post("/akun/laporan", data={"report_frequency": "daily", "language": "en"})
    assert bad.status_code == 400
    assert _reload(user).report_frequency == "none"


def test_preferences_need_a_signed_in_user(app, client):
    response = client.get("/akun/laporan")
    assert response.status_code in (302, 401)


def test_a_user_who_chose_none_gets_no_report_even_as_pesantren_contact(app):
    from webapp.report import recipients

    pesantren = make_pesantren(email="kontak@pondok.sch.id", language="en")
    make_user("officer", pesantren, email="kontak@pondok.sch.id", report_frequency="none")
    other = make_pesantren(email="lain@pondok.sch.id")
    make_user("officer", other, email="pengurus@pondok.sch.id", language="en")

    found = {r.address: r for r in recipients(db.session)}

    assert "kontak@pondok.sch.id" not in found
    assert found["lain@pondok.sch.id"].language == "id"
    assert found["pengurus@pondok.sch.id"].pesantren_ids == [other.id]


def test_facilitator_previews_any_recipients_report_before_it_is_sent(app, client, login):
    s = build_week()
    login(db.session.get(User, 202))

    index = client.get(f"/laporan/pratinjau?week={WEEK}")
    assert index.status_code == 200
    assert s.emails["sumenep"] in index.get_data(as_text=True)

    page = client.get(f"/laporan/pratinjau/{s.emails['sumenep']}?week={WEEK}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Decided since your last report" in text  # the text part, in English
    html = client.get(f"/laporan/pratinjau-html/{s.emails['sumenep']}?week={WEEK}")
    assert html.status_code == 200
    assert "Trade #502" in html.get_data(as_text=True)
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert client.get("/laporan/pratinjau/nobody@example.org").status_code == 404


def test_officers_cannot_preview_other_peoples_reports(app, client, login):
    s = build_week()
    login(db.session.get(User, 201))

    assert client.get(f"/laporan/pratinjau/{s.emails['sumenep']}").status_code == 403
    assert client.get("/laporan/pratinjau").status_code == 403


def test_pesantren_without_email_are_not_recipients(app):
    from webapp.report import recipients

    make_pesantren(email="")
    assert recipients(db.session) == []
