"""Match rounds: snapshot the market, run the engine, store the proposals; publish; compare.

A round's life: ``running`` (queued until a worker process claims it — see
:mod:`webapp.worker` — then snapshot and engine at work; ``progress`` says which stage)
→ ``draft`` (proposals stored, for a facilitator to review, veto or trim) → ``published``
(parties can answer) → ``superseded`` (a newer round was published). A round whose engine
raised is ``failed`` with the error, and has no proposals: they are stored in one
transaction, all or nothing.

What a new round keeps (the README's "A proposal's life" draws it):

- **standing proposals** (published, not declined, before their ``respond_by`` deadline:
  ``published`` or ``accepted_by_some``) carry over untouched: same id, answers already
  given kept. The new round plans around them: their quantities are held like a confirmed
  deal's (:func:`webapp.market_io.snapshot_market`), and their pairings are handed to the
  engine as ``exclude_pairs``, so the same trade or barter is never proposed twice side by
  side. Only their deadline ends them: :func:`expire_overdue` (run as each round starts and
  is published) turns them ``expired``, with an event saying so;
- confirmed and completed proposals hold their quantities, so the engine plans around them;
- declined proposals hold nothing, so the next round re-solves over what they released —
  but it does not propose the same pairing again: the (offer, need) pairs of every leg of a
  proposal declined within ``EngineConfig.decline_memory_days`` (default 56 days, eight
  weekly rounds; :func:`declined_pairs`) are excluded too;
- a facilitator's vetoes exclude their pairings, and reductions cap them
  (:mod:`webapp.decisions`), until they lapse or are lifted.

Publishing a round supersedes the older rounds; their proposals that were never published
(``draft``) expire with the reason "superseded by round N". Published ones stand on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from flask import current_app
from sqlalchemy import JSON, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.config import EngineConfig
from matcher.market import Market
from matcher.results import Leg, Plan

from . import decisions
from .market_io import DbSession, snapshot_market
from .models import (
    ANSWERABLE_STATES,
    Listing,
    MatchRound,
    PairingDecision,
    Product,
    Proposal,
    ProposalEvent,
    ProposalLeg,
    ProposalParty,
    User,
    db,
    utcnow,
)
from .proposals import ProposalError, _

__all__ = [
    "ProposalChange",
    "RoundComparison",
    "RoundError",
    "compare_rounds",
    "declined_pairs",
    "expire_overdue",
    "publish_round",
    "retire_dead_rounds",
    "queue_match_round",
    "run_match_round",
    "running_round",
    "standing_pairs",
    "store_plans",
]

Progress = Callable[[str], None]
#: ``engine(market, config, exclude_pairs)``: :func:`matcher.engine.run_round`'s signature.
Engine = Callable[[Market, EngineConfig, frozenset[tuple[int, int]]], Any]

#: A claimed round whose worker has not beaten its heart for this long is dead: the worker
#: stopped (a crash, a restart, a kill). The worker beats every ``HEARTBEAT`` seconds from a
#: thread of its own, also while the engine computes.
STALE_RUNNING = dt.timedelta(minutes=2)
HEARTBEAT = 10.0
_QTY = Decimal("0.001")
_IDR = Decimal("0.01")
DEFAULT_RESPONSE_DAYS = 14


class RoundError(ValueError):
    """A round action that the round's status does not allow."""


# -- running a round ---------------------------------------------------------------------


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
    config = config or EngineConfig()
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
    return _create_running_round(db.session, user, config or EngineConfig(), dt.date.today())


