"""Benchmark harness: ``python -m matcher.bench [--sizes 1000,5000,40000] [--baseline-max 2000]``.

For each size a fresh subprocess generates a synthetic market
(:func:`matcher.synthetic_market`, about 5 offers and 5 needs per pesantren), runs
:func:`matcher.run_round` and a batch of supplier searches, and reports its own peak
memory (``ru_maxrss``, so every size is measured alone). Up to ``--baseline-max``
pesantren it also runs the naive baseline in the same process: a Python loop over every
offer × need applying the same hard rules and score, top-k per need, then greedy
selection of disjoint 2- and 3-cycles by weight — and prints the speed ratios: like for
like (the engine's top-k candidates, :func:`matcher.find_candidates`, plus its exact barter
clearing) and against the round's stages (whose candidate stage also picks the
allocation's arcs, plus the trade graph).

The table is markdown, ready for ``docs/benchmarks.md``. Timings are reported, never
asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from matcher.allocation import solve_allocation, unpruned_allocation_value
from matcher.barter import barter_objective, greedy_barters
from matcher.candidates import find_candidates
from matcher.config import DEFAULT_REGION_SCORE, EngineConfig
from matcher.engine import round_process_settings, run_round
from matcher.market import REGION_TYPES, Market
from matcher.rules import OPEN_END, OPEN_START, listing_rules_hold, within_reach
from matcher.scoring import CERT_BITS
from matcher.search import SupplierIndex, SupplierQuery
from matcher.synthetic import synthetic_market

__all__ = ["bench_one", "greedy_cycles", "main", "naive_candidates"]


def naive_candidates(market: Market, config: EngineConfig | None = None) -> pd.DataFrame:
    """The baseline: every offer against every need in Python, same rules and score.

    Catalogue, certificate and pesantren facts are looked up in plain dicts first, so the
    baseline is slow only because it compares every pair, not because of pandas overhead.
    Returns ``need_id, offer_id, supplier_id, buyer_id, score`` (top-k per need).

    >>> m = synthetic_market(30, seed=1)
    >>> naive_candidates(m).columns.tolist()
    ['need_id', 'offer_id', 'supplier_id', 'buyer_id', 'score']
    """
    cfg = config or EngineConfig()
    w = dict(cfg.weights)
    cat = market.catalogue
    products: list[str] = cat["product"].astype(str).tolist()
    related: dict[str, set[str]] = {p: {p} for p in products}
    for p, subs in zip(products, cat["substitutes"].astype(str).tolist(), strict=True):
        for q in (t.strip() for t in subs.split(";")):
            if q in related and q != p:
                related[p].add(q)
                related[q].add(p)
    limit_of = {
        p: cfg.max_distance_km.get(c, math.inf)
        for p, c in zip(products, cat["shelf_life_class"].astype(str).tolist(), strict=True)
    }
    ref_of = dict(
        zip(
            products,
            zip(cat["price_min"].tolist(), cat["price_max"].tolist(), strict=True),
            strict=True,
        )
    )
    pes = market.pesantren
    place: dict[int, tuple[float, float, str]] = {
        int(i): (math.radians(lat), math.radians(lon), str(rt).split(";")[0])
        for i, lat, lon, rt in zip(
            pes["pesantren_id"].tolist(),
            pes["lat"].tolist(),
            pes["lon"].tolist(),
            pes["region_types"].tolist(),
            strict=True,
        )
    }
    track = dict(zip(pes["pesantren_id"].tolist(), pes["track_record"].tolist(), strict=True))
    as_of = pd.Timestamp(market.as_of)
    certs: dict[tuple[int, str], int] = {}
    cf = market.certificates
    for pid, product, kind, expires in zip(
        cf["pesantren_id"].tolist(),
        cf["product"].tolist(),
        cf["kind"].tolist(),
        cf["expires"].tolist(),
        strict=True,
    ):
        if pd.isna(expires) or expires >= as_of:
            certs[(int(pid), str(product))] = certs.get(
                (int(pid), str(product)), 0
            ) | CERT_BITS.get(str(kind), 0)
    region: dict[tuple[str, str], float] = {}
    for (ra, rb), v in cfg.region_complementarity.items():
        region[(ra, rb)] = region[(rb, ra)] = v

    def day(value: Any, open_end: int) -> int:
        return open_end if pd.isna(value) else int(pd.Timestamp(value).value)

    stale = pd.Timedelta(days=cfg.stale_days)

    def rests(frame: pd.DataFrame) -> list[bool]:  # not confirmed for over stale_days
        return [not pd.isna(v) and as_of - v > stale for v in frame["last_confirmed"].tolist()]

    o = market.offers
    o = o[[not r for r in rests(o)]]
    offers = list(
        zip(
            o["listing_id"].tolist(),
            o["pesantren_id"].tolist(),
            o["product"].tolist(),
            o["quantity"].tolist(),
            o["price"].tolist(),
            [day(v, OPEN_START) for v in o["available_from"].tolist()],
            [day(v, OPEN_END) for v in o["available_until"].tolist()],
            [None if pd.isna(v) else (as_of - v).days for v in o["last_confirmed"].tolist()],
            strict=True,
        )
    )
    n = market.needs
    n = n[[not r for r in rests(n)]]
    rows: list[tuple[int, int, int, int, float]] = []
    for need_id, buyer, product, quantity, max_price, required, n_from_raw, n_until_raw in zip(
        n["listing_id"].tolist(),
        n["pesantren_id"].tolist(),
        n["product"].tolist(),
        n["quantity"].tolist(),
        n["max_price"].tolist(),
        n["required_certs"].tolist(),
        n["available_from"].tolist(),
        n["available_until"].tolist(),
        strict=True,
    ):
        n_req = sum(CERT_BITS.get(t, 0) for t in set(str(required).split(";")))
        has_max = not math.isnan(max_price)
        cap = max_price * (1 + cfg.price_tolerance) if has_max else math.inf
        n_from, n_until = day(n_from_raw, OPEN_START), day(n_until_raw, OPEN_END)
        lat1, lon1, r1 = place[buyer]
        found: list[tuple[float, int, int]] = []
        ok_products = related[product]
        for offer_id, supplier, o_product, o_qty, o_price, o_from, o_until, age in offers:
            if o_product not in ok_products:
                continue
            held = certs.get((supplier, o_product), 0)
            if not listing_rules_hold(
                buyer=buyer, supplier=supplier, price=o_price, cap=cap, held=held,
                required=n_req, offer_from=o_from, offer_until=o_until, need_from=n_from,
                need_until=n_until,
            ):  # fmt: skip
                continue
            lat2, lon2, r2 = place[supplier]
            h = (
                math.sin((lat2 - lat1) / 2) ** 2
                + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
            )
            km = 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))
            limit = limit_of[o_product]
            if not within_reach(km, limit):
                continue
            lo, hi = ref_of[o_product]
            price = 1 - min(max((o_price - lo) / (hi - lo), 0.0), 1.0) if hi > lo else 0.5
            if has_max and max_price > 0 and o_price > max_price:
                over = o_price / max_price - 1
                price *= max(0.0, 1 - over / cfg.price_tolerance) if cfg.price_tolerance else 0.0
            ref = limit if math.isfinite(limit) else cfg.distance_reference_km
            room = 4 - bin(n_req & 15).count("1")
            parts = {
                "product": 1.0 if o_product == product else cfg.substitute_fit,
                "quantity": min(o_qty / quantity, 1.0),
                "price": price,
                "distance": max(0.0, 1 - km / ref),
                "region": region.get((r2, r1), DEFAULT_REGION_SCORE)
                if r1 in REGION_TYPES and r2 in REGION_TYPES
                else DEFAULT_REGION_SCORE,
                "certification": bin(held & ~n_req & 15).count("1") / room if room else 1.0,
                "freshness": 0.5
                if age is None
                else min(max(1 - age / (2 * cfg.stale_days), 0.0), 1.0),
                "track_record": track[supplier],
            }
            score = sum(w[c] * parts[c] for c in w)
            found.append((-score, offer_id, supplier))
        found.sort()
        for neg, offer_id, supplier in found[: cfg.top_k_per_need]:
            rows.append((need_id, offer_id, supplier, buyer, -neg))
    return pd.DataFrame(rows, columns=["need_id", "offer_id", "supplier_id", "buyer_id", "score"])


def greedy_cycles(candidates: pd.DataFrame) -> tuple[list[list[int]], float]:
    """Baseline barter selection: every 2- and 3-cycle of the supplier graph (nested loops
    over edges), heaviest first, taken while its pesantren are still free.

    Returns the cycles and their total weight (sum of best scores on their edges).
    """
    best: dict[int, dict[int, float]] = {}
    for u, v, s in zip(
        candidates["supplier_id"].tolist(),
        candidates["buyer_id"].tolist(),
        candidates["score"].tolist(),
        strict=True,
    ):
        out = best.setdefault(u, {})
        out[v] = max(out.get(v, 0.0), s)
    cycles: list[tuple[float, list[int]]] = []
    for u, succ in best.items():
        for v, w_uv in succ.items():
            if v <= u:
                continue
            back = best.get(v, {})
            if u in back:
                cycles.append((-(w_uv + back[u]), [u, v]))
            for x, w_vx in back.items():
                if x > u and x != v and u in best.get(x, {}):
                    cycles.append((-(w_uv + w_vx + best[x][u]), [u, v, x]))
    cycles.sort()
    used: set[int] = set()
    chosen: list[list[int]] = []
    total = 0.0
    for neg, cycle in cycles:
        if used.isdisjoint(cycle):
            used.update(cycle)
            chosen.append(cycle)
            total -= neg
    return chosen, total


def bench_one(
    n: int, seed: int, baseline_max: int, queries: int, unpruned_max: int = 5000
) -> dict[str, Any]:
    """Measure one size in this process (called in a subprocess by :func:`main`)."""
    out: dict[str, Any] = {"pesantren": n}
    t = time.perf_counter()
    market = synthetic_market(n, seed=seed)
    out["generate_s"] = time.perf_counter() - t
    out.update({f"n_{k}": v for k, v in market.size.items()})

    cpu = time.process_time()
    with round_process_settings():  # as the round worker runs it
        result = run_round(market, keep_arcs=n <= unpruned_max)
    out["round_cpu_s"] = time.process_time() - cpu
    # the round's own peak (market generation included), before the extra measurements
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    out["timings"] = dict(result.timings)
    # the trade graph and the sentences are built when a caller asks (the facilitator's
    # pages, the emails), not in the round: timed here on demand, outside its total
    t = time.perf_counter()
    result.graph  # noqa: B018 - building it is the point
    out["timings"]["graph"] = time.perf_counter() - t
    t = time.perf_counter()
    result.plans  # noqa: B018
    out["timings"]["explain"] = time.perf_counter() - t
    out["stats"] = dict(result.stats)
    # the exact clearing against the greedy baseline on the same candidates
    out["greedy_objective"] = barter_objective(greedy_barters(market, result.candidates))

    t = time.perf_counter()
    index = SupplierIndex(market)
    out["index_build_s"] = time.perf_counter() - t
    rng = np.random.default_rng(seed)
    matched = index.arrays.n_id  # resting needs are not searched for
    need_ids = rng.choice(matched, size=min(queries, len(matched)))
    for i in need_ids[:20]:  # warm-up
        index.search(int(i), k=10)
    rank_t, search_t, page_t = [], [], []
    for i in need_ids:
        t = time.perf_counter()
        index.rank(int(i), k=10)
        rank_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        index.search(int(i), k=10)
        search_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        index.page(int(i), per_page=20)  # the search page: every match counted, 20 shown
        page_t.append(time.perf_counter() - t)
    names = market.catalogue["name_id"].tolist()
    text_t = []
    for j, i in enumerate(rng.integers(1, n + 1, size=min(queries, 200))):
        q = SupplierQuery(
            product=names[j % len(names)], quantity=100, pesantren_id=int(i), radius_km=150
        )
        t = time.perf_counter()
        index.search(q, k=10)
        text_t.append(time.perf_counter() - t)
    out["search"] = {
        "rank_median_ms": float(np.median(rank_t) * 1e3),
        "rank_p95_ms": float(np.percentile(rank_t, 95) * 1e3),
        "search_median_ms": float(np.median(search_t) * 1e3),
        "search_p95_ms": float(np.percentile(search_t, 95) * 1e3),
        "text_median_ms": float(np.median(text_t) * 1e3),
        "text_p95_ms": float(np.percentile(text_t, 95) * 1e3),
        "page_median_ms": float(np.median(page_t) * 1e3),
        "page_p95_ms": float(np.percentile(page_t, 95) * 1e3),
    }

    if n <= baseline_max:
        t = time.perf_counter()
        naive = naive_candidates(market)
        naive_cand_s = time.perf_counter() - t
        t = time.perf_counter()
        cycles, weight = greedy_cycles(naive)
        naive_cycle_s = time.perf_counter() - t
        engine_pairs = set(
            zip(result.candidates["need_id"], result.candidates["offer_id"], strict=True)
        )
        naive_pairs = set(zip(naive["need_id"], naive["offer_id"], strict=True))
        engine_s = sum(out["timings"][s] for s in ("candidates", "graph", "barter"))
        # like for like: the naive baseline finds each need's top-k and greedy cycles; the
        # round's candidate stage also picks the allocation's arcs and the graph is extra
        t = time.perf_counter()
        find_candidates(market)
        topk_s = time.perf_counter() - t
        like_s = topk_s + result.timings["barter"]
        out["naive"] = {
            "topk_s": topk_s,
            "topk_ratio": naive_cand_s / topk_s,
            "like_s": like_s,
            "like_ratio": (naive_cand_s + naive_cycle_s) / like_s,
            "candidates_s": naive_cand_s,
            "cycles_s": naive_cycle_s,
            "total_s": naive_cand_s + naive_cycle_s,
            "engine_s": engine_s,
            "ratio": (naive_cand_s + naive_cycle_s) / engine_s if engine_s else math.nan,
            "candidates": len(naive),
            "greedy_cycles": len(cycles),
            "greedy_weight": weight,
            "agreement": len(engine_pairs & naive_pairs) / max(1, len(naive_pairs)),
        }
    if n <= unpruned_max:
        # the round's allocation arcs against every arc, both without barters (used=None)
        pruned = solve_allocation(market, result.arcs).stats["value"]
        unpruned = unpruned_allocation_value(market)
        out["allocation_vs_unpruned"] = pruned / unpruned["value"] if unpruned["value"] else 1.0
        out["unpruned_arcs"] = unpruned["arcs"]
    return out


def _table(results: Sequence[dict[str, Any]]) -> str:
    stages = ["candidates", "graph", "barter", "allocation", "gaps", "explain", "total"]
    head = [
        "pesantren",
        "listings",
        *[f"{s} s" for s in stages],
        "peak MB",
        "candidates",
        "barters (pairs/cycles)",
        "trades",
        "round CPU s",
        "allocation arcs",
        "allocation value vs unpruned",
        "barter optimal (gap)",
        "exact ÷ greedy barter objective",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        t, s = r["timings"], r["stats"]
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{r['pesantren']:,}",
                    f"{r['n_offers'] + r['n_needs']:,}",
                    *[f"{t.get(x, float('nan')):.2f}" for x in stages],
                    f"{r['peak_rss_mb']:,.0f}",
                    f"{s['candidates']:,}",
                    f"{s['barter_pairs']:,} / {s['barter_cycles']:,}",
                    f"{s['trades']:,}",
                    f"{r.get('round_cpu_s', float('nan')):.2f}",
                    f"{s.get('allocation_arcs', 0):,}",
                    (
                        f"{100 * r['allocation_vs_unpruned']:.2f}% "
                        f"(of {r['unpruned_arcs']:,.0f} arcs)"
                        if "allocation_vs_unpruned" in r
                        else "—"
                    ),
                    f"{'yes' if s.get('barter_optimal') else 'NO'} "
                    f"({100 * s.get('barter_gap', math.nan):.3f} %)",
                    (
                        f"{s['barter_objective'] / r['greedy_objective']:.3f}"
                        if r.get("greedy_objective")
                        else "—"
                    ),
                ]
            )
            + " |"
        )
    lines += [
        "",
        "| pesantren | index build s | search median ms | p95 ms | core rank median ms | p95 ms | free-text median ms | p95 ms | page of 20 median ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        q = r["search"]
        lines.append(
            f"| {r['pesantren']:,} | {r['index_build_s']:.2f} | {q['search_median_ms']:.3f} | "
            f"{q['search_p95_ms']:.3f} | {q['rank_median_ms']:.3f} | {q['rank_p95_ms']:.3f} | "
            f"{q['text_median_ms']:.3f} | {q['text_p95_ms']:.3f} | "
            f"{q.get('page_median_ms', float('nan')):.3f} | {q.get('page_p95_ms', float('nan')):.3f} |"
        )
    naive = [r for r in results if "naive" in r]
    if naive:
        lines += [
            "",
            "| pesantren | naive candidates s | engine top-k candidates s | speed-up "
            "| naive greedy cycles s | engine barter s | naive total s "
            "| engine top-k + barter s | speed-up "
            "| round candidates+graph+barter s | speed-up | top-k agreement | greedy cycles |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in naive:
            b = r["naive"]
            lines.append(
                f"| {r['pesantren']:,} | {b['candidates_s']:.2f} | {b['topk_s']:.2f} | "
                f"{b['topk_ratio']:.0f}× | {b['cycles_s']:.2f} | "
                f"{r['timings']['barter']:.2f} | {b['total_s']:.2f} | {b['like_s']:.2f} | "
                f"{b['like_ratio']:.0f}× | {b['engine_s']:.2f} | {b['ratio']:.0f}× | "
                f"{b['agreement']:.1%} | {b['greedy_cycles']:,} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m matcher.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sizes", default="1000,5000,40000", help="comma-separated pesantren counts"
    )
    parser.add_argument(
        "--baseline-max", type=int, default=2000, help="largest size for the naive baseline"
    )
    parser.add_argument(
        "--unpruned-max",
        type=int,
        default=5000,
        help="largest size for the allocation against the unpruned optimum",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=500, help="supplier searches per size")
    parser.add_argument("--json", action="store_true", help="print raw results as JSON too")
    parser.add_argument(
        "--economics",
        metavar="MARKET.pkl",
        help="compare the surplus objective with the old one on a pickled Market (e.g. the "
        "seed market) and print the table (see matcher.bench_economics)",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.economics:
        import pickle

        from matcher.bench_economics import economics, format_economics

        with open(args.economics, "rb") as handle:
            market = pickle.load(handle)  # noqa: S301 (a file the user made)
        if not isinstance(market, Market):
            parser.error(f"{args.economics}: not a pickled matcher.Market")
        out = economics(market)
        print(f"Market: {out['market']}, barters {out['barters']}, floors {out['floors']}\n")
        print(format_economics(out))
        return 0
    if args.one is not None:
        print(
            json.dumps(
                bench_one(args.one, args.seed, args.baseline_max, args.queries, args.unpruned_max)
            )
        )
        return 0
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, not {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one positive size")
    results = []
    for n in sizes:
        cmd = [
            sys.executable,
            "-m",
            "matcher.bench",
            "--one",
            str(n),
            "--seed",
            str(args.seed),
            "--baseline-max",
            str(args.baseline_max),
            "--queries",
            str(args.queries),
            "--unpruned-max",
            str(args.unpruned_max),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"measured {n:,} pesantren", file=sys.stderr)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average at the end {load:.1f}\n"
    )
    print(_table(results))
    if args.json:
        print("\n```json\n" + json.dumps(results, indent=1) + "\n```")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
