"""``opop-match serve`` and ``opop-match demo``: the web application, alone or with demo data."""

from __future__ import annotations

import signal
import sys
from collections import Counter
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from werkzeug.serving import run_simple

from .. import migrate
from ..config import DEFAULTS
from ..models import Listing, MatchRound, Pesantren, ProposalParty, User, db
from ..seed import SeedError, load_seed

#: Demo accounts (email, role, name); they share one password, printed by ``demo``.
DEMO_ACCOUNTS = (
    ("facilitator@demo.opop-match.org", "facilitator", "Pendamping OPOP (demo)"),
    ("admin@demo.opop-match.org", "admin", "Admin (demo)"),
    ("officer@demo.opop-match.org", "officer", "Bagian Pengadaan (demo)"),
)
DEMO_PASSWORD = "opop-demo-2026"


def _serve(app: Flask, host: str, port: int, debug: bool = False, worker: bool = True) -> None:
    """Serve ``app``; with ``worker``, beside a round worker process on the same database
    (stopped with the server), so rounds started from the pages get computed. Unless
    ``BASE_URL`` is configured, the emails' links point where this server listens."""
    app.debug = debug
    if app.config["BASE_URL"] == DEFAULTS["BASE_URL"]:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        app.config["BASE_URL"] = f"http://{shown}:{port}"
    process = None
    if worker:
        from ..worker import spawn

        process = spawn(app.config["DATABASE_URL"])
    click.echo(f"OPOP Match at {app.config['BASE_URL']}/ (Ctrl+C to stop)")
    # stopped by a service manager (SIGTERM) as by Ctrl+C: the worker stops with the server
    previous = signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        run_simple(host, port, app, threaded=True, use_debugger=debug, use_reloader=False)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process is not None:
            process.terminate()
            process.wait(timeout=30)


def _exit_on_term(signum: int, frame: object) -> None:
    sys.exit(128 + signum)


@click.command()
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Start a round worker beside the server (in production run `opop-match worker`).",
)
def serve(host: str, port: int, debug: bool, worker: bool) -> None:
    """Serve the web application (a development-grade server; use a WSGI server in production)."""
    _serve(current_app._get_current_object(), host, port, debug, worker)  # type: ignore[attr-defined]


@click.command()
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--serve/--no-serve", "serve_after", default=True, help="Serve when ready.")
def demo(host: str, port: int, serve_after: bool) -> None:
    """Set up a demo (schema, seed data, accounts, a published match round) and serve it.

    Safe to run again: what is already there is kept.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"Database: {app.config['DATABASE_URL']}")
    if not app.config["MAIL_OUTBOX"] and app.config["SMTP_HOST"] == DEFAULTS["SMTP_HOST"]:
        app.config["MAIL_OUTBOX"] = str(Path(app.instance_path) / "outbox")
        click.echo(
            f"Emails (activation and reset links, notices) go to {app.config['MAIL_OUTBOX']} "
            "as .eml files; set OPOP_SMTP_HOST to send them."
        )
    click.echo(migrate.describe_upgrade(*migrate.upgrade(app)))
    try:
        reports = load_seed(progress=True)
    except SeedError as exc:
        raise click.ClickException(f"seed not loaded: {exc}") from exc
    for report in reports.values():
        click.echo(report.summary())
    facilitator = _demo_account(*DEMO_ACCOUNTS[0])
    _demo_account(*DEMO_ACCOUNTS[1])
    _demo_round(facilitator)
    officer = _demo_account(*DEMO_ACCOUNTS[2], pesantren=_well_connected_pesantren())
    db.session.commit()

    click.echo("\nDemo accounts (password for all: " + DEMO_PASSWORD + "):")
    for email, role, _name in DEMO_ACCOUNTS:
        click.echo(f"  {role:<12} {email}")
    if officer.pesantren is not None:
        click.echo(
            f"  (the officer works for {officer.pesantren.name}, NSPP {officer.pesantren.nspp})"
        )
    if serve_after:
        _serve(app, host, port)


def _demo_account(email: str, role: str, name: str, pesantren: Pesantren | None = None) -> User:
    account = db.session.scalar(select(User).where(User.email == email))
    if account is None:
        account = User(email=email, name=name, role=role, language="id")
        account.pesantren_id = pesantren.id if pesantren else None
        account.set_password(DEMO_PASSWORD)
        db.session.add(account)
        db.session.flush()
    return account


def _well_connected_pesantren() -> Pesantren:
    """The pesantren with the most proposals in the newest published round, else the one
    whose listings have the most counterparts (offers meeting needs) in the network."""
    newest = db.session.scalar(
        select(MatchRound.id)
        .where(MatchRound.status == "published")
        .order_by(MatchRound.id.desc())
        .limit(1)
    )
    if newest is not None:
        from ..models import Proposal

        best = db.session.execute(
            select(ProposalParty.pesantren_id, func.count())
            .join(Proposal, Proposal.id == ProposalParty.proposal_id)
            .where(Proposal.round_id == newest)
            .group_by(ProposalParty.pesantren_id)
            .order_by(func.count().desc(), ProposalParty.pesantren_id)
            .limit(1)
        ).first()
        if best is not None:
            return db.session.get_one(Pesantren, best[0])
    rows = db.session.execute(select(Listing.pesantren_id, Listing.kind, Listing.product_id)).all()
    if not rows:
        raise click.ClickException("no listings in the database: cannot pick a demo pesantren")
    per_side = Counter((kind, product) for _pid, kind, product in rows)
    score: Counter[int] = Counter()
    for pid, kind, product in rows:
        score[pid] += per_side[("need" if kind == "offer" else "offer", product)]
    best_id = min(score, key=lambda pid: (-score[pid], pid))
    return db.session.get_one(Pesantren, best_id)


def _demo_round(facilitator: User) -> None:
    published = db.session.scalar(
        select(func.count()).select_from(MatchRound).where(MatchRound.status == "published")
    )
    if published:
        click.echo("A published match round exists already; not running another.")
        return
    from matcher.engine import round_process_settings

    from .. import rounds

    click.echo("Running a match round ...")
    with round_process_settings():  # the CLI process, before it serves anything
        round_ = rounds.run_match_round(facilitator, progress=lambda text: click.echo(f"  {text}"))
    if round_.status != "draft":
        click.echo(f"The match round failed: {round_.error or round_.status}", err=True)
        return
    rounds.publish_round(round_, facilitator)
    db.session.commit()
    click.echo(f"Match round {round_.id} published with {len(round_.proposals)} proposal(s).")


COMMANDS = [serve, demo]
