"""Fixtures shared by the web tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.webapp.report_helpers import SmtpServer, start_smtp


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    server = start_smtp()
    yield server
    server.stop()
