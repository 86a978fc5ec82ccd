"""Sign-in hardening (issue 14 pt 11): the same work whether the account exists, the rate limit
per account as well as per address, one password policy everywhere, the Secure-cookie warning."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import factories as f
from tests.webapp.app_helpers import other_app
from webapp import create_app
from webapp.models import User, db, users
from webapp.passwords import password_problem


@pytest.fixture
def officer(app):
    user = f.make_user("officer", email="ahmad@example.org", password="sandi-rahasia-1")
    db.session.commit()
    return user


@pytest.fixture
def hash_checks(monkeypatch):
    """Count every password hash check, the unit of work that made login time reveal accounts."""
    calls: list[str] = []
    real = users.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        calls.append(password)
        return real(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("email", ["nobody@example.org", "ahmad@example.org"])
def test_a_failed_sign_in_hashes_once_whether_or_not_the_account_exists(
    client, officer, hash_checks, email
):
    response = client.post("/masuk", data={"email": email, "password": "salah-sekali"})
    assert "Email atau kata sandi salah." in response.get_data(as_text=True)
    assert hash_checks == ["salah-sekali"]


def test_an_inactive_account_is_checked_like_any_other(client, officer, hash_checks):
    officer.active = False
    db.session.commit()
    client.post("/masuk", data={"email": "ahmad@example.org", "password": "sandi-rahasia-1"})
    assert hash_checks == ["sandi-rahasia-1"]
    assert client.get("/saya").status_code == 302


def test_the_sign_in_limit_counts_per_account_from_any_address(app_config, officer):
    with other_app(app_config, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute") as (
        _,
        client,
    ):
        codes = [
            client.post(
                "/masuk",
                data={"email": "Ahmad@example.org", "password": "salah"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
            ).status_code
            for i in range(4)
        ]
        assert codes == [200, 200, 200, 429]


def test_one_address_may_try_several_accounts_up_to_its_own_limit(app_config, officer):
    with other_app(
        app_config,
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="2 per minute",
        RATELIMIT_LOGIN_IP="5 per minute",
    ) as (_, client):
        codes = [
            client.post(
                "/masuk", data={"email": f"user{i}@example.org", "password": "salah"}
            ).status_code
            for i in range(6)
        ]
        assert codes == [200] * 5 + [429]  # one NAT: five people, not two, before it waits


@pytest.fixture
def redis_socket(tmp_path: Path) -> Iterator[Path]:
    """A private Redis server on a Unix socket (no port, nothing saved), for this test only."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: apt-get install -y redis-server (.ci/run does)"
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            assert process.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not open its socket"
            time.sleep(0.05)
        yield socket
    finally:
        process.terminate()
        process.wait(timeout=10)


#: One web worker: its own app (and its own Limiter state), signing in N times as one account.
WORKER = """
import json, sys
from webapp import create_app
config, worker, attempts = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
client = create_app(config).test_client()
codes = [
    client.post(
        "/masuk",
        data={"email": "ahmad@example.org", "password": "salah"},
        environ_base={"REMOTE_ADDR": f"10.{worker}.0.{i}"},
    ).status_code
    for i in range(attempts)
]
print(json.dumps(codes))
"""


def test_workers_share_the_sign_in_limit_through_a_shared_store(app_config, officer, redis_socket):
    """Two worker processes, one Redis: the per-account limit counts every worker's attempts
    (with the default in-process store each worker would allow the whole limit)."""
    config = {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": "5 per minute",
        "RATELIMIT_STORAGE_URI": f"redis+unix://{redis_socket}",
    }

    def worker(name: str, attempts: int) -> list[int]:
        out = subprocess.run(
            [sys.executable, "-c", WORKER, json.dumps(config), name, str(attempts)],
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert worker("1", 3) == [200, 200, 200]
    assert worker("2", 3) == [200, 200, 429]  # its third is the account's sixth attempt


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("12345678", False),
        ("sandi-kuat", True),
        ("pendek-9", False),
        ("1234567890", False),
        ("Password123", False),
        ("aaaaaaaaaaaa", False),
        ("gudang-beras-2026", True),
    ],
)
def test_the_password_policy(app, password, ok):
    assert (password_problem(password) is None) is ok


def test_the_account_page_refuses_a_common_password(client, login, officer):
    login(officer)
    response = client.post(
        "/akun/sandi",
        data={"current": "sandi-rahasia-1", "new": "1234567890", "confirm": "1234567890"},
    )
    assert response.status_code == 400
    assert "terlalu umum" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, officer.id).check_password("sandi-rahasia-1")


def test_the_cli_refuses_a_common_password(cli):
    result = cli(
        "user", "create", "--email", "x@example.org", "--role", "admin", "--password", "1234567890"
    )
    assert result.exit_code != 0
    assert "too common" in result.output


@pytest.mark.parametrize(
    ("base_url", "secure", "warns"),
    [
        ("https://opop.example.org", False, True),
        ("https://opop.example.org", True, False),
        ("http://127.0.0.1:5000", False, False),
        ("http://localhost:8000", False, False),
    ],
)
def test_the_app_warns_when_it_serves_a_public_host_without_secure_cookies(
    app_config, caplog, base_url, secure, warns
):
    with caplog.at_level(logging.WARNING):
        create_app({**app_config, "BASE_URL": base_url, "SESSION_COOKIE_SECURE": secure})
    assert any("SESSION_COOKIE_SECURE" in r.getMessage() for r in caplog.records) is warns
