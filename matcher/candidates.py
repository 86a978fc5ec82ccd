"""Candidates: for every need, the offers that could serve it, scored, top-k kept.

An offer is a candidate for a need when it is the same product or a declared substitute
(catalogue ``substitutes``, read in both directions) from *another* pesantren, and it passes
every hard rule (:mod:`matcher.rules`; rules are never traded for score): certificates held
for the offered product and valid at ``market.as_of``, the shelf-life distance of
``config.max_distance_km``, the price ceiling with ``config.price_tolerance``, overlapping
availability windows, and neither listing resting (not confirmed for ``config.stale_days``).

The join runs product by product (a need's product and its substitutes), on numpy blocks of
(needs × offers) of that product only, in chunks of bounded size (:mod:`matcher.candidate_blocks`),
and keeps the best ``config.top_k_per_need`` offers per need; the national cross product is
never built. The allocation's arcs come out of the same pass (:mod:`matcher.allocation_arcs`).

>>> from matcher.synthetic import synthetic_market
>>> cands = find_candidates(synthetic_market(60, seed=1))
>>> list(cands.columns[:4])
['need_id', 'offer_id', 'buyer_id', 'supplier_id']
>>> bool((cands["buyer_id"] != cands["supplier_id"]).all())
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from matcher.allocation_arcs import best_arcs
from matcher.arrays import MarketArrays, market_arrays
from matcher.arraytypes import IntArray
from matcher.candidate_blocks import blocks, score_block
from matcher.config import EngineConfig
from matcher.frames import SOLVER_COLUMNS
from matcher.market import Market
from matcher.ranking import stable_order

__all__ = [
    "CANDIDATE_COLUMNS",
    "PendingArcs",
    "candidate_frames",
    "candidate_stage",
    "find_candidates",
]


#: Contract columns, before the ``s_<component>`` columns (one per weight).
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "need_id",
    "offer_id",
    "buyer_id",
    "supplier_id",
    "product",
    "need_product",
    "distance_km",
    "price",
    "max_price",
    "buyer_value",
    "offer_qty",
    "need_qty",
    "score",
)
#: Extra columns for explanations: substitute or not, the supplier's valid certificate
#: bitmask for the offered product (see :data:`matcher.scoring.CERT_BITS`), the distance limit.
EXTRA_COLUMNS: tuple[str, ...] = ("substitute", "cert_mask", "max_distance_km")


def find_candidates(
    market: Market,
    config: EngineConfig | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
) -> pd.DataFrame:
    """Every need's best offers that pass the hard rules, scored, best first.

    Parameters
    ----------
    market
        The market snapshot (never modified).
    config
        Weights, hard-rule thresholds and ``top_k_per_need``; defaults to ``EngineConfig()``.
    exclude_pairs
        ``(offer_id, need_id)`` pairs never to return (e.g. declined in an earlier round).

    Returns
    -------
    DataFrame
        Columns :data:`CANDIDATE_COLUMNS`, one ``s_<component>`` column per weight, then
        ``substitute``, ``cert_mask`` and ``max_distance_km``; ``product`` is the offered
        product, ``need_product`` the needed one. Sorted by ``need_id``, ``score`` descending,
        ``offer_id``; at most ``top_k_per_need`` rows per need.

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> c = find_candidates(synthetic_market(80, seed=3), EngineConfig(top_k_per_need=2))
    >>> int(c.groupby("need_id").size().max()) <= 2
    True
    >>> bool(c["score"].between(0, 1).all())
    True
    """
    return candidate_stage(market, config, exclude_pairs, allocation_k=0)[0]


def candidate_frames(
    market: Market,
    config: EngineConfig | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    allocation_k: int | None = None,
    *,
    components: bool = True,
    arrays: MarketArrays | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidates (as :func:`find_candidates`) and the trade allocation's arcs, in one pass.

    The allocation must not see only each need's top-k by score: needs compete for the same
    nearby offers, and an offer that is in nobody's top-k is then never sold, though a need
    a little further away would gladly buy it. So, from the same blocks and hard rules, the
    allocation arcs are the pairs with positive profit (the buyer's surplus per base
    unit, :func:`matcher.surplus.unit_surplus`, the allocation's objective) that are among
    the ``allocation_k`` most profitable **for their need or for their offer** (per product: an offer's best
    needs are chosen across all blocks). At most ``allocation_k × (needs + offers)`` arcs,
    plus, for a need or offer whose partners' quantities do not yet reach
    :data:`ALLOCATION_COVER` times its own, the next best ones (supply and demand of a
    product are often of the same order, and a 300 kg offer serves many 80 kg needs);
    memory stays bounded at national scale.

    Parameters
    ----------
    market, config, exclude_pairs
        As :func:`find_candidates`.
    allocation_k
        Arcs kept per need and per offer; ``None`` takes ``config.allocation_top_k``,
        ``0`` skips the allocation arcs (an empty frame). With allocation arcs, products
        with up to ``config.allocation_pool`` offers are joined whole (no candidate pool),
        so the candidates of those products are the exact top-k.
    components
        With ``False`` neither frame has the ``s_<component>`` columns: a round needs the
        components of the legs it proposes only (:func:`matcher.candidate_blocks.pair_components`), and at national
        scale the columns of every candidate and arc weigh some 300 MB.
    arrays
        :func:`market_arrays` of ``market`` and ``config`` when the caller has them.

    Returns
    -------
    tuple of DataFrame
        ``(candidates, arcs)``; ``arcs`` has the :data:`SOLVER_COLUMNS` (and the
        components), sorted by ``need_id`` and ``offer_id`` (the order in which the
        allocation reads them).

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> cands, arcs = candidate_frames(synthetic_market(80, seed=3), EngineConfig(top_k_per_need=2))
    >>> int(cands.groupby("need_id").size().max()) <= 2 < int(arcs.groupby("offer_id").size().max())
    True
    """
    candidates, arcs = candidate_stage(
        market, config, exclude_pairs, allocation_k, components=components, arrays=arrays
    )
    return candidates, arcs.frame()


