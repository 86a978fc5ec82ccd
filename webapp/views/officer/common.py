"""Small helpers shared by the officer pages: my pesantren, localised text (contact links
are :mod:`webapp.contact`, re-exported here)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import get_locale
from flask_login import current_user

from ...contact import mailto_link, wa_number, whatsapp_link
from ...models import Pesantren, db

__all__ = [
    "locale",
    "localised",
    "mailto_link",
    "my_pesantren",
    "wa_number",
    "whatsapp_link",
]


def locale() -> str:
    return str(get_locale() or "id")


def my_pesantren() -> Pesantren:
    """The signed-in officer's pesantren (404 for anyone without one)."""
    pid = getattr(current_user, "pesantren_id", None)
    pesantren = db.session.get(Pesantren, pid) if pid else None
    if pesantren is None:
        abort(404)
    return pesantren


def localised(value: Any, language: str | None = None) -> Any:
    """Pick the reader's language from ``{"id": ..., "en": ...}`` (reasons are stored so)."""
    language = language or locale()
    if isinstance(value, dict):
        return value.get(language) or value.get("id") or value.get("en") or ""
    return value or ""
