"""Prompt notices: one short email when something happens to a pesantren's proposals.

The weekly report is the digest; a deal that waits a week for each answer closes slowly.
So ``opop-match report notices`` (cron, every few minutes) tells each party soon after:

- a proposal was published to it (with what it gives and gets and the answer deadline);
- another party accepted, declined or completed it, or it was confirmed or cancelled.

Batched: at most one email per address per :data:`NOTICE_INTERVAL` (an hour); whatever
happened meanwhile goes into the next one. Each address's position is a cursor over
:class:`~webapp.models.ProposalEvent` ids in :class:`~webapp.models.NoticeLog`, so nothing
is told twice and nothing is skipped. A new address starts :data:`FIRST_LOOKBACK` back.
The cursor moves *before* the hand-over to SMTP and moves back if the server refuses:
never twice, and a refusal is retried by the next run.

Recipients are the parties' contact addresses (every pesantren record with an email,
account or not) and their active officer accounts, unless they opted out (``notices`` on
the account's report settings, or the notice email's own unsubscribe link).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from ..answer_links import answer_url
from ..formatting import day
from ..labels import DECLINE_LABELS, KIND_LABELS
from ..mail import MailError, MailSender
from ..models import LANGUAGES, DbSession, NoticeLog, Pesantren, ProposalEvent, ProposalParty, User
from .links import external_url
from .officer import leg_lines
from .render import automated_message, mail_domain

__all__ = [
    "FIRST_LOOKBACK",
    "NOTICE_INTERVAL",
    "Notice",
    "NoticeResult",
    "collect_notices",
    "notice_unsubscribe_token",
    "read_notice_unsubscribe_token",
    "send_notices",
]

logger = logging.getLogger(__name__)

NOTICE_INTERVAL = dt.timedelta(hours=1)
FIRST_LOOKBACK = dt.timedelta(days=2)
MAX_LINES = 20
_TOLD = ("publish", "accept", "decline", "complete", "cancel")
_SALT = "opop-notice-unsubscribe"


@dataclass
class NoticeRecipient:
    address: str
    name: str
    language: str
    pesantren_ids: set[int] = field(default_factory=set)
    account: bool = False  # an officer account: "all your proposals" needs a login


@dataclass
class Notice:
    recipient: NoticeRecipient
    lines: list[tuple[str, str]]  # (sentence, link)
    more: int  # lines left out beyond MAX_LINES
    last_event_id: int


@dataclass
class NoticeResult:
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # had news, but notified < an hour ago

    @property
    def ok(self) -> bool:
        return not self.failed


def notice_recipients(session: DbSession) -> dict[str, NoticeRecipient]:
    """Every address that may get notices, with the pesantren it speaks for."""
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    silenced = {_key(u.email) for u in users if not u.notices}
    found: dict[str, NoticeRecipient] = {}

    def add(address: str, name: str, language: str, pesantren_id: int, account: bool) -> None:
        key = _key(address)
        if "@" not in key or key in silenced:
            return
        language = language if language in LANGUAGES else "id"
        current = found.setdefault(key, NoticeRecipient(key, name, language))
        if account:  # an account's name and language beat the pesantren record's
            current.name, current.language, current.account = name, language, True
        current.pesantren_ids.add(pesantren_id)

    for p in session.scalars(
        select(Pesantren).where(Pesantren.email != "", Pesantren.notices.is_(True))
    ):
        add(p.email, p.contact_name or p.name, p.language, p.id, False)
    for u in users:
        if u.role == "officer" and u.pesantren_id is not None and u.notices:
            add(u.email, u.name, u.language, u.pesantren_id, True)
    return found


def collect_notices(session: DbSession, now: dt.datetime) -> tuple[list[Notice], list[str]]:
    """The notices due at ``now``, and the addresses with news that must wait (notified
    less than :data:`NOTICE_INTERVAL` ago)."""
    people = notice_recipients(session)
    logs = {log.recipient: log for log in session.scalars(select(NoticeLog))}
    by_pesantren: dict[int, list[str]] = defaultdict(list)
    for address, person in people.items():
        for pid in person.pesantren_ids:
            by_pesantren[pid].append(address)
    # A new address starts with the events of the last FIRST_LOOKBACK.
    floor = session.scalar(
        select(func.min(ProposalEvent.id)).where(ProposalEvent.at >= now - FIRST_LOOKBACK)
    )
    start = (
        (floor - 1)
        if floor is not None
        else session.scalar(select(func.coalesce(func.max(ProposalEvent.id), 0)))
    )
    cursors = {a: logs[a].last_event_id if a in logs else int(start or 0) for a in people}
    stmt = (
        select(ProposalEvent, ProposalParty.pesantren_id)
        .join(ProposalParty, ProposalParty.proposal_id == ProposalEvent.proposal_id)
        .where(
            ProposalEvent.action.in_(_TOLD),
            ProposalParty.pesantren_id.in_(list(by_pesantren)),
            ProposalEvent.id > min(cursors.values(), default=0),
        )
        .order_by(ProposalEvent.id)
    )
    news: dict[str, list[tuple[ProposalEvent, int]]] = {}
    for event, party in session.execute(stmt):
        if event.pesantren_id == party:  # its own answer: nothing to tell it
            continue
        for address in by_pesantren[party]:
            told = news.get(address, [])
            if event.id > cursors[address] and all(e.id != event.id for e, _p in told):
                news[address] = [*told, (event, party)]
    notices, waiting = [], []
    for address, events in sorted(news.items()):
        log = logs.get(address)
        if log is not None and log.last_sent_at and now - log.last_sent_at < NOTICE_INTERVAL:
            waiting.append(address)
            continue
        person = people[address]
        with force_locale(person.language):
            lines = [_line(session, e, party, person.language) for e, party in events]
        notices.append(
            Notice(person, lines[:MAX_LINES], max(0, len(lines) - MAX_LINES), events[-1][0].id)
        )
    return notices, waiting


def send_notices(
    session: DbSession, sender: MailSender, *, now: dt.datetime, dry_run: bool = False
) -> NoticeResult:
    """Send the notices due at ``now`` (see the module docstring); ``dry_run`` hands them
    to ``sender`` (a file sender) without moving any cursor."""
    result = NoticeResult()
    notices, result.waiting = collect_notices(session, now)
    for notice in notices:
        address = notice.recipient.address
        msg = build_notice(notice, now)
        if dry_run:
            sender.send(msg)
            result.sent.append(address)
            continue
        log = session.get(NoticeLog, address)
        before = (log.last_event_id, log.last_sent_at) if log is not None else None
        if log is None:
            log = NoticeLog(recipient=address)
            session.add(log)
        log.last_event_id, log.last_sent_at = notice.last_event_id, now
        session.commit()
        try:
            sender.send(msg)
        except MailError as exc:
            if before is None:
                session.delete(log)
            else:
                log.last_event_id, log.last_sent_at = before
            session.commit()
            result.failed.append((address, str(exc)))
            logger.warning("notice to %s failed: %s", address, exc)
            if exc.connection_lost:
                break
            continue
        result.sent.append(address)
    return result


def build_notice(notice: Notice, now: dt.datetime) -> EmailMessage:
    person = notice.recipient
    with force_locale(person.language):
        count = len(notice.lines) + notice.more
        subject = ngettext(
            "OPOP Match: %(num)s update on your proposals",
            "OPOP Match: %(num)s updates on your proposals",
            count,
        )
        context = {
            "person": person,
            "lines": notice.lines,
            "more": notice.more,
            "all_url": external_url("officer.proposals", fallback="/usulan"),
            "unsubscribe_url": notice_unsubscribe_url(person.address),
            "language": person.language,
            "subject": subject,
        }
        text = render_template("email/notice.txt", **context)
        html = render_template("email/notice.html", **context)
    msg = automated_message(
        str(subject),
        person.name,
        person.address,
        now=now,
        message_id=make_msgid(idstring="notice", domain=mail_domain()),
    )
    msg["List-Id"] = f"OPOP Match proposal notices <notices.{mail_domain()}>"
    msg["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    msg["Content-Language"] = person.language
    return msg


def _line(session: DbSession, event: ProposalEvent, party: int, language: str) -> tuple[str, str]:
    p = event.proposal
    kind = str(KIND_LABELS.get(p.kind, p.kind))
    actor = session.get(Pesantren, event.pesantren_id) if event.pesantren_id else None
    who = actor.name if actor is not None else ""
    # the party's own answer link: it shows the proposal (and answers it while it is open)
    # without a login, so it works for a pesantren without an account too
    url = answer_url(p.id, party)
    if event.action == "publish":
        text = _(
            "New %(kind)s #%(id)s for you: %(legs)s. Answer by %(date)s.",
            kind=kind,
            id=p.id,
            legs="; ".join(leg_lines(p, language)),
            date=day(p.respond_by) if p.respond_by else "—",
        )
    elif event.action == "accept" and event.to_state == "confirmed":
        text = _("%(kind)s #%(id)s is confirmed: every party accepted.", kind=kind, id=p.id)
    elif event.action == "accept":
        text = _("%(who)s accepted %(kind)s #%(id)s.", who=who, kind=kind, id=p.id)
    elif event.action == "decline":
        code = (event.reason or "other").split(":")[0]
        text = _(
            "%(who)s declined %(kind)s #%(id)s (%(reason)s).",
            who=who,
            kind=kind,
            id=p.id,
            reason=str(DECLINE_LABELS.get(code, code)),
        )
    elif event.action == "complete":
        text = _("%(kind)s #%(id)s was marked completed.", kind=kind, id=p.id)
    else:
        text = _(
            "%(kind)s #%(id)s was cancelled: %(reason)s", kind=kind, id=p.id, reason=event.reason
        )
    return text, url


def notice_unsubscribe_token(address: str) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).dumps(_key(address))


def read_notice_unsubscribe_token(token: str) -> str:
    address = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).loads(token)
    if not isinstance(address, str) or "@" not in address:
        raise BadSignature("not a notice unsubscribe token")
    return address


def notice_unsubscribe_url(address: str) -> str:
    return external_url(
        "report.unsubscribe_notices",
        token=notice_unsubscribe_token(address),
        fallback="/laporan/berhenti-kabar/{token}",
    )


def _key(address: str) -> str:
    return (address or "").strip().lower()
