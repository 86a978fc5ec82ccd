"""Server time of the officer's supplier search on the demo database (a benchmark, not a test).

Times the search page in-process (Flask test client: the time the app spends, no network)
as the demo's officer, for a few searches an officer makes, and the market version lookup
every officer page makes. Prints one line per request: median and max of ``--repeat`` runs.
Nothing is written: the cached market stays valid throughout, as between real edits.

    opop-match demo --no-serve                        # once: the seeded demo database
    python docs/bench_search.py --database sqlite:////path/to/opop.sqlite3 --repeat 50
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This checkout's webapp, not whichever one is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERIES = [
    ("beras", "?q=beras"),
    ("ikan asin, 500 kg, 50 km", "?q=ikan+asin&quantity=500&unit=kg&radius=50"),
    ("alias gereh", "?q=gereh"),
    ("typo (choices)", "?q=bras"),
]
OFFICER = "officer@demo.opop-match.org"


def _median_ms(repeat: int, work: Callable[[], Any]) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="the demo's DATABASE_URL")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from webapp import create_app
    from webapp.models import User, db

    app = create_app({"DATABASE_URL": args.database, "SECRET_KEY": "bench"})
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == OFFICER))
        if user is None:
            raise SystemExit(f"no {OFFICER}: run `opop-match demo --no-serve` on this database")
        user_id = user.get_id()
        version = _version_lookup()
        median, worst = _median_ms(args.repeat * 10, version)
        print(f"market version lookup: {median:.2f} ms median, {worst:.2f} ms max")
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    client.get("/cari?q=beras")  # warm: templates compiled, the market snapshot built
    print(f"search page, {args.repeat} runs each (median / max ms)")
    for label, query in QUERIES:

        def get(query: str = query) -> None:
            response = client.get("/cari" + query)
            assert response.status_code in (200, 400), (query, response.status_code)

        median, worst = _median_ms(args.repeat, get)
        print(f"  {label:28} {median:7.1f} {worst:7.1f}")


def _version_lookup() -> Callable[[], Any]:
    """The market version query, in its own transaction each time, as a page makes it."""
    from webapp.models import db, market_version

    def lookup() -> Any:
        value = market_version(db.session)
        db.session.rollback()
        return value

    return lookup


if __name__ == "__main__":
    main()
