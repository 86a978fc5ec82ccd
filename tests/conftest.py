"""Shared fixtures: an app on a migrated database (SQLite by default, PostgreSQL when
``OPOP_TEST_DATABASE_URL`` names one), a test client and CLI runner, and table cleanup
after each test so tests never see each other's rows.

Run the suite on PostgreSQL with::

    OPOP_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/opop_test pytest
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import _driver_url
from webapp.models import Base, MarketState, bump_market_version, db

SEED_DIR = Path(__file__).resolve().parents[1] / "seed_data"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("OPOP_TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # one database per xdist worker
        parsed = make_url(_driver_url(url))
        url = parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
            hide_password=False
        )
    _recreate_postgres_database(url)
    return url


def _recreate_postgres_database(url: str) -> None:
    parsed = make_url(_driver_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgres")


@pytest.fixture(scope="session")
def _migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Apply the Alembic migrations once per session: tests run on the migrated schema."""
    from webapp import migrate

    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("instance")))
    migrate.upgrade(app)
    with app.app_context():
        db.engine.dispose()
    return database_url


def _test_config(database_url: str, instance: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://opop.test",
        "SERVER_NAME": None,
        "INSTANCE_PATH": str(instance),
    }


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes() -> Iterator[None]:
    """Test accounts get a cheap hash: scrypt's ~0.4 s per user would dominate the suite.

    ``tests/webapp/test_auth.py`` checks that real accounts still get the strong default.
    """
    from webapp.models import users

    strong = users.generate_password_hash
    users.generate_password_hash = lambda password, **_: strong(
        password, method="pbkdf2:sha256:1000"
    )
    yield
    users.generate_password_hash = strong


@pytest.fixture
def app_config(_migrated: str, tmp_path: Path) -> dict[str, Any]:
    """Override in a test module (or mutate) to change the app's configuration."""
    return _test_config(_migrated, tmp_path)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(app_config)
    # Requests reuse the test's app context, so ``g`` (Flask-Login's user, Flask-Babel's
    # locale) would leak from one request to the next; start each request with a fresh one.
    request_started.connect(_fresh_g, application)
    with application.app_context():
        yield application
        db.session.remove()
        _clear_tables()
        db.engine.dispose()


def _fresh_g(sender: Flask, **extra: Any) -> None:
    g.__dict__.clear()


def _clear_tables() -> None:
    """Delete every row but the market version's, which goes up: the next test's market is
    another one, and a market cached at the old version must not serve it."""
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table is not MarketState.__table__:
                conn.execute(table.delete())
        bump_market_version(conn)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def cli(app: Flask) -> Any:
    """Invoke the ``opop-match`` command against the test app: ``cli("db", "upgrade")``."""
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from webapp.cli import main

    def invoke(*args: str, input: str | None = None) -> Any:
        return CliRunner().invoke(
            main, list(args), obj=ScriptInfo(create_app=lambda: app), input=input
        )

    return invoke


@pytest.fixture
def login(client: FlaskClient) -> Any:
    """``login(user)`` signs ``user`` in on ``client`` (Flask-Login session) without a form."""

    def sign_in(user: Any) -> Any:
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium per test process, shared by every browser test.

    Playwright's sync API allows one running instance per thread: a second
    ``sync_playwright()`` while this one lives fails ("Sync API inside the asyncio loop"),
    so every test that needs a browser takes this fixture. Skips where Chromium is missing,
    except in CI, which installs it and must not pass by skipping."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        message = "browser tests need Debian's chromium: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
