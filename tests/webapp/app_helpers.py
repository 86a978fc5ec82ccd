"""An app on the test database under other settings (CSRF or the rate limiter switched on)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g, request_started
from flask.testing import FlaskClient

from webapp import create_app
from webapp.models import db


@contextmanager
def other_app(app_config: dict[str, Any], **overrides: Any) -> Iterator[tuple[Flask, FlaskClient]]:
    """The same database under different settings."""
    application = create_app({**app_config, **overrides})
    request_started.connect(_fresh_g, application)
    with application.app_context():
        yield application, application.test_client()
        db.session.remove()


def _fresh_g(sender: Any, **extra: Any) -> None:
    g.__dict__.clear()  # as the conftest's app does: no user or locale cached between requests


def csrf_token(page: str) -> str:
    """The CSRF token a page's form carries."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)
