"""``opop-match match``: run a match round over the database and store it as a draft."""

from __future__ import annotations

import dataclasses
import sys
import time
from typing import Any

import click
from flask.cli import with_appcontext

from ..engine_settings import engine_config
from ..models import User, db
from ..rounds import RoundError, publish_round, run_match_round


@click.command("match")
@click.option("--publish", is_flag=True, help="Publish the round right away (parties can answer).")
@click.option(
    "--max-cycle-length",
    type=click.IntRange(2, 6),
    default=None,
    help="Longest barter cycle, in pesantren (default from the engine configuration: 3).",
)
@click.option("--user", "email", default=None, help="Record this account as the round's author.")
@with_appcontext
def match(publish: bool, max_cycle_length: int | None, email: str | None) -> None:
    """Snapshot the market, run the engine and store a draft match round."""
    config = engine_config()
    if max_cycle_length is not None:
        config = dataclasses.replace(config, max_cycle_length=max_cycle_length)
    user = None
    if email:
        user = db.session.scalar(db.select(User).filter_by(email=email))
        if user is None:
            raise click.BadParameter(f"no account with email {email!r}", param_hint="--user")
    started = time.perf_counter()

    def progress(text: str) -> None:
        click.echo(f"[{time.perf_counter() - started:6.1f}s] {text}", err=True)

    from matcher.engine import round_process_settings  # the solvers load only when used

    try:
        with round_process_settings():  # this process exists to run the round
            round_ = run_match_round(user, config, progress)
    except RoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if round_.status == "failed":
        click.echo(f"Round {round_.id} failed: {round_.error}", err=True)
        sys.exit(1)
    if publish:
        round_ = publish_round(round_, user)
    click.echo(format_summary(round_.id, round_.status, round_.summary))


@click.command("worker")
@click.option("--once", is_flag=True, help="Compute the rounds waiting now, then exit.")
@click.option(
    "--poll",
    type=click.FloatRange(0.1, 60),
    default=2.0,
    show_default=True,
    help="Seconds between looks at the queue.",
)
@with_appcontext
def worker(once: bool, poll: float) -> None:
    """Compute the match rounds that the web pages and the API queue (run it beside the
    web server: the engine never runs inside a process that serves requests)."""
    from ..worker import work

    try:
        work(poll=poll, once=once, echo=click.echo)
    except KeyboardInterrupt:
        click.echo("Round worker stopped.")


def format_summary(round_id: int, status: str, summary: dict[str, Any]) -> str:
    """The round's summary as a few plain lines (also used by ``opop-match demo``)."""
    counts: dict[str, int] = summary.get("counts", {})
    market: dict[str, int] = summary.get("market", {})
    timings: dict[str, float] = summary.get("timings", {})
    lines = [
        f"Round {round_id} ({status}): {summary.get('proposals', 0)} proposals",
        "  " + ", ".join(f"{kind}: {n}" for kind, n in counts.items()),
        f"  value: Rp {float(summary.get('value_idr', 0) or 0):,.0f} per month",
        "  market: " + ", ".join(f"{k} {v}" for k, v in market.items()),
        "  timings: " + ", ".join(f"{k} {float(v or 0):.2f}s" for k, v in timings.items()),
    ]
    skipped = summary.get("skipped_count", 0)
    if skipped:
        lines.append(f"  skipped listings: {skipped} (see the round's summary)")
    return "\n".join(lines)


COMMANDS = [match]


@click.command(
    "bench",
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Benchmark the engine on generated markets (python -m matcher.bench; --help lists
    its options)."""
    from matcher.bench import main as bench_main

    sys.exit(bench_main(list(args)))
