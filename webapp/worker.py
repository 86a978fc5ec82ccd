"""The round worker: the process that computes the rounds the web and the API queue.

The engine changes process-wide settings while it runs (the cyclic garbage collector
paused, BLAS pinned to one thread: :func:`matcher.engine.round_process_settings`), and a
round at national scale computes for tens of seconds, so it never runs in a process that
serves requests. The web inserts a ``running`` round with ``progress = "queued"``
(:func:`webapp.rounds.queue_match_round`); ``opop-match worker`` claims it and computes it.

Claiming is one conditional ``UPDATE … WHERE claimed_by = ''``: of two workers, exactly
one changes the row, on SQLite and PostgreSQL alike. The database's partial unique index
keeps at most one round running at all. While it computes, a thread beats the round's
heart (``updated_at``) every :data:`~webapp.rounds.HEARTBEAT` seconds; a round whose worker
was killed goes silent, and :func:`~webapp.rounds.retire_dead_rounds` retires it after
:data:`~webapp.rounds.STALE_RUNNING`, so a new round can be started.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import rounds
from .models import MatchRound, User, db, utcnow

__all__ = ["claim_next_round", "run_next_round", "spawn", "work"]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim_next_round(name: str) -> int | None:
    """Claim the oldest queued round for worker ``name``; its id, or None when none waits."""
    session = db.session
    rounds.retire_dead_rounds(session)
    queued = session.scalars(
        select(MatchRound.id)
        .where(MatchRound.status == "running", MatchRound.claimed_by == "")
        .order_by(MatchRound.id)
    ).all()
    for round_id in queued:
        claimed = session.execute(
            update(MatchRound)
            .where(MatchRound.id == round_id, MatchRound.claimed_by == "")
            .values(claimed_by=name, progress="claimed by the round worker")
        )
        session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return round_id
    return None


def run_next_round(engine: rounds.Engine | None = None) -> int | None:
    """Claim and compute one queued round in this process; its id, or None if none waited.

    Call it only in a process that exists to run rounds (the worker, a test)."""
    name = worker_name()
    round_id = claim_next_round(name)
    if round_id is None:
        return None
    match_round = db.session.get(MatchRound, round_id)
    assert match_round is not None
    actor = db.session.get(User, match_round.created_by_id) if match_round.created_by_id else None
    config = rounds.config_from_params(match_round.params or {})
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat,
        args=(current_app._get_current_object(), round_id, stop),  # type: ignore[attr-defined]
        name=f"round-{round_id}-heartbeat",
        daemon=True,
    )
    beat.start()
    try:
        rounds.run_match_round(actor, config, round_id=round_id, engine=engine)
    finally:
        stop.set()
        beat.join()
        db.session.remove()
    return round_id


def _heartbeat(app: Flask, round_id: int, stop: threading.Event) -> None:
    with app.app_context():
        while not stop.wait(rounds.HEARTBEAT):
            with Session(db.engine) as own, own.begin():
                own.execute(
                    update(MatchRound)
                    .where(MatchRound.id == round_id, MatchRound.status == "running")
                    .values(updated_at=utcnow())
                )


def work(
    *,
    poll: float = 2.0,
    once: bool = False,
    echo: Callable[[str], None] = print,
    engine: rounds.Engine | None = None,
) -> None:
    """Compute queued rounds until interrupted (or, with ``once``, until none waits)."""
    from matcher.engine import round_process_settings

    echo(f"Round worker {worker_name()} waiting for rounds (Ctrl+C to stop).")
    with round_process_settings():
        while True:
            round_id = run_next_round(engine)
            if round_id is not None:
                status = db.session.scalar(
                    select(MatchRound.status).where(MatchRound.id == round_id)
                )
                echo(f"Round {round_id}: {status}.")
                continue
            if once:
                return
            time.sleep(poll)


def spawn(database_url: str, *args: str, **popen: object) -> subprocess.Popen[str]:
    """Start ``opop-match worker *args`` as a child process on ``database_url`` (what
    ``opop-match serve`` and ``demo`` do for you; in production run the command itself)."""
    env = {**os.environ, "OPOP_DATABASE_URL": database_url}
    command: Sequence[str] = [sys.executable, "-m", "webapp.cli", "worker", *args]
    return subprocess.Popen(command, env=env, text=True, **popen)  # type: ignore[call-overload,no-any-return]
