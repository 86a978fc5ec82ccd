"""Links in emails: absolute URLs under ``OPOP_BASE_URL`` and the signed tokens they carry.

Emails are built outside any request, so URLs are built from the app's URL map bound to
``BASE_URL`` (scheme, host and path prefix), never from a request's host.

Tokens (``itsdangerous``, keyed by ``SECRET_KEY``, one salt per purpose):

- unsubscribe: the recipient address; no expiry (an unsubscribe link must keep working);
- still available: a listing id and the report week; accepted for ``LISTING_TOKEN_WEEKS``
  weeks after that week, so an old email cannot keep a listing alive for ever.
"""

from __future__ import annotations

import datetime as dt
from typing import cast
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.routing import BuildError, MapAdapter

from .weeks import ReportWeek, WeekError, parse_week

__all__ = [
    "LISTING_TOKEN_WEEKS",
    "BadSignature",
    "external_url",
    "listing_token",
    "read_listing_token",
    "read_unsubscribe_token",
    "unsubscribe_token",
]

LISTING_TOKEN_WEEKS = 8
_UNSUBSCRIBE = "opop-report-unsubscribe"
_LISTING = "opop-report-listing-still-available"


def external_url(endpoint: str, *, fallback: str | None = None, **values: object) -> str:
    """Absolute URL of ``endpoint`` under ``BASE_URL``.

    ``fallback`` (a path with ``{name}`` fields) is used while another area's endpoint is
    not registered yet, so a report still links somewhere sensible.
    """
    try:
        return _adapter().build(endpoint, values, force_external=True)
    except BuildError:
        if fallback is None:
            raise
        return str(current_app.config["BASE_URL"]).rstrip("/") + fallback.format(**values)


def _adapter() -> MapAdapter:
    """The URL map bound to ``BASE_URL`` (scheme, host, path prefix), made once per app."""
    base_url = str(current_app.config["BASE_URL"]).rstrip("/")
    cached = current_app.extensions.get("report_url_adapter")
    if cached is None or cached[0] != base_url:
        base = urlsplit(base_url)
        adapter = current_app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
        )
        cached = current_app.extensions["report_url_adapter"] = (base_url, adapter)
    return cast(MapAdapter, cached[1])


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def unsubscribe_token(address: str) -> str:
    return _serializer(_UNSUBSCRIBE).dumps(address.strip().lower())


def read_unsubscribe_token(token: str) -> str:
    """The address a token was made for; raises ``BadSignature`` if tampered with."""
    address = _serializer(_UNSUBSCRIBE).loads(token)
    if not isinstance(address, str) or "@" not in address:
        raise BadSignature("not an unsubscribe token")
    return address


def listing_token(listing_id: int, week: ReportWeek) -> str:
    return _serializer(_LISTING).dumps([listing_id, week.label])


def read_listing_token(token: str, now: dt.datetime) -> int:
    """The listing id; raises ``BadSignature`` if tampered with or older than allowed."""
    payload = _serializer(_LISTING).loads(token)
    try:
        listing_id, label = int(payload[0]), str(payload[1])
        week = parse_week(label)
    except (TypeError, ValueError, IndexError, KeyError, WeekError) as exc:
        raise BadSignature("not a listing token") from exc
    if now >= week.end + dt.timedelta(weeks=LISTING_TOKEN_WEEKS):
        raise BadSignature("this link has expired")
    return listing_id
