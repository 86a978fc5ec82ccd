"""Load benchmark: 50 users on gunicorn with PostgreSQL, loopback only (issue 14, point 13).

Builds a fresh PostgreSQL database with the demo (seed data and a published round), gives
``--users`` officers of pesantren with a proposal waiting for their answer an account each
(plus the demo's facilitator), serves the app with gunicorn (``--workers`` sync workers) and
runs locust headless for ``--seconds`` against it: officers sign in, open their dashboard,
search suppliers, list and open proposals and answer one; facilitators open the network
dashboard (``docs/load_users.py``). Prints requests/s, p50/p95/p99 and errors per page and
writes locust's CSVs to ``--out``. Nothing leaves 127.0.0.1.

    pip install -e '.[load]'
    python docs/bench_load.py --database postgresql://postgres@127.0.0.1:5432/opop_load
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's webapp, not whichever one is installed
PASSWORD = "beban-uji-coba-2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default="postgresql://postgres@127.0.0.1:5432/opop_load",
        help="a scratch PostgreSQL database: dropped and created again",
    )  # fmt: skip
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=Path("/tmp/opop-load"))
    parser.add_argument("--keep", action="store_true", help="reuse the database as it is")
    parser.add_argument(
        "--steady", action="store_true",
        help="count only after every user has signed in (locust --reset-stats): the day, "
        "not the morning's sign-in rush",
    )  # fmt: skip
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "OPOP_DATABASE_URL": args.database,
        "OPOP_SECRET_KEY": secrets.token_hex(16),
        "OPOP_INSTANCE_PATH": str(args.out / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    if not args.keep:
        _recreate(args.database)
        _run([sys.executable, "-m", "webapp.cli", "demo", "--no-serve"], env, "the demo")
    accounts = args.out / "accounts.json"
    accounts.write_text(json.dumps(_accounts(args.database, args.users)), encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:webapp.gunicorn_conf",
         "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning", "webapp:create_app()"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        _wait_for(args.port)
        _run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "docs" / "load_users.py"),
             "--headless", "--users", str(args.users), "--spawn-rate", "10",
             "--run-time", f"{args.seconds}s", "--host", f"http://127.0.0.1:{args.port}",
             "--csv", str(args.out / "run"), "--only-summary", "--loglevel", "WARNING",
             *(["--reset-stats"] if args.steady else [])],
            {**env, "OPOP_LOAD_USERS": str(accounts)}, "locust", check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    _report(args.out / "run_stats.csv", args)


def _recreate(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _run(command: list[str], env: dict[str, str], what: str, check: bool = True) -> None:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=ROOT, check=False)
    if check and result.returncode:
        raise SystemExit(f"{what} failed (exit {result.returncode})")
    print(f"{what}: {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _accounts(url: str, n: int) -> dict[str, list[dict[str, object]]]:
    """An officer account for each of ``n`` pesantren with a pending answer (and its
    proposal), and the demo's facilitator (its password set to the same)."""
    from sqlalchemy import select

    from webapp import create_app
    from webapp.models import Pesantren, Proposal, ProposalParty, User, db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "load", "TESTING": False})
    officers: list[dict[str, object]] = []
    with app.app_context():
        waiting = db.session.execute(
            select(ProposalParty.pesantren_id, ProposalParty.proposal_id)
            .join(Proposal)
            .where(Proposal.state == "published", ProposalParty.response == "pending")
            .order_by(ProposalParty.pesantren_id, ProposalParty.proposal_id)
        ).all()
        first: dict[int, int] = {}
        for pesantren_id, proposal_id in waiting:
            first.setdefault(pesantren_id, proposal_id)
        for pesantren_id, proposal_id in list(first.items())[:n]:
            email = f"load-{pesantren_id}@example.org"
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                pesantren = db.session.get(Pesantren, pesantren_id)
                user = User(email=email, name=f"Beban {pesantren_id}", role="officer",
                            pesantren_id=pesantren.id if pesantren else None)  # fmt: skip
                user.set_password(PASSWORD)
                db.session.add(user)
            officers.append({"email": email, "password": PASSWORD, "proposal_id": proposal_id})
        facilitator = db.session.scalar(select(User).where(User.role == "facilitator"))
        assert facilitator is not None, "the demo makes a facilitator"
        facilitator.set_password(PASSWORD)
        db.session.commit()
        return {
            "officer": officers,
            "facilitator": [{"email": facilitator.email, "password": PASSWORD}],
        }


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def _report(stats: Path, args: argparse.Namespace) -> None:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    print(
        f"\n{args.users} users, {args.seconds} s, gunicorn {args.workers} workers, "
        f"{args.database.rpartition('@')[2]}"
        f"{', after every sign-in' if args.steady else ', sign-ins included'}\n"
    )
    print("| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        print(
            f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {row['Failure Count']} |"
        )


if __name__ == "__main__":
    main()
