"""Small helpers shared by the officer pages: my pesantren, contact links, localised text."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from flask import abort
from flask_babel import get_locale
from flask_login import current_user

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


def wa_number(phone: str) -> str:
    """WhatsApp wants international digits: ``0812-3456`` → ``628123456``."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits


def whatsapp_link(phone: str, text: str) -> str | None:
    number = wa_number(phone)
    if len(number) < 8:
        return None
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


def mailto_link(email: str, subject: str, body: str) -> str | None:
    if not email or "@" not in email:
        return None
    return f"mailto:{quote(email, safe='@')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
