"""Two real connections racing (PostgreSQL only): threads, lock waits, reloading."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from webapp.models import Proposal, ProposalEvent, db


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip(
            "needs two concurrent connections with row locks: run with "
            "OPOP_TEST_DATABASE_URL=postgresql://... (SQLite serialises writers anyway)"
        )


def in_thread(
    app: Flask, work: Callable[[], Any], key: str = "result"
) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``work()`` in a new thread with its own app context and session; its result (or
    the exception it raised) lands in the returned dict as ``key`` (or ``error``)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        with app.app_context():
            try:
                outcome[key] = work()
            except Exception as exc:  # handed back to the test
                outcome["error"] = exc
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def run_in_thread(
    app: Flask, proposal_id: int, action: Callable[[Proposal], Any]
) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``action(proposal)`` in a new thread; the proposal's state after it is ``state``."""

    def work() -> str:
        p = db.session.get(Proposal, proposal_id)
        action(p)
        return str(p.state)

    return in_thread(app, work, key="state")


def wait_until_a_transaction_waits_for_a_lock(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            waiting = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("the second transaction never waited for the first one's lock")


class PauseFirstCall:
    """Wraps a function so its first call blocks (inside the caller's transaction) until released."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        if first:
            self.entered.set()
            assert self.release.wait(60), "test never released the paused transaction"
        return self.fn(*args, **kwargs)


def reload(proposal_id: int) -> Proposal:
    db.session.expire_all()
    p = db.session.get(Proposal, proposal_id)
    assert p is not None
    return p


def confirmations(proposal_id: int) -> int:
    return db.session.scalar(
        select(func.count(ProposalEvent.id)).where(
            ProposalEvent.proposal_id == proposal_id, ProposalEvent.to_state == "confirmed"
        )
    )
