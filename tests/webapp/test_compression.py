"""Responses are compressed (brotli or gzip, Flask-Compress) when the client asks, and a
compressed body decodes to exactly the uncompressed one: pages, the JSON API, SVG."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from tests.webapp.facilitator_data import build_network, stored_round
from webapp.views.api.auth import issue_token


@pytest.fixture
def net(app):
    network = build_network()
    stored_round(network)
    return network


def _tokenless(page: bytes) -> bytes:
    """A page without its CSRF tokens: they carry the second they were made, so two fetches
    a second apart differ there and nowhere else."""
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token"', page)


def _fetch(client, url: str, encoding: str, **headers: str):
    return client.get(url, headers={"Accept-Encoding": encoding, **headers})


@pytest.mark.parametrize(
    ("encoding", "decode"), [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_a_facilitator_page_is_compressed_and_decodes_to_the_same_page(
    client, login, net, encoding, decode
):
    login(net.facilitator)
    plain = _fetch(client, "/fasilitator/putaran", "identity")
    packed = _fetch(client, "/fasilitator/putaran", encoding)
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = decode(packed.data)
    assert _tokenless(body) == _tokenless(plain.data)
    assert len(packed.data) < len(body) / 2


def test_the_json_api_is_compressed_and_decodes_to_the_same_document(client, net):
    from webapp.models import db

    _, token = issue_token(net.officers["batu"], "compression")
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    plain = _fetch(client, "/api/v1/pesantren", "identity", **auth)
    packed = _fetch(client, "/api/v1/pesantren", "gzip, br", **auth)
    assert packed.headers["Content-Encoding"] == "br"  # brotli preferred when both are offered
    assert brotli.decompress(packed.data) == plain.data
    assert plain.get_json()["data"]


def test_tiny_responses_and_clients_that_do_not_ask_stay_uncompressed(client, net, login):
    login(net.facilitator)
    assert _fetch(client, "/fasilitator/peta.svg", "").headers.get("Content-Encoding") is None
    svg = _fetch(client, "/fasilitator/peta.svg", "gzip")
    assert svg.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(svg.data).startswith(b"<svg")
