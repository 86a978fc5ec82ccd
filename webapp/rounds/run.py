"""Running a round: snapshot the market, call the engine with what the round must respect
(declined, vetoed and standing pairings; caps), store the plans as a draft; queueing a
round for the worker process, and retiring rounds whose worker died."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.config import EngineConfig
from matcher.market import Market

from .. import decisions
from ..engine_settings import engine_config
from ..formatting import request_gettext as _
from ..market_io import snapshot_market
from ..models import (
    DbSession,
    MatchRound,
    Proposal,
    User,
    db,
    utcnow,
)
from .errors import RoundError
from .exclusions import declined_pairs, standing_pairs
from .publish import expire_overdue
from .store import store_plans

__all__ = [
    "config_from_params",
    "queue_match_round",
    "retire_dead_rounds",
    "run_match_round",
    "running_round",
]

Progress = Callable[[str], None]

#: ``engine(market, config, exclude_pairs)``: :func:`matcher.engine.run_round`'s signature.
Engine = Callable[[Market, EngineConfig, frozenset[tuple[int, int]]], Any]

#: A claimed round whose worker has not beaten its heart for this long is dead: the worker
#: stopped (a crash, a restart, a kill). The worker beats every ``HEARTBEAT`` seconds from a
#: thread of its own, also while the engine computes.
STALE_RUNNING = dt.timedelta(minutes=2)

HEARTBEAT = 10.0


def run_match_round(
    user: User | None = None,
    config: EngineConfig | None = None,
    progress: Progress | None = None,
    *,
    as_of: dt.date | None = None,
    round_id: int | None = None,
    engine: Engine | None = None,
) -> MatchRound:
    """Snapshot the market, run the engine and store a ``draft`` round with its proposals.

    Parameters
    ----------
    user
        Who started the round (recorded on the round and its ``create`` events).
    config
        Engine configuration (default :class:`~matcher.config.EngineConfig`).
    progress
        Called with a short text as each stage starts (the CLI prints it). The text is also
        committed to ``MatchRound.progress`` in its own transaction, so another request can
        show it while the round runs.
    as_of
        Market date (default today).
    round_id
        Continue an existing ``running`` round (see :func:`start_match_round`).
    engine
        ``engine(market, config, exclude_pairs) -> RoundResult`` (default
        :func:`matcher.engine.run_round`).

    Returns the round: ``draft`` on success, ``failed`` (with ``error``) if the engine or
    storing raised; a failed round has no proposals.
    """
    session = db.session
    config = config or engine_config()
    as_of = as_of or dt.date.today()
    if round_id is None:
        round_ = _create_running_round(session, user, config, as_of)
    else:
        existing = session.get(MatchRound, round_id)
        if existing is None or existing.status != "running":
            raise RoundError(_("Round %(id)s is not running.", id=round_id))
        round_ = existing
    rid = round_.id
    user_id = user.id if user is not None else None

    def stage(text: str) -> None:
        _set_progress(rid, text)
        if progress is not None:
            progress(text)

    started = time.perf_counter()
    try:
        expired = expire_overdue(session)
        stage("snapshot: reading listings")
        t0 = time.perf_counter()
        snapshot = snapshot_market(session, as_of)
        snapshot_s = time.perf_counter() - t0
        size = snapshot.market.size
        stage(
            f"engine: {size['pesantren']} pesantren, {size['offers']} offers, {size['needs']} needs"
        )
        t0 = time.perf_counter()
        since = utcnow() - dt.timedelta(days=config.decline_memory_days)
        declined = declined_pairs(session, since)
        vetoed = decisions.vetoed_pairs(session)
        standing = standing_pairs(session)
        excluded = declined | vetoed | standing
        result = (engine or _default_engine())(snapshot.market, config, excluded)
        engine_s = time.perf_counter() - t0
        plans, capped = decisions.apply_caps(result.plans, decisions.pair_caps(session))
        stage(f"storing {len(plans)} proposals")
        t0 = time.perf_counter()
        current = session.get(MatchRound, rid)
        assert current is not None
        round_ = current
        stored, dropped = store_plans(session, round_, plans, user_id=user_id)
        store_s = time.perf_counter() - t0
        round_.summary = _summary(
            session,
            rid,
            result,
            snapshot,
            dropped=dropped,
            timings={
                "snapshot": snapshot_s,
                "engine": engine_s,
                "store": store_s,
                "total": time.perf_counter() - started,
            },
        )
        round_.summary = {
            **(round_.summary or {}),
            "declined_pairs_excluded": len(declined),
            "vetoed_pairs_excluded": len(vetoed),
            "standing_pairs_excluded": len(standing),
            "plans_capped": capped,
            "expired_at_start": expired,
        }
        round_.status = "draft"
        round_.progress = f"done: {len(stored)} proposals"
        session.commit()
    except Exception as exc:
        session.rollback()
        current_app.logger.exception("match round %s failed", rid)
        failed = session.get(MatchRound, rid)
        assert failed is not None
        round_ = failed
        round_.status = "failed"
        round_.error = f"{type(exc).__name__}: {exc}"[:5000]
        round_.progress = "failed"
        session.commit()
        if progress is not None:
            progress(f"failed: {round_.error}")
    return round_


def queue_match_round(user: User | None = None, config: EngineConfig | None = None) -> MatchRound:
    """Queue a round for the worker process (``opop-match worker``) and return it at once.

    For the web and the API: the engine never runs in a process that serves requests (it
    pauses the garbage collector and pins BLAS threads, process-wide). Redirect to the
    round's page, which polls ``progress``/``status``. Raises :class:`RoundError` if a round
    is already queued or running.
    """
    return _create_running_round(db.session, user, config or engine_config(), dt.date.today())


def _default_engine() -> Engine:
    from matcher.engine import run_round

    return run_round


def retire_dead_rounds(session: DbSession) -> list[int]:
    """Mark claimed ``running`` rounds whose worker is silent for :data:`STALE_RUNNING` as
    ``failed`` (the worker is gone, and they would block every new round); returns their ids.
    A round still waiting in the queue is left alone: it runs when a worker starts."""
    cutoff = utcnow() - STALE_RUNNING
    dead = session.scalars(
        select(MatchRound).where(
            MatchRound.status == "running",
            MatchRound.claimed_by != "",
            MatchRound.updated_at < cutoff,
        )
    ).all()
    for round_ in dead:
        round_.status = "failed"
        round_.error = (
            f"Interrupted: no progress since {round_.updated_at:%Y-%m-%d %H:%M} UTC "
            f"(last step: {round_.progress or 'none'}); the worker computing it "
            f"({round_.claimed_by}) stopped. Start a new round."
        )
        round_.progress = "failed"
    if dead:
        session.commit()
    return [round_.id for round_ in dead]


def running_round(session: DbSession) -> MatchRound | None:
    """The round being computed now, if any (dead ones retired first)."""
    retire_dead_rounds(session)
    return session.scalar(select(MatchRound).where(MatchRound.status == "running"))


def _create_running_round(
    session: DbSession, user: User | None, config: EngineConfig, as_of: dt.date
) -> MatchRound:
    running = running_round(session)
    if running is None:
        round_ = MatchRound(
            status="running",
            created_by_id=user.id if user is not None else None,
            as_of=as_of,
            params=_config_params(config),
            progress="queued",
        )
        session.add(round_)
        try:
            session.commit()
            return round_
        except IntegrityError:  # another start won the race: the unique index refused us
            session.rollback()
            running = session.scalar(select(MatchRound).where(MatchRound.status == "running"))
    if running is not None and not running.claimed_by:
        raise RoundError(
            _("Round %(id)s is waiting for the round worker to start it.", id=running.id)
        )
    raise RoundError(
        _("Round %(id)s is still running; wait for it to finish.", id=running.id if running else 0)
    )


def _set_progress(round_id: int, text: str) -> None:
    """Commit ``progress`` in a separate short transaction, visible to other requests."""
    with Session(db.engine) as own, own.begin():
        own.execute(update(MatchRound).where(MatchRound.id == round_id).values(progress=text[:200]))


def _config_params(config: EngineConfig) -> dict[str, Any]:
    values = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
    return _jsonable(values)  # type: ignore[no-any-return]


def config_from_params(params: dict[str, Any]) -> EngineConfig:
    """The configuration a queued round was started with (its stored ``params``): the scalar
    settings are restored; mappings (weights, distance caps) are the defaults', the only
    ones a queued round can have."""
    defaults = EngineConfig()
    scalars = {
        f.name: type(getattr(defaults, f.name))(params[f.name])
        for f in dataclasses.fields(defaults)
        if f.name in params and isinstance(getattr(defaults, f.name), int | float)
    }
    return dataclasses.replace(defaults, **scalars)


def _jsonable(value: Any) -> Any:
    """JSON-safe copy (PostgreSQL JSON refuses NaN/Infinity; numpy scalars to Python)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _summary(
    session: DbSession,
    round_id: int,
    result: Any,
    snapshot: Any,
    *,
    dropped: int,
    timings: dict[str, float],
) -> dict[str, Any]:
    counts: dict[str, int] = {}
    value: dict[str, float] = {}
    for kind, n, total in session.execute(
        select(Proposal.kind, func.count(), func.sum(Proposal.value_idr))
        .where(Proposal.round_id == round_id)
        .group_by(Proposal.kind)
    ):
        counts[kind], value[kind] = int(n), float(total or 0)
    gaps = getattr(result, "gaps", None)
    engine_timings = dict(getattr(result, "timings", {}) or {})
    return _jsonable(  # type: ignore[no-any-return]
        {
            "proposals": sum(counts.values()),
            "counts": {
                kind: counts.get(kind, 0) for kind in ("trade", "barter_pair", "barter_cycle")
            },
            "value_idr": sum(value.values()),
            "value_by_kind": dict(value),
            "timings": {**{f"engine.{k}": v for k, v in engine_timings.items()}, **timings},
            "market": snapshot.market.size,
            "stats": dict(getattr(result, "stats", {}) or {}),
            "gaps": {
                "unmet": len(gaps.unmet) if gaps is not None else 0,
                "unsold": len(gaps.unsold) if gaps is not None else 0,
            },
            "dropped_plans": dropped,
            "skipped_listings": snapshot.skipped[:100],
            "skipped_count": len(snapshot.skipped),
            "reserved_listings": len(snapshot.reserved),
            "fully_reserved_listings": len(snapshot.fully_reserved),
        }
    )