def candidate_stage(
    market: Market,
    config: EngineConfig | None = None,
    exclude_pairs: Collection[tuple[int, int]] = frozenset(),
    allocation_k: int | None = None,
    *,
    components: bool = True,
    arrays: MarketArrays | None = None,
) -> tuple[pd.DataFrame, PendingArcs]:
    """:func:`candidate_frames` with the arcs left pending (:class:`PendingArcs`)."""
    cfg = config or EngineConfig()
    alloc_k = cfg.allocation_top_k if allocation_k is None else allocation_k
    weights = dict(cfg.weights)
    arrays = arrays or market_arrays(market, cfg)
    excluded = _excluded_rows(arrays, exclude_pairs)
    whole = max(cfg.candidate_pool, cfg.allocation_pool) if alloc_k else cfg.candidate_pool

    def product(prod: int) -> tuple[list[dict[str, np.ndarray]], dict[str, np.ndarray] | None]:
        need_rows = arrays.needs_by_product[prod]
        offer_rows = np.concatenate([arrays.offers_by_product[q] for q in arrays.related[prod]])
        if not len(need_rows) or not len(offer_rows):
            return [], None
        offer_rows = offer_rows[np.argsort(arrays.o_id[offer_rows], kind="stable")]
        parts: list[dict[str, np.ndarray]] = []
        product_arcs: list[dict[str, np.ndarray]] = []
        for needs, pool in blocks(arrays, cfg, need_rows, offer_rows, whole):
            part, arcs = score_block(arrays, cfg, needs, pool, alloc_k, excluded, components)
            if part is not None:
                parts.append(part)
            if arcs is not None:
                product_arcs.append(arcs)
        return parts, (best_arcs(arrays, product_arcs, alloc_k) if product_arcs else None)

    # products are independent: threads share the arrays, results come back in order
    workers = cfg.threads or _cpus()
    if workers == 1:
        done = [product(prod) for prod in range(len(arrays.products))]
    else:
        # OpenBLAS's own threads would spin against ours: a process that runs rounds pins
        # them once (matcher.engine.round_process_settings), never per call
        with ThreadPoolExecutor(workers) as pool:
            done = list(pool.map(product, range(len(arrays.products))))
    parts = [part for product_parts, _ in done for part in product_parts]
    alloc_parts = [arcs for _, arcs in done if arcs is not None]
    del done
    names = [f"s_{w}" for w in weights] if components else []
    candidates = _assemble(arrays, parts, [*CANDIDATE_COLUMNS, *names, *EXTRA_COLUMNS], workers)
    return candidates, PendingArcs(arrays, alloc_parts, [*SOLVER_COLUMNS, *names], workers)


