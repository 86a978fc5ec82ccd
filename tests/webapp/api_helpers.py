"""The JSON API's base path, a bearer header and the error-shape check, for the API tests."""

from __future__ import annotations

from webapp.models import db
from webapp.views.api.auth import issue_token

API = "/api/v1"


def bearer(user) -> dict[str, str]:
    _, clear = issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {clear}"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body["error"], dict), body
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]
