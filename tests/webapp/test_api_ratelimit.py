"""API rate limiting (its own module: the limit is switched on for every test here)."""

from __future__ import annotations

import pytest

from tests.webapp.api_helpers import API, assert_error, bearer
from tests.webapp.facilitator_data import build_network


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_API": "30 per minute"}


def test_too_many_requests_get_a_429_in_json(client, app):
    net = build_network()
    headers = bearer(net.officers["batu"])
    statuses = [client.get(f"{API}/catalogue", headers=headers).status_code for _ in range(30)]
    assert statuses == [200] * 30
    assert_error(client.get(f"{API}/catalogue", headers=headers), 429, "rate_limited")
    other = bearer(net.officers["sumenep"])  # counted per token, not for everyone
    assert client.get(f"{API}/catalogue", headers=other).status_code == 200