def store_plans(
    session: DbSession, round_: MatchRound, plans: list[Plan], *, user_id: int | None = None
) -> tuple[list[int], int]:
    """Insert one ``draft`` proposal per plan (legs, parties, a ``create`` event).

    Set-based (one multi-row INSERT per table, not the ORM unit of work: a round at
    provincial scale has thousands of proposals). Does not commit. Plans with a leg that
    rounds to no quantity are left out; returns the new proposal ids, in plan order, and
    how many plans were left out. Raises ``KeyError`` for a product not in the catalogue.
    """
    product_ids = dict(session.execute(select(Product.slug, Product.id)).all())
    now = utcnow()
    kept: list[tuple[Plan, list[dict[str, Any]]]] = []
    for plan in plans:
        legs = [_leg_row(seq, leg, product_ids) for seq, leg in enumerate(plan.legs)]
        if legs and all(row["quantity"] > 0 for row in legs):
            kept.append((plan, legs))
    dropped = len(plans) - len(kept)
    if not kept:
        return [], dropped
    proposal_rows = [
        {
            "round_id": round_.id,
            "kind": plan.kind,
            "state": "draft",
            "score": float(plan.score),
            "value_idr": sum((row["value_idr"] for row in legs), Decimal(0)),
            "reasons": {lang: [text] for lang, text in plan.reasons.items() if text},
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for plan, legs in kept
    ]
    if session.connection().dialect.name == "postgresql":
        # ids from the sequence up front, so the proposals can be COPYed like their children
        ids = list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('proposal', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": len(proposal_rows)},
            )
        )
        _insert_rows(
            session, Proposal, [{"id": i, **row} for i, row in zip(ids, proposal_rows, strict=True)]
        )
    else:
        ids = list(
            session.scalars(
                insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True),
                proposal_rows,
            )
        )
    leg_rows: list[dict[str, Any]] = []
    party_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    for pid, (plan, legs) in zip(ids, kept, strict=True):
        leg_rows.extend({**row, "proposal_id": pid} for row in legs)
        party_rows.extend(
            {"proposal_id": pid, "pesantren_id": x, "response": "pending"}
            for x in plan.participants
        )
        event_rows.append(
            {
                "proposal_id": pid,
                "at": now,
                "user_id": user_id,
                "action": "create",
                "from_state": "",
                "to_state": "draft",
                "reason": "",
            }
        )
    for model, rows in (
        (ProposalLeg, leg_rows),
        (ProposalParty, party_rows),
        (ProposalEvent, event_rows),
    ):
        _insert_rows(session, model, rows)
    session.expire(round_, ["proposals"])
    return ids, dropped


