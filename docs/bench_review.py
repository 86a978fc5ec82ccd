"""Server time of the facilitator's round review at seed scale (a benchmark, not a test).

Loads the seed into a fresh SQLite database (or reuses ``--database``), runs one real round
(about 3,000 proposals), then times the review page in-process (Flask test client: the time
the app spends, no network) for the filters a facilitator uses, and the bulk veto of a
filtered set. Prints one line per request: median and max of ``--repeat`` runs.

    python docs/bench_review.py                       # builds /tmp/opop-review-bench.sqlite3
    python docs/bench_review.py --database sqlite:////tmp/x.sqlite3 --repeat 7
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# This checkout's webapp, not whichever one is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERIES = [
    ("whole round, by value", ""),
    ("page 60", "?page=60"),
    ('product "gereh" (alias)', "?product=gereh"),
    ("product typo", "?product=ikan+asn"),
    ("regency + kind", "?kabupaten=3529&kind=trade"),
    ("region type, by distance", "?region_type=coastal_fisheries&sort=distance"),
    ("decision: undecided, by score", "?decision=undecided&sort=score"),
    ("pesantren name", "?pesantren=Al"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from webapp import create_app, migrate
    from webapp.models import MatchRound, Proposal, User, db

    fresh = not args.database
    url = args.database or "sqlite:////tmp/opop-review-bench.sqlite3"
    if fresh:
        Path("/tmp/opop-review-bench.sqlite3").unlink(missing_ok=True)
    app = create_app(  # in-process posts: no CSRF form round trip
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    migrate.upgrade(app)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.role == "facilitator"))
        if user is None:
            from webapp.seed import load_seed

            load_seed()
            user = User(email="bench@opop.test", name="Bench", role="facilitator")
            user.set_password("sandi-uji-coba-1")
            db.session.add(user)
            db.session.commit()
        round_ = db.session.scalar(
            db.select(MatchRound).where(MatchRound.status == "draft").order_by(MatchRound.id)
        )
        if round_ is None:
            from webapp.rounds import run_match_round

            round_ = run_match_round(user)
        round_id, user_id = round_.id, user.get_id()
        count = db.session.scalar(
            db.select(db.func.count(Proposal.id)).where(Proposal.round_id == round_id)
        )
    print(f"round {round_id}: {count} proposals; {args.repeat} runs each (median / max ms)")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    base = f"/fasilitator/putaran/{round_id}"
    client.get(base + "?product=gereh")  # warm: templates compiled, the search's snapshot built
    for label, query in QUERIES:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(base + query)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (query, response.status_code)
        size = len(response.data) // 1024
        print(f"  {label:34} {statistics.median(times):7.0f} {max(times):7.0f}   {size:4d} KiB")
    start = time.perf_counter()
    page = client.get(base + "/terbitkan")
    print(f"  {'publish summary':34} {(time.perf_counter() - start) * 1000:7.0f}")
    assert page.status_code == 200
    if fresh:  # the bulk veto changes the round: only on the database built here
        html = client.get(base + "?product=gereh").get_data(as_text=True)
        marker = 'name="expected" value="'
        expected = int(html.split(marker, 1)[1].split('"', 1)[0])
        start = time.perf_counter()
        done = client.post(
            base + "/massal",
            data={
                "action": "veto",
                "scope": "filtered",
                "product": "gereh",
                "expected": str(expected),
                "reason": "bench",
            },
        )
        took = (time.perf_counter() - start) * 1000
        print(f"  {f'bulk veto of {expected} (gereh)':34} {took:7.0f}")
        assert done.status_code == 302


if __name__ == "__main__":
    main()
