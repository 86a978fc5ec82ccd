"""NUL bytes never reach a view: PostgreSQL would answer them with a server error."""

from __future__ import annotations

from tests.factories import make_pesantren
from webapp.models import Pesantren, db


def test_a_nul_byte_in_a_page_parameter_gets_a_clear_400(client):
    response = client.get("/pesantren?regency=35%0079")
    assert response.status_code == 400
    assert "Parameter alamat &#39;regency&#39; berisi byte NUL." in response.get_data(as_text=True)


def test_a_nul_byte_in_an_api_parameter_gets_the_api_error_format(client):
    response = client.get("/api/v1/listings?product=ikan%00asin")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "'product' contains a NUL byte" in error["message"]


def test_a_nul_character_in_a_json_body_changes_nothing(client):
    pesantren = make_pesantren(name="Pondok Asli")
    db.session.commit()
    response = client.patch(
        f"/api/v1/pesantren/{pesantren.id}",
        data='{"name": "Pondok \\u0000 Palsu"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert db.session.get(Pesantren, pesantren.id).name == "Pondok Asli"


def test_a_nul_byte_in_a_form_field_changes_nothing(client, login):
    from tests.factories import make_user

    officer = make_user("officer")
    login(officer)
    response = client.post(
        "/saya/listing/baru/need",
        data={"product": "ikan\x00asin", "quantity": "5", "unit": "kg", "period": "month"},
    )
    assert response.status_code == 400
    assert officer.pesantren.listings == []
