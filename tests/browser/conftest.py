"""A live OPOP Match server for end-to-end tests in headless Chromium (Playwright).

``live_server`` runs the app in a thread (werkzeug ``make_server`` on a free port) on its own
SQLite database (or ``OPOP_TEST_DATABASE_URL`` + ``_browser``), loaded with the seed when
``webapp.seed.load_seed`` exists, else a small network from ``tests.factories``. Officers of a
barter pair and a facilitator get accounts; ``BrowserData`` says who and what.
Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import aliased
from werkzeug.serving import make_server

from webapp import create_app
from webapp.config import _driver_url
from webapp.models import Listing, MatchRound, Pesantren, db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
T = TypeVar("T")
PASSWORD = "sandi-uji-coba-1"


@dataclass
class BrowserData:
    base_url: str
    officer_a: str  # emails; the password is PASSWORD
    officer_b: str
    facilitator: str
    pesantren_a: str
    pesantren_b: str
    pesantren_b_id: int
    need_a_id: int
    need_a_product: str  # slug
    barter_id: int
    alias: str  # an alias of a product someone supplies, e.g. "gereh"


def _database_url(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    url = os.environ.get("OPOP_TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp(name) / f"{name}.sqlite3")
    from sqlalchemy.engine import make_url

    from tests.conftest import _recreate_postgres_database

    parsed = make_url(_driver_url(url))
    suffix = f"_{name}_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = parsed.set(database=f"{parsed.database}{suffix}").render_as_string(hide_password=False)
    _recreate_postgres_database(url)
    return url


@contextmanager
def serve(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    prepare: Callable[[], T],
    *,
    round_worker: bool = False,
    config: dict[str, Any] | None = None,
) -> Iterator[tuple[Flask, str, T]]:
    """The app on its own migrated database ``name`` (SQLite, or
    ``OPOP_TEST_DATABASE_URL`` + ``_<name>_<worker>``), filled by ``prepare()`` in an app
    context, served from a thread on a free port: yields ``(app, base_url, prepared)``.
    With ``round_worker``, an ``opop-match worker`` process computes the rounds it queues;
    ``config`` overrides settings (an SMTP server's port, say)."""
    from webapp import migrate, worker

    app = create_app(
        {
            "TESTING": False,
            "DATABASE_URL": _database_url(tmp_path_factory, name),
            "SECRET_KEY": f"{name}-test-secret",
            "RATELIMIT_ENABLED": False,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp(f"{name}-instance")),
            **(config or {}),
        }
    )
    migrate.upgrade(app)
    with app.app_context():
        prepared = prepare()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    process = worker.spawn(app.config["DATABASE_URL"], "--poll", "0.2") if round_worker else None
    try:
        yield app, f"http://127.0.0.1:{server.server_port}", prepared
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _seed_or_factories() -> None:
    try:
        from webapp.seed import load_seed
    except ImportError:
        load_seed = None
    if load_seed is not None:
        load_seed()
        return
    from tests.webapp.officer_data import build_network

    build_network()


def _barter_pair() -> tuple[Listing, Listing, Listing, Listing]:
    """Two pesantren each offering what the other needs (A's need first, then B's)."""
    oa, na, ob, nb = (aliased(Listing) for _ in range(4))
    row = db.session.execute(
        select(oa, na, ob, nb)
        .join(na, (na.pesantren_id == oa.pesantren_id) & (na.kind == "need"))
        .join(
            ob,
            (ob.product_id == na.product_id)
            & (ob.kind == "offer")
            & (ob.pesantren_id != oa.pesantren_id),
        )
        .join(
            nb,
            (nb.pesantren_id == ob.pesantren_id)
            & (nb.kind == "need")
            & (nb.product_id == oa.product_id),
        )
        .where(
            oa.kind == "offer",
            oa.status == "active",
            na.status == "active",
            ob.status == "active",
            nb.status == "active",
            oa.price.is_not(None),
            ob.price.is_not(None),
        )
        .order_by(oa.pesantren_id, ob.pesantren_id, oa.id, na.id)
        .limit(1)
    ).one()
    return row[0], row[1], row[2], row[3]


def _prepare() -> dict[str, Any]:
    from tests import factories as f
    from tests.webapp.authz import proposal

    _seed_or_factories()
    offer_a, need_a, offer_b, need_b = _barter_pair()
    a, b = (
        db.session.get(Pesantren, offer_a.pesantren_id),
        db.session.get(Pesantren, offer_b.pesantren_id),
    )
    f.make_user("officer", a, email="officer.a@opop.test", name="Ahmad Fauzi", password=PASSWORD)
    f.make_user("officer", b, email="officer.b@opop.test", name="Badrus Salam", password=PASSWORD)
    f.make_user(
        "facilitator", email="fasilitator@opop.test", name="Fatimah Azzahra", password=PASSWORD
    )
    rnd = MatchRound(status="published", as_of=dt.date.today())
    db.session.add(rnd)
    db.session.flush()
    barter = proposal(rnd, [(offer_a, need_b, ""), (offer_b, need_a, "")])
    for leg in barter.legs:  # value-balanced: the same value each way
        leg.unit_price = Decimal(leg.offer.price)
        leg.quantity = (Decimal("500000") / leg.unit_price).quantize(Decimal("0.001"))
        leg.value_idr = (leg.quantity * leg.unit_price).quantize(Decimal("0.01"))
    barter.value_idr = sum((leg.value_idr for leg in barter.legs), Decimal(0))
    db.session.commit()
    alias = (
        "gereh"
        if db.session.scalar(
            select(Listing.id)
            .join(Listing.product)
            .where(Listing.kind == "offer")
            .where(Listing.product.has(slug="ikan-asin"))
            .limit(1)
        )
        else need_a.product.slug
    )
    return {
        "pesantren_a": a.name,
        "pesantren_b": b.name,
        "pesantren_b_id": b.id,
        "need_a_id": need_a.id,
        "need_a_product": need_a.product.slug,
        "barter_id": barter.id,
        "alias": alias,
    }


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserData]:
    with serve(tmp_path_factory, "browser", _prepare) as (_, base_url, facts):
        yield BrowserData(
            base_url=base_url,
            officer_a="officer.a@opop.test",
            officer_b="officer.b@opop.test",
            facilitator="fasilitator@opop.test",
            **facts,
        )


@pytest.fixture
def page(browser: Any, live_server: BrowserData) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1280, "height": 900}
    )
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: BrowserData) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.base_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    pg = context.new_page()
    yield pg
    context.close()


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()


def shoot(page: Any, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
