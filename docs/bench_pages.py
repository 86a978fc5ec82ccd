"""Server time of the pages users open every day, on the demo database (a benchmark, not a test).

Times each page in-process (Flask test client: the time the app spends, no network), signed in
as the demo account that opens it: the facilitator's dashboard and market-gap page (issue 12:
the dashboard under 300 ms at seed scale), the officer's dashboard, listings and proposals.
Prints one line per page: median and max of ``--repeat`` runs after one warm-up request (the
market snapshot built, templates compiled). Nothing is written.

    opop-match demo --no-serve                        # once: the seeded demo database
    python docs/bench_pages.py --database sqlite:////path/to/opop.sqlite3 --repeat 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# This checkout's webapp, not whichever one is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PAGES = {
    "facilitator@demo.opop-match.org": [
        ("facilitator dashboard", "/fasilitator/"),
        ("market gaps, by product", "/fasilitator/kesenjangan"),
        ("market gaps, by kabupaten", "/fasilitator/kesenjangan?by=kabupaten"),
        ("market gaps, drill-down", "/fasilitator/kesenjangan?by=product&key=beras-medium"),
    ],
    "officer@demo.opop-match.org": [
        ("officer dashboard", "/saya"),
        ("officer listings", "/saya/listing"),
        ("officer proposals", "/usulan"),
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="the demo's DATABASE_URL")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from webapp import create_app
    from webapp.models import User, db

    app = create_app({"DATABASE_URL": args.database, "SECRET_KEY": "bench"})
    print(f"{'page':32} {'median ms':>10} {'max ms':>8} {'KiB':>6}")
    for email, pages in PAGES.items():
        with app.app_context():
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None:
                raise SystemExit(f"no {email}: run `opop-match demo --no-serve` on this database")
            user_id = user.get_id()
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        for label, path in pages:
            first = client.get(path)  # warm-up
            assert first.status_code == 200, (path, first.status_code)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            size = len(response.get_data()) / 1024
            print(f"{label:32} {statistics.median(times):10.1f} {max(times):8.1f} {size:6.0f}")


if __name__ == "__main__":
    main()
