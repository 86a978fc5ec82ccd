"""Configuration: defaults here, then ``instance/opop.cfg``, then ``OPOP_*`` environment variables.

Every key can be set as an environment variable with the ``OPOP_`` prefix
(``OPOP_DATABASE_URL``, ``OPOP_SMTP_HOST`` ...); values are parsed as JSON where they look
like it (``OPOP_SMTP_PORT=587`` is an int).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # default: sqlite:///<instance>/opop.sqlite3
    "BASE_URL": "http://127.0.0.1:5000",
    "BABEL_DEFAULT_LOCALE": "id",
    "LANGUAGES": ["id", "en"],
    # Every time shown is Western Indonesian Time: East Java's clock (no daylight saving).
    "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # set OPOP_SESSION_COOKIE_SECURE=true behind HTTPS
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 50_000,  # a spreadsheet import reads at most this many data rows
    "IMPORT_MAX_COLUMNS": 100,  # ... and this many columns
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_LOGIN": "10 per minute;50 per hour",  # sign-in attempts per account (email)
    "RATELIMIT_LOGIN_IP": "60 per minute;300 per hour",  # ... and per address (one NAT: many)
    "RATELIMIT_PASSWORD_RESET": "3 per hour",  # reset emails asked for one account (email)
    "PASSWORD_RESET_HOURS": 2,  # a reset link works once, for this long
    "ACTIVATION_DAYS": 7,  # a new account's activation link works once, for this long
    "RATELIMIT_API": "300 per minute",
    "RATELIMIT_ANSWER_LINK": "30 per minute;200 per hour",  # /jawab/<token>, per address
    "RATELIMIT_ANSWER_LINK_EMAIL": "3 per hour",  # "email me my answer link", per view link
    "RATELIMIT_JOIN": "10 per hour;30 per day",  # "Daftar" requests posted, per address
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_SECURITY": "none",  # none / starttls / ssl
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "MAIL_FROM": "OPOP Match <noreply@opop-match.local>",
    "MAIL_OUTBOX": "",  # a folder: write emails there as .eml files instead of sending them
    "STALE_LISTING_DAYS": 60,
    # The life of a proposal (README, "A proposal's life").
    "PROPOSAL_RESPONSE_DAYS": 14,  # parties answer within this many days of publication
    "VETO_WEEKS": 8,  # a facilitator's veto keeps the pairing out of rounds this long
    "DEAL_COMPLETION_WEEKS": 6,  # a confirmed deal not completed by then is flagged
    "PUBLISH_CONFIRMATION_SECONDS": 3600,  # the publish summary's confirmation lasts this long
    # Compressed responses (Flask-Compress) for clients that send Accept-Encoding: brotli
    # first, gzip for the rest. Streamed downloads (spreadsheet exports) pass unchanged.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_STREAMS": False,
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/plain",
        "text/csv",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "image/svg+xml",
    ],
}


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Load configuration in order: defaults, instance file, environment, ``test_config``."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("opop.cfg", silent=True)
        app.config.from_prefixed_env(prefix="OPOP")
    else:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    url = app.config.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "opop.sqlite3")
    )
    app.config["DATABASE_URL"] = url
    app.config["SQLALCHEMY_DATABASE_URI"] = _driver_url(url)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})


def _driver_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs, the driver we install."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _instance_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, so sessions survive a restart."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return path.read_text().strip()
