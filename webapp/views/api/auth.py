"""API authentication: bearer tokens (only their SHA-256 stored) and same-origin sessions.

A request with ``Authorization: Bearer <token>`` acts as the token's user and is exempt
from CSRF (a browser never sends that header by itself). Without a token, a signed-in
session is honoured for safe methods (GET/HEAD) from our own pages only; anything that
changes data needs a token.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import g, request
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy import select

from ...models import ApiToken, User, db, utcnow
from .errors import ApiError

__all__ = [
    "TOKEN_PREFIX",
    "authenticate_request",
    "hash_token",
    "issue_token",
    "rate_limit_key",
    "require_user",
    "require_network_user",
]

TOKEN_PREFIX = "opop_"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the clear text is returned once and never stored."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(clear))
    db.session.add(token)
    db.session.flush()
    return token, clear


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "Use 'Authorization: Bearer <token>'.", code="invalid_token")
    return value.strip()


def rate_limit_key() -> str:
    """Count requests per token when one is given, else per client address."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "token:" + hash_token(header[7:].strip())[:32]
    return "ip:" + (request.remote_addr or "?")


def authenticate_request() -> None:
    """Run before every API view: settle who ``current_user`` is for this request."""
    token = _bearer()
    g.api_token_auth = False
    if token is not None:
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
        if row is None or row.revoked_at is not None or not row.user.active:
            raise ApiError(
                401,
                "The token is unknown, revoked, or its account is inactive.",
                code="invalid_token",
            )
        row.last_used_at = utcnow()
        db.session.commit()
        g._login_user = row.user  # Flask-Login reads the request's user from here
        g.api_token_auth = True
        return
    if current_user.is_authenticated and (
        request.method not in SAFE_METHODS
        or request.headers.get("Sec-Fetch-Site", "same-origin") == "cross-site"
    ):
        g._login_user = AnonymousUserMixin()


def require_user() -> User:
    if not current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            raise ApiError(401, "Changing data needs a bearer token.", code="unauthorized")
        raise ApiError(401, "Sign in or send a bearer token.", code="unauthorized")
    return current_user  # type: ignore[return-value]


def require_network_user() -> User:
    user = require_user()
    if user.role not in ("facilitator", "admin"):
        raise ApiError(403, "Only facilitators and admins may do this.")
    return user
