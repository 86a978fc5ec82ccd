"""Turn a collected report into subject, text, HTML and a standards-conforming email.

The message is ``multipart/alternative`` (plain text first, then HTML with inline styles
only). The charts are HTML tables with coloured cells of proportional width, not images:
they show in every client, including those that block images and those that show
``cid:`` parts as attachments, read out in screen readers, and keep the message small; so
no ``multipart/related`` part is needed.

Headers: ``Date``, ``Message-ID`` (on the ``OPOP_MAIL_FROM`` domain), ``From``, ``To``,
``Subject``, ``List-Id``, ``List-Unsubscribe`` (signed https link) with
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), ``Auto-Submitted``
(RFC 3834, so autoresponders stay quiet) and ``Content-Language``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from babel.dates import format_interval
from flask import current_app, render_template
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from ..engine_settings import stale_days
from .facilitator import FacilitatorReport
from .links import external_url, unsubscribe_token
from .officer import OfficerReport

#: Never fold a header into RFC 2047 encoded words: a folded ``List-Unsubscribe`` URL is
#: encoded and no longer a URL. 998 is RFC 5322's hard line limit; bodies are encoded anyway.
HEADER_POLICY = policy.default.clone(max_line_length=998)

__all__ = [
    "HEADER_POLICY",
    "automated_message",
    "Rendered",
    "build_message",
    "mail_domain",
    "new_message_id",
    "render_report",
]

Report = OfficerReport | FacilitatorReport


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    language: str


def render_report(report: Report) -> Rendered:
    """Subject, text and HTML of ``report`` in its recipient's language."""
    language = report.recipient.language
    with force_locale(language):
        dates = format_interval(
            report.week.first_day, report.week.last_day, "yMMMd", locale=str(get_locale())
        )
        subject = _subject(report, dates)
        context: dict[str, Any] = {
            "subject": subject,
            "report": report,
            "r": report.recipient,
            "week": report.week,
            "dates": dates,
            "unsubscribe_url": unsubscribe_url(report.recipient.address),
            "preferences_url": external_url("report.preferences", fallback="/akun/laporan"),
            "site_url": external_url("public.index", fallback="/"),
            "proposals_url": external_url("officer.proposals", fallback="/usulan"),
            "language": language,
            "stale_days": stale_days(),
        }
        name = "officer" if isinstance(report, OfficerReport) else "facilitator"
        text = _render_text(f"email/report/{name}.txt", context)
        html = render_template(f"email/report/{name}.html", **context)
    return Rendered(subject, _tidy_text(text), html, language)


def _render_text(name: str, context: dict[str, Any]) -> str:
    """Plain text: block tags must not leave their line breaks behind (``trim_blocks``)."""
    env = current_app.extensions.get("report_text_env")
    if env is None:  # one overlay per app, so its compiled templates are cached
        env = current_app.jinja_env.overlay(trim_blocks=True, lstrip_blocks=True)
        current_app.extensions["report_text_env"] = env
    values = dict(context)
    current_app.update_template_context(values)
    return str(env.get_template(name).render(values))


def _subject(report: Report, dates: str) -> str:
    if isinstance(report, FacilitatorReport):
        return str(
            _("OPOP Match network, %(dates)s: %(changes)s", dates=dates, changes=_news(report))
        )
    parts = []
    awaiting = report.count("awaiting")
    matches = report.count("suppliers") + report.count("buyers")
    if awaiting:
        parts.append(
            ngettext(
                "%(num)d proposal awaits your answer",
                "%(num)d proposals await your answer",
                awaiting,
            )
        )
    if matches:
        parts.append(ngettext("%(num)d new match", "%(num)d new matches", matches))
    decided = report.count("decided")
    if decided:
        parts.append(ngettext("%(num)d proposal decided", "%(num)d proposals decided", decided))
    stale = report.count("stale")
    if stale and not parts:
        parts.append(ngettext("%(num)d listing to confirm", "%(num)d listings to confirm", stale))
    return str(_("OPOP Match, %(dates)s: %(news)s", dates=dates, news=", ".join(parts)))


def _news(report: FacilitatorReport) -> str:
    parts = []
    if report.new_pesantren_count:
        parts.append(
            ngettext("%(num)d new pesantren", "%(num)d new pesantren", report.new_pesantren_count)
        )
    listings = report.new_offers + report.new_needs
    if listings:
        parts.append(ngettext("%(num)d new listing", "%(num)d new listings", listings))
    confirmed = next((s.this_week for s in report.states if s.state == "confirmed"), 0)
    if confirmed:
        parts.append(
            ngettext("%(num)d proposal confirmed", "%(num)d proposals confirmed", confirmed)
        )
    if not parts:
        parts.append(
            ngettext("%(num)d proposal change", "%(num)d proposal changes", report.changes)
        )
    return ", ".join(parts)


def _tidy_text(text: str) -> str:
    """Templates leave blank-line runs behind their conditionals: keep at most one."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out) + "\n"


def unsubscribe_url(address: str) -> str:
    return external_url(
        "report.unsubscribe", token=unsubscribe_token(address), fallback="/laporan/berhenti/{token}"
    )


def mail_domain() -> str:
    address = parseaddr(str(current_app.config["MAIL_FROM"]))[1]
    return address.rpartition("@")[2] or "opop-match.local"


def new_message_id(week: str) -> str:
    return make_msgid(idstring=f"report.{week}", domain=mail_domain())


def automated_message(
    subject: str, name: str, address: str, *, now: dt.datetime, message_id: str
) -> EmailMessage:
    """The headers every email of OPOP Match carries (subject, sender, the named recipient,
    date, id, ``Auto-Submitted``); the caller adds list headers and the body."""
    msg = EmailMessage(policy=HEADER_POLICY)
    msg["Subject"] = subject
    msg["From"] = str(current_app.config["MAIL_FROM"])
    local, _at, domain = address.partition("@")
    msg["To"] = Address(display_name=name, username=local, domain=domain)
    msg["Date"] = format_datetime(now.astimezone(dt.UTC))
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    return msg


def build_message(
    report: Report, rendered: Rendered, *, message_id: str, now: dt.datetime
) -> EmailMessage:
    """The email for ``report``: text and HTML alternatives with list headers."""
    recipient = report.recipient
    msg = automated_message(
        rendered.subject, recipient.name, recipient.address, now=now, message_id=message_id
    )
    msg["List-Id"] = f"OPOP Match weekly report <weekly-report.{mail_domain()}>"
    msg["List-Unsubscribe"] = f"<{unsubscribe_url(recipient.address)}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # quoted-printable: 7-bit safe for any relay, yet the text stays readable in the source.
    msg.set_content(rendered.text, cte="quoted-printable")
    msg.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    # After add_alternative: making the multipart moves Content-* headers into the text part.
    msg["Content-Language"] = rendered.language
    return msg
