"""``opop-match report weekly``: the Monday job that sends the weekly match reports.

Cron, every Monday at 06:00 WIB (23:00 UTC on Sunday)::

    0 23 * * 0  cd /srv/opop && /srv/opop/venv/bin/opop-match report weekly >> /var/log/opop-report.log 2>&1

Exit status: 0 when every due email was handed over; 1 when some failed, were not
attempted (the SMTP server went away) or are of unknown delivery; run the same command
again to send to exactly those.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup

from ..mail import FileSender, MailSender, sender_from_config
from ..models import utcnow
from ..report import WeekError, parse_week, previous_week, send_weekly


@click.group(cls=AppGroup)
def report() -> None:
    """Weekly match report emails."""


@report.command()
@click.option(
    "--week",
    "week_label",
    metavar="YYYY-Www",
    help="ISO week the report covers (default: the last complete week, e.g. 2026-W48).",
)
@click.option(
    "--dry-run",
    "dry_run",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write the emails as .eml files to DIR; send and record nothing.",
)
@click.option("--only", metavar="EMAIL", help="Only this recipient address.")
@click.option(
    "--resend-uncertain",
    is_flag=True,
    help="Also resend emails whose delivery is unknown (a run died mid-send), same Message-ID.",
)
def weekly(
    week_label: str | None, dry_run: Path | None, only: str | None, resend_uncertain: bool
) -> None:
    """Send each pesantren, officer and facilitator this week's report (once per week)."""
    now = _now()
    try:
        week = parse_week(week_label) if week_label else previous_week(now)
    except WeekError as exc:
        raise click.BadParameter(str(exc), param_hint="--week") from None
    base_url = str(current_app.config["BASE_URL"])
    if not dry_run and urlsplit(base_url).hostname in ("127.0.0.1", "localhost", None):
        click.echo(
            f"warning: OPOP_BASE_URL is {base_url}: the links in the emails will not work for "
            "their readers; set it to the public https address",
            err=True,
        )
    sender: MailSender = FileSender(dry_run) if dry_run else sender_from_config(current_app.config)
    try:
        result = send_weekly(
            week,
            sender,
            now=now,
            only=only,
            dry_run=dry_run is not None,
            resend_uncertain=resend_uncertain,
            progress=click.echo,
        )
    finally:
        close = getattr(sender, "close", None)
        if close:
            close()
    if only and not (
        result.sent
        or result.written
        or result.nothing_new
        or result.already_sent
        or result.failed
        or result.uncertain
    ):
        raise click.ClickException(
            f"--only {only}: not a recipient (no pesantren contact or facilitator with this "
            "address, or the address has unsubscribed)"
        )
    if dry_run:
        click.echo(f"{week.label}: wrote {len(result.written)} emails to {dry_run} (nothing sent)")
    click.echo(
        f"{week.label}: sent {len(result.sent)}, nothing new {len(result.nothing_new)}, "
        f"already sent {len(result.already_sent)}, failed {len(result.failed)}, "
        f"not attempted {len(result.not_attempted)}, delivery unknown {len(result.uncertain)}"
    )
    for address, error in result.failed:
        click.echo(f"failed: {address}: {error}", err=True)
    for address in result.not_attempted:
        click.echo(f"not attempted: {address}", err=True)
    for address, message_id in result.uncertain:
        click.echo(
            f"delivery unknown: {address} {message_id} (check the mail server log for this "
            "Message-ID; --resend-uncertain sends it again)",
            err=True,
        )
    if not result.ok:
        raise SystemExit(1)


@report.command()
@click.option(
    "--dry-run",
    "dry_run",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write the notices as .eml files to DIR; send and record nothing.",
)
def notices(dry_run: Path | None) -> None:
    """Send the short notices about proposals (at most one per address an hour).

    Cron, every ten minutes: ``*/10 * * * *  opop-match report notices``."""
    from ..models import db
    from ..report.notices import send_notices

    sender: MailSender = FileSender(dry_run) if dry_run else sender_from_config(current_app.config)
    try:
        result = send_notices(db.session, sender, now=_now(), dry_run=dry_run is not None)
    finally:
        close = getattr(sender, "close", None)
        if close:
            close()
    verb = f"wrote to {dry_run}" if dry_run else "sent"
    click.echo(
        f"notices: {verb} {len(result.sent)}, failed {len(result.failed)}, "
        f"waiting for the hour {len(result.waiting)}"
    )
    for address, error in result.failed:
        click.echo(f"failed: {address}: {error}", err=True)
    if not result.ok:
        raise SystemExit(1)


def _now() -> dt.datetime:
    """The clock; ``OPOP_REPORT_NOW`` (ISO datetime) pins it for tests and reproductions."""
    fixed = current_app.config.get("REPORT_NOW")
    if fixed:
        value = dt.datetime.fromisoformat(str(fixed))
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return utcnow()
