"""The market version: every kind of write to what a market is built from bumps it in the
writer's transaction, reads do not, and other threads and processes see it after the commit.
The officer pages' cached market follows it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, event, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.util import find_tables

from tests import factories as f
from tests.webapp import facilitator_data
from tests.webapp.api_helpers import API, bearer
from tests.webapp.authz import build_world
from tests.webapp.concurrency_helpers import in_thread
from tests.webapp.officer_data import build_network
from tests.webapp.spreadsheet_helpers import SUMENEP_NSPP, make_network, write
from webapp import market_cache, rounds
from webapp.market_io import build_market
from webapp.models import MARKET_TABLES, Certificate, Listing, db, market_version
from webapp.seed import load_seed
from webapp.spreadsheets import import_file

ROOT = Path(__file__).resolve().parents[2]


def committed() -> int:
    """The version another connection sees now."""
    with db.engine.connect() as conn:
        return market_version(conn)


@pytest.fixture
def net(app, client, login):
    network = build_network()
    login(network.officer_a)
    return network


def test_the_tracked_tables_are_exactly_the_tables_build_market_reads(app):
    read: set[str] = set()

    def collect(state: ORMExecuteState) -> None:
        read.update(t.name for t in find_tables(state.statement, include_crud=True))

    event.listen(Session, "do_orm_execute", collect)
    try:
        build_market(db.session)
    finally:
        event.remove(Session, "do_orm_execute", collect)
    assert read == MARKET_TABLES


# -- every kind of write bumps it ---------------------------------------------------------


def test_an_officer_form_creates_edits_and_deletes_a_listing_each_bumping_once(client, net):
    before = committed()
    form = {"product": "gereh", "quantity": "2", "unit": "kwintal", "period": "month"}
    assert client.post("/saya/listing/baru/offer", data={**form, "price": "55.000"}).status_code
    assert committed() == before + 1
    edit = {**form, "quantity": "3", "price": "60.000"}
    assert client.post(f"/saya/listing/{net.need_a.id}/ubah", data=edit).status_code == 302
    assert committed() == before + 2
    assert client.post(f"/saya/listing/{net.need_a.id}/jeda").status_code == 302
    assert committed() == before + 3
    assert client.post(f"/saya/listing/{net.need_a.id}/hapus").status_code == 302
    assert db.session.get(Listing, net.need_a.id) is None
    assert committed() == before + 4


def test_a_refused_form_changes_nothing_and_bumps_nothing(client, net):
    before = committed()
    bad = {"product": "gereh", "quantity": "-1", "unit": "kg", "period": "month"}
    assert client.post(f"/saya/listing/{net.need_a.id}/ubah", data=bad).status_code == 400
    assert committed() == before


def test_the_api_creates_edits_and_deletes_a_listing_each_bumping(client, net):
    headers = bearer(net.officer_a)
    before = committed()
    created = client.post(
        f"{API}/listings",
        headers=headers,
        json={"kind": "offer", "product": "susu-sapi", "quantity": 300, "unit": "liter",
              "price": 8500, "required_certs": []},
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    assert committed() == before + 1
    listing_id = created.get_json()["id"]
    patch = client.patch(f"{API}/listings/{listing_id}", headers=headers, json={"quantity": 250})
    assert patch.status_code == 200
    assert committed() == before + 2
    assert client.delete(f"{API}/listings/{listing_id}", headers=headers).status_code == 204
    assert committed() == before + 3


def test_answering_a_proposal_bumps(app, client, login):
    world = build_world()
    login(world.users["officer_a"])
    before = committed()
    client.post(f"/usulan/{world.barter_ab.id}/terima")
    assert committed() == before + 1
    login(world.users["officer_b"])
    client.post(f"/usulan/{world.barter_ab.id}/tolak", data={"reason": "distance"})
    assert committed() > before + 1


def test_a_certificate_a_pesantren_and_a_product_change_bump(app):
    pesantren = f.make_pesantren("3579")
    db.session.commit()
    before = committed()
    f.make_certificate(pesantren, "ikan-asin", "halal")
    db.session.commit()
    assert committed() == before + 1
    pesantren.santri_count = 1234
    db.session.commit()
    assert committed() == before + 2
    product = f.make_product("ikan-asin")
    product.substitutes.append(f.make_product("teri-asin"))
    db.session.commit()
    assert committed() == before + 3  # one commit, one bump, however many rows


def test_a_rolled_back_change_does_not_bump(app):
    pesantren = f.make_pesantren("3579", santri_count=100)
    db.session.commit()
    before = committed()
    pesantren.santri_count = 200
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert committed() == before


def test_orm_bulk_update_and_delete_statements_bump(client, net):
    before = committed()
    db.session.execute(
        update(Listing).where(Listing.id == net.offer_a.id).values(note="bulk"),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    assert committed() == before + 1
    db.session.execute(delete(Certificate))
    db.session.commit()
    assert committed() == before + 2


def test_a_change_inside_a_savepoint_bumps_once_at_the_outer_commit(client, net):
    before = committed()
    with db.session.begin_nested():
        db.session.get(Listing, net.offer_a.id).note = "in a savepoint"
    assert committed() == before  # the savepoint is released, the transaction still open
    db.session.commit()
    assert committed() == before + 1


def test_a_spreadsheet_import_bumps_and_a_refused_one_does_not(app, tmp_path):
    make_network()
    header = (
        "nspp,product,quantity,unit,unit_size,period,price,min_lot,required_certs,"
        "available_from,available_until,status,last_confirmed,note"
    )
    good = f"{SUMENEP_NSPP},ikan-asin,300,kg,,month,45000,0,,,,active,2026-11-01,"
    before = committed()
    assert import_file("offers", write(tmp_path, "offers.csv", f"{header}\n{good}\n")).ok
    assert committed() == before + 1
    bad = f"{SUMENEP_NSPP},ikan-asin,-3,kg,,month,45000,0,,,,active,2026-11-01,"
    assert not import_file("offers", write(tmp_path, "bad.csv", f"{header}\n{bad}\n")).ok
    assert committed() == before + 1


def test_loading_the_seed_bumps_and_loading_it_again_does_not(app):
    before = committed()
    load_seed()
    assert committed() == before + 1
    load_seed()
    assert committed() == before + 1


def test_storing_and_publishing_a_round_bumps(app):
    net = facilitator_data.build_network()
    before = committed()
    match_round = facilitator_data.stored_round(
        net
    )  # COPY on PostgreSQL: outside the session's events
    stored = committed()
    assert stored > before
    rounds.publish_round(match_round, net.facilitator)
    assert committed() > stored


# -- reading does not ---------------------------------------------------------------------


def test_officer_pages_that_only_read_leave_the_version_alone(client, net):
    before = committed()
    for url in ("/saya", "/saya/listing", "/cari?q=gereh", "/cari?q=gerh", "/usulan",
                f"{API}/suppliers?product=gereh"):  # fmt: skip
        assert client.get(url).status_code in (200, 400), url
    assert committed() == before


# -- the cached market follows it ---------------------------------------------------------


def test_the_cached_market_is_rebuilt_after_a_commit_in_another_thread(app, client, net):
    first = market_cache.snapshot()
    assert market_cache.snapshot() is first  # nothing changed: the same market

    def edit() -> None:
        db.session.get(Listing, net.offer_b.id).quantity = Decimal("77")
        db.session.commit()

    thread, outcome = in_thread(app, edit)
    thread.join(60)
    assert "error" not in outcome, outcome
    db.session.rollback()  # the test's own transaction ends: it sees the commit
    assert committed() == first.version[0] + 1
    again = market_cache.snapshot()
    assert again is not first
    offers = again.market.offers
    assert float(offers.loc[offers["listing_id"] == net.offer_b.id, "quantity"].iloc[0]) == 77


def test_an_uncommitted_change_gets_a_market_of_its_own_never_the_shared_one(client, net):
    shared = market_cache.snapshot()
    db.session.get(Listing, net.offer_b.id).status = "paused"
    mine = market_cache.snapshot()
    assert mine is not shared
    assert net.offer_b.id not in set(mine.market.offers["listing_id"])
    db.session.rollback()
    assert market_cache.snapshot() is shared


def test_another_process_sees_the_new_version_after_the_commit(app, client, net):
    before = committed()
    db.session.get(Listing, net.offer_b.id).note = "not yet committed"
    db.session.flush()
    assert _version_in_another_process(app) == before
    db.session.commit()
    assert _version_in_another_process(app) == before + 1


def _version_in_another_process(app) -> int:
    script = (
        "import sys\n"
        "from webapp import create_app\n"
        "from webapp.models import db, market_version\n"
        "app = create_app({'DATABASE_URL': sys.argv[1], 'SECRET_KEY': 'x',"
        " 'INSTANCE_PATH': sys.argv[2]})\n"
        "with app.app_context():\n"
        "    print(market_version(db.session))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script, app.config["DATABASE_URL"], app.instance_path],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip
    return int(out.stdout.strip())


def test_concurrent_writers_each_bump_once_without_deadlock(app, client, net, is_postgres):
    """Each writer holds its own listing's row lock, then all commit at once: the counter's
    lock is taken last by each, so they queue on it and none waits for another's rows."""
    if not is_postgres:
        pytest.skip("needs concurrent writers with row locks: run with OPOP_TEST_DATABASE_URL")
    ids = [net.offer_a.id, net.offer_b.id, net.offer_c.id, net.need_a.id]
    before = committed()
    flushed = threading.Barrier(len(ids), timeout=60)

    def writer(listing_id: int) -> int:
        listing = db.session.get(Listing, listing_id)
        listing.note = f"writer {listing_id}"
        db.session.flush()  # the listing row is locked
        flushed.wait()
        db.session.commit()
        return listing.pesantren_id

    runs = [in_thread(app, lambda i=i: writer(i)) for i in ids]
    for thread, _outcome in runs:
        thread.join(90)
    assert [o for _t, o in runs if "error" in o] == []
    assert committed() == before + len(ids)
