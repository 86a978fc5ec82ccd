"""Rounds run in the worker process, never in the web's: the web queues a round, the
database lets at most one run, and exactly one worker claims it."""

from __future__ import annotations

import gc
import subprocess
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from threadpoolctl import threadpool_info

from tests.webapp.facilitator_data import build_network
from webapp import rounds, worker
from webapp.models import MatchRound, db, utcnow
from webapp.rounds import RoundError

ROOT = Path(__file__).resolve().parents[2]


def running_count() -> int:
    db.session.expire_all()
    return int(
        db.session.scalar(
            select(func.count()).select_from(MatchRound).where(MatchRound.status == "running")
        )
    )


def test_the_database_refuses_a_second_running_round_even_when_the_check_is_raced(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = rounds.queue_match_round()
    monkeypatch.setattr(rounds.run, "running_round", lambda session: None)  # both pass the check
    with pytest.raises(RoundError, match=f"Round {first.id} is waiting for the round worker"):
        rounds.queue_match_round()
    assert running_count() == 1


def test_simultaneous_starts_yield_one_running_round(app: Flask) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        with app.app_context():
            barrier.wait()
            try:
                rounds.queue_match_round()
                outcomes.append("started")
            except RoundError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["refused"] * 7 + ["started"]
    assert running_count() == 1


def test_simultaneous_publishes_give_one_publish_and_clear_refusals(app: Flask) -> None:
    """Four facilitators publish at once: two press on the same round, two on an older
    draft. No deadlock, no 500: the newest round is published at most once and every
    other attempt is refused with a RoundError saying why."""
    from tests.webapp.round_helpers import FakeEngine, two_plans

    plans, _w = two_plans()
    older = rounds.run_match_round(engine=FakeEngine(plans)).id
    newer = rounds.run_match_round(engine=FakeEngine(plans)).id
    outcomes: list[tuple[int, str]] = []
    barrier = threading.Barrier(4)

    def publish(round_id: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                rounds.publish_round(db.session.get(MatchRound, round_id))
                outcomes.append((round_id, "published"))
            except RoundError as exc:
                outcomes.append((round_id, str(exc)))
            except Exception as exc:  # a deadlock or any other failure: the test fails
                outcomes.append((round_id, f"ERROR {type(exc).__name__}: {exc}"))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish, args=(i,)) for i in (newer, newer, older, older)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [o for o in outcomes if o[1].startswith("ERROR")], outcomes
    published = [rid for rid, text in outcomes if text == "published"]
    assert len(published) <= 2
    assert published.count(newer) <= 1
    assert published.count(older) <= 1
    refusals = [text for _rid, text in outcomes if text != "published"]
    assert all("not draft" in text for text in refusals), refusals
    db.session.expire_all()
    statuses = dict(db.session.execute(select(MatchRound.id, MatchRound.status)).all())
    assert list(statuses.values()).count("published") == 1


def test_exactly_one_worker_claims_a_queued_round(app: Flask) -> None:
    queued = rounds.queue_match_round()
    assert worker.claim_next_round("host-a:1") == queued.id
    assert worker.claim_next_round("host-b:2") is None
    db.session.expire_all()
    assert db.session.get(MatchRound, queued.id).claimed_by == "host-a:1"
    with pytest.raises(RoundError, match="still running"):
        rounds.queue_match_round()


def test_a_queued_round_waits_for_a_worker_and_is_never_retired_as_dead(
    app: Flask, client, login
) -> None:
    net = build_network()
    login(net.facilitator)
    response = client.post("/fasilitator/putaran/jalankan")
    assert response.status_code == 302
    round_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    db.session.execute(
        db.update(MatchRound)
        .where(MatchRound.id == round_id)
        .values(updated_at=utcnow() - rounds.STALE_RUNNING * 10)
    )
    db.session.commit()
    page = client.get(f"/fasilitator/putaran/{round_id}?lang=en").get_data(as_text=True)
    assert "Waiting for the round worker" in page
    assert "opop-match worker" in page
    assert rounds.retire_dead_rounds(db.session) == []


def _blas_threads() -> list[int]:
    return sorted(int(pool["num_threads"]) for pool in threadpool_info())


def test_serving_while_the_worker_computes_leaves_the_web_process_settings_alone(
    app: Flask, client, login
) -> None:
    """A real round in a real worker process (``opop-match worker --once``) while this
    process serves the officer's pages, which run the candidate stage themselves."""
    net = build_network()
    gc_before, blas_before = gc.isenabled(), _blas_threads()
    login(net.facilitator)
    assert client.post("/fasilitator/putaran/jalankan").status_code == 302
    process = worker.spawn(
        app.config["DATABASE_URL"],
        "--once",
        "--poll",
        "0.2",
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        login(next(iter(net.officers.values())))
        served = 0
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            for path in ("/saya", "/cari?q=ikan+asin"):
                assert client.get(path).status_code == 200
                served += 1
            assert gc.isenabled() is gc_before
            assert _blas_threads() == blas_before
        output, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert served > 0
    assert gc.isenabled() is gc_before
    assert _blas_threads() == blas_before
    db.session.expire_all()
    match_round = db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()
    assert match_round.status == "draft", (match_round.error, output)
    assert match_round.claimed_by
    assert f"Round {match_round.id}: draft." in output