class PendingArcs:
    """Allocation arcs as the candidate pass left them (row numbers, distance and score:
    about a third of the frame's bytes) until :meth:`frame` assembles them, so a round
    holds the full frame only while it allocates (some 200 MB less during barter
    clearing at national scale)."""

    def __init__(
        self,
        arrays: MarketArrays,
        parts: list[dict[str, np.ndarray]],
        names: list[str],
        workers: int,
    ) -> None:
        self._arrays, self._names, self._workers = arrays, names, workers
        self._parts: list[dict[str, np.ndarray]] | None = parts

    def frame(self) -> pd.DataFrame:
        """The arcs as :func:`candidate_frames` returns them; once (the parts are used up,
        a second call raises ``RuntimeError``)."""
        if self._parts is None:
            raise RuntimeError("these allocation arcs were assembled already")
        parts, self._parts = self._parts, None
        return _assemble(self._arrays, parts, self._names, self._workers)


def _cpus() -> int:
    """CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


def _excluded_rows(
    a: MarketArrays, pairs: Collection[tuple[int, int]]
) -> tuple[IntArray, IntArray]:
    """(need rows, offer rows) of the excluded (offer_id, need_id) pairs still in the market."""
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ids = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    o = np.minimum(np.searchsorted(a.o_id, ids[:, 0]), max(len(a.o_id) - 1, 0))
    n = np.minimum(np.searchsorted(a.n_id, ids[:, 1]), max(len(a.n_id) - 1, 0))
    if not len(a.o_id) or not len(a.n_id):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    found = (a.o_id[o] == ids[:, 0]) & (a.n_id[n] == ids[:, 1])
    return n[found].astype(np.int64), o[found].astype(np.int64)


_EMPTY_DTYPES = {
    "need_id": "int64",
    "offer_id": "int64",
    "buyer_id": "int64",
    "supplier_id": "int64",
    "substitute": "bool",
    "cert_mask": "int8",
    "max_distance_km": "float32",
}


def _assemble(
    a: MarketArrays, parts: list[dict[str, np.ndarray]], names: list[str], workers: int = 1
) -> pd.DataFrame:
    """One frame with the columns ``names`` from the blocks' parts (emptied on the way)."""
    # products as categoricals: small integer codes, no per-row string objects to gather
    products = pd.CategoricalDtype(list(a.products))
    if not parts:
        return pd.DataFrame(
            {
                c: pd.Series(
                    dtype=products
                    if c in ("product", "need_product")
                    else _EMPTY_DTYPES.get(c, "float32" if c[:2] == "s_" else "float64")
                )
                for c in names
            }
        )

    def take(key: str) -> np.ndarray:
        # concatenate one column at a time and drop the pieces: memory stays ~1 copy
        return np.concatenate([p.pop(key) for p in parts])

    nr, orow = take("need_row"), take("offer_row")
    # blocks are already ordered within a need; a stable sort by need (row order is id
    # order) finishes
    order = stable_order(nr)
    nr, orow = nr[order], orow[order]
    column: dict[str, Callable[[], np.ndarray | pd.Categorical]] = {
        "need_id": lambda: a.n_id[nr],
        "offer_id": lambda: a.o_id[orow],
        "buyer_id": lambda: a.pes_id[a.n_prow[nr]],
        "supplier_id": lambda: a.pes_id[a.o_prow[orow]],
        "product": lambda: pd.Categorical.from_codes(
            a.o_prod[orow], dtype=products, validate=False
        ),
        "need_product": lambda: pd.Categorical.from_codes(
            a.n_prod[nr], dtype=products, validate=False
        ),
        "price": lambda: a.o_price[orow],
        "max_price": lambda: a.n_max[nr],
        "buyer_value": lambda: a.n_value[nr],
        "offer_qty": lambda: a.o_qty[orow],
        "need_qty": lambda: a.n_qty[nr],
        "substitute": lambda: a.o_prod[orow] != a.n_prod[nr],
        "cert_mask": lambda: a.o_certs[orow].astype(np.int8),
        "max_distance_km": lambda: a.prod_limit[a.o_prod[orow]].astype(np.float32),
    }

    def build(name: str) -> np.ndarray | pd.Categorical:
        return column[name]() if name in column else take(name)[order]

    # gathers of millions of rows release the interpreter lock: columns side by side
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            data = dict(zip(names, pool.map(build, names), strict=True))
    else:
        data = {name: build(name) for name in names}
    return pd.DataFrame(data, columns=names, copy=False)
