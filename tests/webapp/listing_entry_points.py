"""The three ways a listing enters the service, driven the same way for the rule-set tests:
the officer form (test client, signed in), the JSON API (test client, bearer token) and the
spreadsheet import. Each returns ``(stored values or None, {field: message})``."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from webapp.models import Listing, Pesantren, Product, User, db
from webapp.spreadsheets import columns, import_file
from webapp.views.api.auth import issue_token

#: What the tests compare of a stored listing.
STORED = ("quantity", "unit", "unit_size", "period", "price", "available_from", "available_until")
_ERROR = re.compile(r'<p class="error" id="([a-z_]+)-error">(.*?)</p>', re.S)


def stored(pesantren: Pesantren, kind: str, slug: str) -> dict[str, Any] | None:
    """The stored listing's compared values, and the listing removed again (so the next entry
    point starts from the same database)."""
    db.session.expire_all()
    listing = db.session.scalar(
        select(Listing).where(
            Listing.pesantren_id == pesantren.id,
            Listing.kind == kind,
            Listing.product.has(Product.slug == slug),
        )
    )
    if listing is None:
        return None
    values = {name: getattr(listing, name) for name in STORED}
    db.session.delete(listing)
    db.session.commit()
    return values


def via_form(
    client: FlaskClient, kind: str, slug: str, fields: dict[str, str], language: str
) -> dict[str, str]:
    data = {"product": slug, "product_slug": slug, "period": "month", **fields}
    response = client.post(f"/saya/listing/baru/{kind}?lang={language}", data=data)
    if response.status_code == 302:
        return {}
    assert response.status_code == 400, response.status_code
    page = response.get_data(as_text=True)
    errors: dict[str, str] = {}
    for field, message in _ERROR.findall(page):
        errors.setdefault(field, html.unescape(message).strip())
    return errors


def via_api(
    client: FlaskClient,
    officer: User,
    kind: str,
    slug: str,
    fields: dict[str, str],
    language: str,
) -> dict[str, str]:
    _, token = issue_token(officer, "rules")
    db.session.commit()
    body: dict[str, Any] = {"kind": kind, "product": slug, **fields}
    response = client.post(
        "/api/v1/listings",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
    )
    if response.status_code == 201:
        return {}
    assert response.status_code == 422, response.get_data(as_text=True)
    return {d["field"]: d["message"] for d in response.get_json()["error"]["details"]}


def via_import(
    tmp_path: Path, pesantren: Pesantren, kind: str, slug: str, fields: dict[str, str],
    language: str,
) -> dict[str, str]:  # fmt: skip
    header = [c.name for c in columns(f"{kind}s")]
    row = {"nspp": pesantren.nspp, "product": slug, "period": "month", **fields}
    path = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerow({name: row.get(name, "") for name in header})
    with force_locale(language):
        report = import_file(f"{kind}s", path)
    errors: dict[str, str] = {}
    for error in report.errors:
        assert error.row == 2, error
        errors.setdefault(error.column, error.reason)
    return errors
