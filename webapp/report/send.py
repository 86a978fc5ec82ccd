"""Send one week's reports: at most one email per address, resumable after any failure.

For each recipient (sorted by address), with the report log keyed by (week, address):

1. a ``sent`` row: skip (already has this week's email);
2. collect the report; nothing new: record ``skipped`` (re-checked by a rerun) and go on;
3. claim: write ``sending`` with the Message-ID and **commit** before talking to SMTP (an
   insert guarded by the unique key, or an update guarded by the previous status, so two
   runs at once cannot both claim an address);
4. hand the message to the sender; then in one transaction mark ``sent`` with the keys the
   email showed (next week's "new" depends on them) and commit;
5. the sender raised: mark ``failed`` with the server's answer, commit; a rerun retries it.
   If the server itself is gone (connection lost), stop: the rest are not attempted and a
   rerun picks them up. If the connection was lost after the whole DATA went out (the
   answer to it never came), the row stays ``sending``: delivery unknown, as below.

The crash window between the server's 250 and step 4's commit leaves a ``sending`` row:
delivery unknown. We choose *never twice*: a rerun does not resend it but lists it as
uncertain (exit non-zero) with its Message-ID, so an operator can check the mail server's
log; ``resend_uncertain=True`` resends with the **same** Message-ID (receivers that
de-duplicate on it drop a copy they already have).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..mail import FileSender, MailError, MailSender
from ..models import ReportLog, db, utcnow
from .facilitator import FacilitatorReport, facilitator_report
from .officer import OfficerReport, officer_report
from .recipients import Recipient, recipients
from .render import build_message, new_message_id, render_report
from .snapshot import NetworkSnapshot, network_snapshot
from .weeks import ReportWeek

__all__ = ["Report", "RunResult", "SnapshotCache", "collect_report", "send_weekly"]

Report = OfficerReport | FacilitatorReport

logger = logging.getLogger(__name__)

#: How far back "since the last report" reaches for decisions when weeks were missed.
MAX_LOOKBACK = dt.timedelta(weeks=4)


@dataclass
class RunResult:
    week: str
    sent: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)  # dry run
    nothing_new: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    uncertain: list[tuple[str, str]] = field(default_factory=list)  # address, Message-ID
    not_attempted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.uncertain or self.not_attempted)


class SnapshotCache:
    """The network snapshot, built on first use (a run where nobody is due skips the engine)."""

    def __init__(
        self,
        session: Session,
        week: ReportWeek,
        factory: Callable[[Session, dt.date], NetworkSnapshot] | None = None,
    ) -> None:
        self.session, self.week = session, week
        self.factory = factory or network_snapshot
        self._snapshot: NetworkSnapshot | None = None

    def get(self) -> NetworkSnapshot:
        if self._snapshot is None:
            self._snapshot = self.factory(self.session, self.week.last_day)
        return self._snapshot


def collect_report(
    session: Session, recipient: Recipient, week: ReportWeek, snapshot: SnapshotCache
) -> Report:
    """The report ``recipient`` would get for ``week`` now (also used by the preview page)."""
    with force_locale(recipient.language):
        if recipient.kind == "facilitator":
            return facilitator_report(session, recipient, week, snapshot.get())
        seen, since = _history(session, recipient.address, week)
        return officer_report(session, recipient, week, snapshot.get(), seen, since)


def _history(session: Session, address: str, week: ReportWeek) -> tuple[set[str], dt.datetime]:
    """Keys sent to ``address`` in earlier weeks, and where the decisions window starts."""
    rows = session.execute(
        select(ReportLog.week, ReportLog.items).where(
            ReportLog.recipient == address,
            ReportLog.status.in_(("sent", "sending")),
            ReportLog.week < week.label,
        )
    ).all()
    seen = {key for _week, items in rows for key in (items or [])}
    since = week.start
    if rows:
        from .weeks import parse_week

        last_end = max(parse_week(w).end for w, _items in rows)
        since = min(week.start, max(last_end, week.start - MAX_LOOKBACK))
    return seen, since


def send_weekly(
    week: ReportWeek,
    sender: MailSender,
    *,
    now: dt.datetime | None = None,
    only: str | None = None,
    dry_run: bool = False,
    resend_uncertain: bool = False,
    snapshot_factory: Callable[[Session, dt.date], NetworkSnapshot] | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> RunResult:
    """Send ``week``'s reports through ``sender``; see the module docstring for guarantees.

    ``dry_run``: render and hand every due email to ``sender`` (a :class:`FileSender`)
    without reading or writing anything but the log's ``sent`` rows.
    """
    session = cast(Session, db.session)  # the scoped session proxies a Session
    now = now or utcnow()
    result = RunResult(week.label)
    snapshot = SnapshotCache(session, week, snapshot_factory)
    people = recipients(session)
    if only:
        people = [r for r in people if r.address == only.strip().lower()]
    for index, recipient in enumerate(people):
        address = recipient.address
        log = session.scalar(select(ReportLog).filter_by(week=week.label, recipient=address))
        if log is not None and log.status == "sent":
            result.already_sent.append(address)
            continue
        if log is not None and log.status == "sending" and not resend_uncertain:
            result.uncertain.append((address, log.message_id))
            continue
        try:
            report = collect_report(session, recipient, week, snapshot)
            message_id = (log.message_id if log is not None and log.message_id else None) or (
                new_message_id(week.label)
            )
            msg = build_message(report, render_report(report), message_id=message_id, now=now)
        except Exception as exc:  # one broken report must not hold up everyone after it
            session.rollback()
            logger.exception("weekly report for %s could not be built", address)
            result.failed.append((address, f"could not build the report: {exc!r}"))
            continue
        if not report.has_news:
            result.nothing_new.append(address)
            if not dry_run:
                _record_skipped(session, week, recipient, log)
            continue
        if dry_run:
            sender.send(msg)
            if isinstance(sender, FileSender) and sender.paths:
                result.written.append(sender.paths[-1])
            continue
        if not _claim(session, week, recipient, message_id, log, now):
            result.already_sent.append(address)  # another run holds it
            continue
        try:
            sender.send(msg)
        except MailError as exc:
            if exc.delivery_unknown:  # the row stays "sending": never resent silently
                _finish(session, week, address, "sending", str(exc), [])
                result.uncertain.append((address, message_id))
            else:
                _finish(session, week, address, "failed", str(exc), [])
                result.failed.append((address, str(exc)))
            if exc.connection_lost:
                result.not_attempted.extend(r.address for r in people[index + 1 :])
                break
            continue
        _finish(session, week, address, "sent", "", report.items)
        result.sent.append(address)
        progress(f"sent {address}")
    return result


def _record_skipped(
    session: Session, week: ReportWeek, r: Recipient, log: ReportLog | None
) -> None:
    """Record "nothing new" (a rerun checks again); a failed row that has nothing left is skipped."""
    if log is None:
        session.add(ReportLog(week=week.label, recipient=r.address, kind=r.kind, status="skipped"))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
    elif log.status == "failed":
        session.execute(
            update(ReportLog)
            .where(ReportLog.id == log.id, ReportLog.status == "failed")
            .values(status="skipped", error="")
        )
        session.commit()


def _claim(
    session: Session,
    week: ReportWeek,
    r: Recipient,
    message_id: str,
    log: ReportLog | None,
    now: dt.datetime,
) -> bool:
    """Write ``sending`` and commit; False if another run claimed the address first."""
    if log is None:
        session.add(
            ReportLog(
                week=week.label,
                recipient=r.address,
                kind=r.kind,
                status="sending",
                message_id=message_id,
                at=now,
            )
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
        return True
    claimed = session.execute(
        update(ReportLog)
        .where(ReportLog.id == log.id, ReportLog.status == log.status)
        .values(status="sending", kind=r.kind, message_id=message_id, error="", at=now)
    )
    session.commit()
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def _finish(
    session: Session, week: ReportWeek, address: str, status: str, error: str, items: list[str]
) -> None:
    session.execute(
        update(ReportLog)
        .where(ReportLog.week == week.label, ReportLog.recipient == address)
        .values(status=status, error=error[:2000], items=items, at=utcnow())
    )
    session.commit()
