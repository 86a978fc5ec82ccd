"""The market version: one counter, bumped in the same transaction as any change to what a
:class:`matcher.Market` is built from (:func:`webapp.market_io.build_market` reads the
tables in :data:`MARKET_TABLES`).

Processes keep a market built once per version (:mod:`webapp.market_cache`); reading the
version is one primary-key select. Session events keep it true for every writer:

* a flush that inserts, changes or deletes a row of those tables, and an ORM ``insert()``,
  ``update()`` or ``delete()`` statement on one, notes the change on the session
  (:func:`note_market_change`, which a writer bypassing the session, such as PostgreSQL's
  ``COPY``, calls itself);
* just before the outermost commit, a noted change runs ``UPDATE market_state SET version =
  version + 1``. Every writer takes that row's lock last, once its other rows are locked,
  so on PostgreSQL no lock cycle can form through it; it holds it only for the commit.

A rolled-back transaction bumps nothing. The events cannot see into raw SQL: a textual
``INSERT``/``UPDATE``/``DELETE`` on a session calls :func:`note_market_change`, and writes
on a plain connection (outside a session) call :func:`bump_market_version` themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Connection, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, scoped_session

from .base import db

__all__ = [
    "MARKET_TABLES",
    "MarketState",
    "bump_market_version",
    "has_market_change",
    "market_version",
    "note_market_change",
]

#: Every table :func:`webapp.market_io.build_market` reads (a test checks the two agree).
MARKET_TABLES = frozenset(
    {
        "certificate",
        "listing",
        "pesantren",
        "pesantren_region_type",
        "product",
        "product_alias",
        "product_substitute",
        "proposal",
        "proposal_event",
        "proposal_leg",
        "proposal_party",
        "regency",
    }
)

#: ``session.info`` key: this transaction changed a market table.
_CHANGED = "market_changed"


class MarketState(db.Model):  # type: ignore[name-defined,misc]
    """One row (id 1): the market's version, a counter that only goes up."""

    __tablename__ = "market_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


def market_version(session: Connection | AnySession) -> int:
    """The version as this session sees it: one primary-key select (a change this session
    has not committed yet is not counted: see :func:`has_market_change`)."""
    return int(session.scalar(select(MarketState.version).where(MarketState.id == 1)) or 0)


#: ``db.session`` (scoped) or a plain session.
AnySession = Session | scoped_session[Any]


def note_market_change(session: AnySession) -> None:
    """Make this session's next commit bump the version."""
    session.info[_CHANGED] = True


def has_market_change(session: AnySession) -> bool:
    """Whether this session's transaction changed a market table (not yet committed)."""
    return bool(session.info.get(_CHANGED))


def bump_market_version(connection: Connection | AnySession) -> None:
    """``version = version + 1`` on ``connection`` (in its transaction); creates the row if a
    database lost it, so a bump is never silently nothing."""
    bumped = connection.execute(
        update(MarketState)
        .where(MarketState.id == 1)
        .values(version=MarketState.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        connection.execute(insert(MarketState).values(id=1, version=1))


def _is_market_row(instance: object) -> bool:
    return any(t.name in MARKET_TABLES for t in inspect(instance).mapper.tables)


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _context: Any) -> None:
    # After the flush succeeded; new, dirty and deleted still show what it wrote.
    if has_market_change(session):
        return
    changed = (
        *session.new,
        *session.deleted,
        *(o for o in session.dirty if session.is_modified(o)),
    )
    if any(_is_market_row(o) for o in changed):
        note_market_change(session)


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in MARKET_TABLES:
        note_market_change(state.session)


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outermost commit bumps
        return
    session.flush()  # commit flushes after this hook: note what that flush writes first
    if has_market_change(session):
        bump_market_version(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # committed, rolled back or closed: nothing is pending
        session.info.pop(_CHANGED, None)