def _insert_rows(session: DbSession, model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows fast: ``COPY`` on PostgreSQL (psycopg's executemany would send one
    statement per row: 6 s for the seed round's 17,000 rows), executemany on SQLite."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(model), rows)
        return
    table = model.__table__
    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


def _leg_row(seq: int, leg: Leg, product_ids: dict[str, int]) -> dict[str, Any]:
    quantity = _dec(leg.quantity, _QTY)
    unit_price = _dec(leg.unit_price, _IDR)
    reasons: dict[str, Any] = dict(leg.reasons)
    if leg.components:
        reasons["components"] = {k: round(float(v), 4) for k, v in leg.components.items()}
    return {
        "seq": seq,
        "giver_id": leg.giver_id,
        "receiver_id": leg.receiver_id,
        "offer_id": leg.offer_id,
        "need_id": leg.need_id,
        "product_id": product_ids[leg.product],
        "quantity": quantity,
        "unit_price": unit_price,
        "value_idr": (quantity * unit_price).quantize(_IDR, ROUND_HALF_UP),
        "distance_km": float(leg.distance_km),
        "score": float(leg.score),
        "reasons": reasons,
    }


# -- publishing --------------------------------------------------------------------------


def publish_round(round_: MatchRound, user: User | None = None) -> MatchRound:
    """``draft → published`` for the round and its draft proposals; supersede older rounds.

    Each published proposal gets its answer deadline (``respond_by``, ``PROPOSAL_RESPONSE_DAYS``
    from now). Older published rounds, and older draft rounds, become ``superseded``; their
    never-published proposals expire, their standing ones carry on (see the module
    docstring). Vetoed (cancelled) proposals stay cancelled. One transaction.
    """
    session = db.session
    if user is not None and user.role not in ("facilitator", "admin"):
        raise ProposalError(_("Only a facilitator may publish a round."))
    try:
        locked = session.execute(
            select(MatchRound)
            .where(MatchRound.id == round_.id)
            .with_for_update(of=MatchRound)
            .execution_options(populate_existing=True)
        ).scalar_one()
        if locked.status != "draft":
            raise RoundError(
                _("Round %(id)s is %(status)s, not draft.", id=locked.id, status=locked.status)
            )
        now = utcnow()
        _bulk_transition(
            session,
            (Proposal.round_id == locked.id) & (Proposal.state == "draft"),
            "publish",
            "published",
            user,
            respond_by=now + response_period(),
        )
        older = session.scalars(
            select(MatchRound)
            .where(
                MatchRound.id != locked.id,
                (MatchRound.status == "published")
                | ((MatchRound.status == "draft") & (MatchRound.id < locked.id)),
            )
            .with_for_update(of=MatchRound)
        ).all()
        for old in older:
            old.status = "superseded"
        if older:
            _bulk_transition(
                session,
                Proposal.round_id.in_([old.id for old in older]) & (Proposal.state == "draft"),
                "expire",
                "expired",
                user,
                reason=f"superseded by round {locked.id}",
            )
        _expire_overdue(session, now)
        locked.status = "published"
        locked.published_at = now
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return locked


def response_period() -> dt.timedelta:
    """How long the parties of a published proposal have to answer (``PROPOSAL_RESPONSE_DAYS``)."""
    return dt.timedelta(
        days=float(current_app.config.get("PROPOSAL_RESPONSE_DAYS", DEFAULT_RESPONSE_DAYS))
    )


def expire_overdue(session: DbSession | None = None, now: dt.datetime | None = None) -> int:
    """Expire the standing proposals whose answer deadline has passed (commits); how many.

    Run as each round starts and is published (and by the weekly report), so an unanswered
    proposal holds its quantities exactly until its deadline."""
    session = session if session is not None else db.session
    try:
        count = _expire_overdue(session, now or utcnow())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return count


def _expire_overdue(session: DbSession, now: dt.datetime) -> int:
    return _bulk_transition(
        session,
        Proposal.state.in_(ANSWERABLE_STATES)
        & Proposal.respond_by.is_not(None)
        & (Proposal.respond_by < now),
        "expire",
        "expired",
        None,
        reason="no answer from every party by the deadline",
        channel="system",
    )


def standing_pairs(session: DbSession) -> frozenset[tuple[int, int]]:
    """``(offer_id, need_id)`` of every leg of the standing proposals: the new round must not
    propose them again beside the open proposal (it plans around their quantities)."""
    rows = session.execute(
        select(ProposalLeg.offer_id, ProposalLeg.need_id)
        .join(Proposal, Proposal.id == ProposalLeg.proposal_id)
        .where(Proposal.state.in_(ANSWERABLE_STATES))
        .distinct()
    )
    return frozenset((int(offer), int(need)) for offer, need in rows)


def _bulk_transition(
    session: DbSession,
    condition: Any,
    action: str,
    to_state: str,
    user: User | None,
    reason: str = "",
    *,
    channel: str = "web",
    respond_by: dt.datetime | None = None,
) -> int:
    """Move every proposal matching ``condition`` to ``to_state``, recording one event each
    (and setting ``respond_by`` when given).

    The rows are locked first (an officer answering one of them at the same moment either
    finishes before, and the condition is checked again on the new row, or waits).
    Set-based: a round can hold thousands of proposals.
    """
    rows = session.execute(
        select(Proposal.id, Proposal.state)
        .where(condition)
        .order_by(Proposal.id)
        .with_for_update(of=Proposal)
    ).all()
    if not rows:
        return 0
    now = utcnow()
    session.execute(
        update(Proposal)
        .where(Proposal.id.in_([pid for pid, _state in rows]))
        .values(
            state=to_state,
            version=Proposal.version + 1,
            updated_at=now,
            **({"respond_by": respond_by} if respond_by is not None else {}),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        insert(ProposalEvent),
        [
            {
                "proposal_id": pid,
                "at": now,
                "user_id": user.id if user is not None else None,
                "action": action,
                "from_state": state,
                "to_state": to_state,
                "reason": reason,
                "channel": channel,
            }
            for pid, state in rows
        ],
    )
    return len(rows)


# -- comparing ---------------------------------------------------------------------------

ChangeKind = Literal["new", "gone", "changed", "carried"]


@dataclass(frozen=True)
class ProposalChange:
    """One difference between two rounds, keyed by who gives which product to whom."""

    change: ChangeKind
    kind: str
    pesantren_ids: tuple[int, ...]
    products: tuple[str, ...]
    before_id: int | None
    after_id: int | None
    before_value: float
    after_value: float
    before_state: str
    after_state: str
    reasons: list[dict[str, str]] = field(default_factory=list)  # {"code", "id", "en"}


@dataclass(frozen=True)
class RoundComparison:
    """What changed from round ``a_id`` to round ``b_id``; ``carried`` are ``a``'s standing
    proposals, still open and carried over (not re-proposed in ``b``)."""

    a_id: int
    b_id: int
    new: list[ProposalChange]
    gone: list[ProposalChange]
    changed: list[ProposalChange]
    unchanged: int
    carried: list[ProposalChange] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "gone": len(self.gone),
            "changed": len(self.changed),
            "carried": len(self.carried),
            "unchanged": self.unchanged,
        }


def compare_rounds(a: MatchRound, b: MatchRound, *, tolerance: float = 0.005) -> RoundComparison:
    """Proposals new in ``b``, gone since ``a``, and changed (a leg's quantity moved by more
    than ``tolerance``, relative), each with the likely reasons: a listing changed or was
    paused, a decline in ``a`` released quantity, a proposal in ``a`` was confirmed (and now
    reserves), a facilitator vetoed or capped the pairing, or the engine simply re-optimised.
    Proposals of ``a`` still standing are ``carried`` over, not gone."""
    session = db.session
    by_key = {r.id: _proposals_by_key(session, r.id) for r in (a, b)}
    before, after = by_key[a.id], by_key[b.id]
    listing_ids = {lid for group in (before, after) for p in group.values() for lid in _listings(p)}
    listings = {
        row.id: row
        for row in session.execute(
            select(Listing.id, Listing.status, Listing.created_at, Listing.updated_at).where(
                Listing.id.in_(listing_ids)
            )
        )
    }
    released = {lid for p in before.values() if p.state == "declined" for lid in _listings(p)}
    pairings = {pair for group in (before, after) for p in group.values() for pair in _pairs(p)}
    decided = _decisions_by_pair(session, pairings, until=b.created_at)
    since = a.created_at
    products = dict(session.execute(select(Product.id, Product.slug)).all())

    def reasons_for(old: _Brief | None, new: _Brief | None) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        if old is not None and old.state in ("confirmed", "completed"):
            out.append(
                _reason(
                    "confirmed",
                    f"dikonfirmasi di putaran {a.id}; kuantitasnya kini dicadangkan",
                    f"confirmed in round {a.id}; its quantities are now reserved",
                )
            )
        if old is not None and old.state == "declined":
            out.append(
                _reason("declined", f"ditolak di putaran {a.id}", f"declined in round {a.id}")
            )
        if old is not None and old.state in ANSWERABLE_STATES:
            out.append(
                _reason(
                    "standing",
                    f"masih menunggu jawaban dari putaran {a.id}: diteruskan, tidak diusulkan ulang",
                    f"still awaiting answers from round {a.id}: carried over, not proposed again",
                )
            )
        facilitator = [
            d for pair in sorted({*_pairs(old), *_pairs(new)}) for d in decided.get(pair, [])
        ]
        for d in facilitator:
            who = d.created_by.name if d.created_by is not None else "?"
            why = f": {d.reason}" if d.reason else ""
            if d.kind == "veto":
                out.append(
                    _reason(
                        "facilitator_veto",
                        f"diveto fasilitator {who}{why}",
                        f"vetoed by facilitator {who}{why}",
                    )
                )
            else:
                qty = f"{float(d.quantity or 0):g}"
                out.append(
                    _reason(
                        "facilitator_cap",
                        f"dibatasi fasilitator {who} pada {qty}{why}",
                        f"capped at {qty} by facilitator {who}{why}",
                    )
                )
        if old is not None and old.state == "cancelled" and not facilitator:
            out.append(
                _reason("cancelled", f"dibatalkan di putaran {a.id}", f"vetoed in round {a.id}")
            )
        for lid in sorted({*_listings(old), *_listings(new)}):
            row = listings.get(lid)
            if row is None or row.status != "active":
                out.append(
                    _reason(
                        "listing_inactive",
                        f"listing {lid} tidak aktif lagi",
                        f"listing {lid} is no longer active",
                    )
                )
            elif row.created_at > since:
                out.append(_reason("listing_new", f"listing {lid} baru", f"listing {lid} is new"))
            elif row.updated_at > since:
                out.append(
                    _reason("listing_changed", f"listing {lid} diubah", f"listing {lid} changed")
                )
        if new is not None and (old is None or old.state != "declined"):
            for lid in sorted(_listings(new) & released):
                out.append(
                    _reason(
                        "released_by_decline",
                        f"penolakan di putaran {a.id} membebaskan kuantitas listing {lid}",
                        f"a decline in round {a.id} released quantity of listing {lid}",
                    )
                )
        if not out:
            out.append(
                _reason(
                    "reoptimised", "hasil optimasi ulang jaringan", "the network was re-optimised"
                )
            )
        return out

    def change(
        kind: ChangeKind, key: tuple[Any, ...], old: _Brief | None, new: _Brief | None
    ) -> ProposalChange:
        ref = new or old
        assert ref is not None
        return ProposalChange(
            change=kind,
            kind=ref.kind,
            pesantren_ids=tuple(sorted({pid for g, r, _ in key for pid in (g, r)})),
            products=tuple(sorted({products[prod] for _, _, prod in key})),
            before_id=old.id if old else None,
            after_id=new.id if new else None,
            before_value=float(old.value_idr) if old else 0.0,
            after_value=float(new.value_idr) if new else 0.0,
            before_state=old.state if old else "",
            after_state=new.state if new else "",
            reasons=reasons_for(old, new),
        )

    new = [change("new", k, None, after[k]) for k in after if k not in before]
    missing = [k for k in before if k not in after]
    carried = [change("carried", k, before[k], None) for k in missing if _stands(before[k])]
    gone = [change("gone", k, before[k], None) for k in missing if not _stands(before[k])]
    changed, unchanged = [], 0
    for k in before.keys() & after.keys():
        if _same_quantities(before[k], after[k], tolerance):
            unchanged += 1
        else:
            changed.append(change("changed", k, before[k], after[k]))
    changed.sort(key=lambda c: c.pesantren_ids)
    return RoundComparison(a.id, b.id, new, gone, changed, unchanged, carried)


# -- helpers -----------------------------------------------------------------------------


def declined_pairs(session: DbSession, since: dt.datetime) -> frozenset[tuple[int, int]]:
    """``(offer_id, need_id)`` of the declined legs of proposals declined at or after ``since``.

    A party that declined a pairing should not see it proposed again next week: the round
    passes these to the engine (``matcher.run_round(..., exclude_pairs=...)``), which drops
    them before ranking, so other partners take their place. Only the legs the declining
    pesantren takes part in (gives or receives) count as declined: in a barter ring
    A → B → C → A declined by B, C's sale to A was not refused and may be proposed again.
    A decline with no pesantren recorded excludes every leg.
    """
    rows = session.execute(
        select(ProposalLeg.offer_id, ProposalLeg.need_id)
        .join(Proposal, Proposal.id == ProposalLeg.proposal_id)
        .join(ProposalEvent, ProposalEvent.proposal_id == Proposal.id)
        .where(
            Proposal.state == "declined",
            ProposalEvent.action == "decline",
            ProposalEvent.at >= since,
            or_(
                ProposalEvent.pesantren_id.is_(None),
                ProposalLeg.giver_id == ProposalEvent.pesantren_id,
                ProposalLeg.receiver_id == ProposalEvent.pesantren_id,
            ),
        )
        .distinct()
    )
    return frozenset((int(offer), int(need)) for offer, need in rows)


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


def _dec(value: float, step: Decimal) -> Decimal:
    return Decimal(repr(float(value))).quantize(step, ROUND_HALF_UP)


@dataclass(frozen=True)
class _BriefLeg:
    giver_id: int
    receiver_id: int
    product_id: int
    offer_id: int
    need_id: int
    quantity: float


@dataclass
class _Brief:
    """What comparing needs of a proposal (plain rows: no ORM objects for thousands)."""

    id: int
    kind: str
    state: str
    value_idr: float
    legs: list[_BriefLeg] = field(default_factory=list)


def _proposals_by_key(session: DbSession, round_id: int) -> dict[tuple[Any, ...], _Brief]:
    briefs = {
        pid: _Brief(pid, kind, state, float(value))
        for pid, kind, state, value in session.execute(
            select(Proposal.id, Proposal.kind, Proposal.state, Proposal.value_idr)
            .where(Proposal.round_id == round_id)
            .order_by(Proposal.id)
        )
    }
    for pid, giver, receiver, product, offer, need, quantity in session.execute(
        select(
            ProposalLeg.proposal_id,
            ProposalLeg.giver_id,
            ProposalLeg.receiver_id,
            ProposalLeg.product_id,
            ProposalLeg.offer_id,
            ProposalLeg.need_id,
            ProposalLeg.quantity,
        )
        .join(Proposal, Proposal.id == ProposalLeg.proposal_id)
        .where(Proposal.round_id == round_id)
        .order_by(ProposalLeg.proposal_id, ProposalLeg.seq)
    ):
        briefs[pid].legs.append(_BriefLeg(giver, receiver, product, offer, need, float(quantity)))
    return {
        tuple(sorted((leg.giver_id, leg.receiver_id, leg.product_id) for leg in p.legs)): p
        for p in briefs.values()
    }


def _listings(p: _Brief | None) -> set[int]:
    if p is None:
        return set()
    return {lid for leg in p.legs for lid in (leg.offer_id, leg.need_id)}


def _pairs(p: _Brief | None) -> set[tuple[int, int]]:
    return {(leg.offer_id, leg.need_id) for leg in p.legs} if p is not None else set()


def _stands(p: _Brief) -> bool:
    return p.state in ANSWERABLE_STATES


def _decisions_by_pair(
    session: DbSession, pairings: set[tuple[int, int]], *, until: dt.datetime
) -> dict[tuple[int, int], list[PairingDecision]]:
    """The facilitator decisions on ``pairings`` taken before ``until`` and not lifted by
    then: what the later round had to respect."""
    if not pairings:
        return {}
    offers = sorted({offer for offer, _need in pairings})
    out: dict[tuple[int, int], list[PairingDecision]] = {}
    for d in session.scalars(
        select(PairingDecision)
        .where(PairingDecision.offer_id.in_(offers), PairingDecision.created_at < until)
        .order_by(PairingDecision.id)
    ):
        key = (d.offer_id, d.need_id)
        if key in pairings and (d.lifted_at is None or d.lifted_at > until):
            out.setdefault(key, []).append(d)
    return out


def _same_quantities(a: _Brief, b: _Brief, tolerance: float) -> bool:
    qa = {(leg.giver_id, leg.receiver_id, leg.product_id): float(leg.quantity) for leg in a.legs}
    qb = {(leg.giver_id, leg.receiver_id, leg.product_id): float(leg.quantity) for leg in b.legs}
    return all(abs(qa[k] - qb[k]) <= tolerance * max(qa[k], qb[k]) for k in qa)


def _reason(code: str, text_id: str, text_en: str) -> dict[str, str]:
    return {"code": code, "id": text_id, "en": text_en}
