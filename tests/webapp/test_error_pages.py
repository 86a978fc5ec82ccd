"""Error pages: the layout, in the reader's language; JSON in the API's contract under /api/."""

from __future__ import annotations

import pytest

from tests import factories as f


def _page(response):
    return response.get_data(as_text=True)


def test_a_missing_page_is_an_indonesian_page_in_the_layout(client):
    response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    page = _page(response)
    assert "Halaman tidak ditemukan" in page
    assert 'name="viewport"' in page  # the layout, so it fits a phone
    assert "Not Found" not in page


def test_a_missing_page_speaks_english_on_request(client):
    page = _page(client.get("/tidak-ada?lang=en"))
    assert "Page not found" in page


def test_a_forbidden_page_is_explained(client, login):
    login(f.make_user("officer"))
    response = client.get("/fasilitator/")
    assert response.status_code == 403
    assert "Tidak ada akses" in _page(response)


def test_a_wrong_method_gets_a_405_page(client):
    response = client.delete("/masuk")
    assert response.status_code == 405
    assert "Tindakan tidak diizinkan di sini" in _page(response)


def test_a_nul_byte_gets_a_400_page(client):
    response = client.get("/katalog?q=a%00b")
    assert response.status_code == 400
    assert "Permintaan tidak dapat dibaca" in _page(response)


def test_an_upload_too_large_gets_a_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10
    response = client.post("/masuk", data={"email": "x" * 100})
    assert response.status_code == 413
    assert "Berkas atau formulir terlalu besar" in _page(response)


def test_an_unexpected_error_gets_a_500_page_that_says_nothing_changed(app, client):
    def broken() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/rusak", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/rusak")
    assert response.status_code == 500
    page = _page(response)
    assert "Terjadi kesalahan" in page
    assert "boom" not in page


@pytest.mark.parametrize("path", ["/api/v1/tidak-ada", "/api/tidak-ada"])
def test_api_paths_keep_the_json_error_contract(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_language_switch_keeps_the_page_and_its_query(client):
    page = _page(client.get("/katalog?q=ikan+asin&quantity=300"))
    assert 'href="/katalog?q=ikan+asin&amp;quantity=300&amp;lang=en"' in page
    page = _page(client.get("/katalog?q=ikan&lang=en"))
    assert 'href="/katalog?q=ikan&amp;lang=id"' in page


def test_form_library_messages_are_in_indonesian(client):
    page = _page(client.post("/masuk", data={"email": "", "password": ""}))
    assert "Isian ini wajib diisi." in page
    assert "This field is required." not in page
    page = _page(client.post("/masuk?lang=en", data={"email": "", "password": ""}))
    assert "This field is required." in page


def test_every_form_derives_from_the_one_base_that_translates_the_form_library(app):
    from flask_wtf import FlaskForm

    from webapp.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("webapp.")]
    assert len(ours) > 10  # the app (with every view) is loaded
    assert [c.__name__ for c in ours if not issubclass(c, Form)] == []


def test_the_sign_in_prompt_is_in_indonesian(client):
    response = client.get("/akun", follow_redirects=True)
    assert "Masuk dulu untuk membuka halaman ini." in _page(response)


def test_too_many_attempts_get_the_page_in_indonesian(app_config):
    from tests.webapp.app_helpers import other_app

    with other_app(app_config, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="1 per minute") as (
        _,
        client,
    ):
        for _attempt in range(2):
            response = client.post("/masuk", data={"email": "a@example.org", "password": "x"})
        assert response.status_code == 429
        page = _page(response)
        assert "Terlalu banyak percobaan" in page
        assert "per 1 minute" not in page
