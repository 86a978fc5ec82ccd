"""The arcs a barter may use: one candidate per supplier → buyer arc, partner-pruned.

A barter cycle (:mod:`matcher.barter`) is realised arc by arc, each arc u → v by one candidate
(u's offer serving v's need): the one that can carry the most surplus
(``unit_surplus × min(offer_qty, need_qty)``). Keeping several per arc would multiply the
cycles by the product of the choices on each leg. Each pesantren then keeps at most
``partners`` partners, those it could trade with both ways first (a possible pair), so it
sits on at most 2 × partners arcs and the cycles through it stay few: this is what keeps
cycle enumeration tractable at national scale. Both steps are single-key sorts over every
candidate (millions at 40,000 pesantren), freeing each temporary as soon as it is used.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from matcher.arraytypes import FloatArray, IntArray
from matcher.frames import SOLVER_COLUMNS, require_columns
from matcher.market import Market
from matcher.ranking import stable_order
from matcher.surplus import unit_surplus

__all__ = ["BARTER_COLUMNS", "barter_arcs"]

#: Candidate columns the barter stage reads (shared with the other solver).
BARTER_COLUMNS: tuple[str, ...] = SOLVER_COLUMNS


def barter_arcs(
    candidates: pd.DataFrame,
    market: Market | None = None,
    *,
    partners: int = 20,
    graph: nx.DiGraph | None = None,
    transport_cost_per_kg_km: float = 2.0,
) -> pd.DataFrame:
    """The supplier → buyer arcs barters may use: one candidate per arc, partner-pruned.

    Parameters
    ----------
    candidates
        Candidate frame (:func:`matcher.find_candidates`); at least :data:`BARTER_COLUMNS`.
    market
        When given, each listing's ``min_lot`` is read from it (else 0).
    partners
        Partners kept per pesantren (see the module notes); 0 keeps all.
    graph
        When given, only arcs that are edges of this graph are used.
    transport_cost_per_kg_km
        As :class:`~matcher.config.EngineConfig`: an arc's candidates (and partners) are
        ranked by the surplus they can carry (``unit_surplus × min(offer_qty, need_qty)``).

    Returns
    -------
    pd.DataFrame
        One row per arc, sorted by (supplier_id, buyer_id), with the candidate's columns plus
        ``cap_value`` (``min(offer_qty, need_qty) × price``), ``offer_lot`` and ``need_lot``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"need_id": [5, 6], "offer_id": [1, 2], "buyer_id": [9, 9],
    ...                   "supplier_id": [3, 3], "product": ["a", "b"],
    ...                   "distance_km": [1.0, 1.0], "price": [10.0, 10.0],
    ...                   "buyer_value": [20.0, 20.0], "offer_qty": [5.0, 50.0],
    ...                   "need_qty": [50.0, 50.0], "score": [0.9, 0.8]})
    >>> barter_arcs(c)[["supplier_id", "buyer_id", "offer_id", "cap_value"]]
       supplier_id  buyer_id  offer_id  cap_value
    0            3         9         2      500.0
    """
    require_columns(candidates, BARTER_COLUMNS)
    if partners < 0:
        raise ValueError(f"partners must be >= 0, not {partners}")
    sup = candidates["supplier_id"].to_numpy(np.int64)
    buy = candidates["buyer_id"].to_numpy(np.int64)
    price = candidates["price"].to_numpy(float)
    offer_qty = candidates["offer_qty"].to_numpy(float)
    need_qty = candidates["need_qty"].to_numpy(float)
    valid = (sup != buy) & (price > 0) & (offer_qty > 0) & (need_qty > 0)
    if graph is not None:
        edges = pd.MultiIndex.from_tuples(list(graph.edges), names=["s", "b"])
        valid &= pd.MultiIndex.from_arrays([sup, buy], names=["s", "b"]).isin(edges)
    # the round's candidates are all valid: then no row is copied (4.7 M at national scale)
    rows: IntArray | slice = slice(None) if bool(valid.all()) else np.flatnonzero(valid)
    del valid
    cap_qty = np.minimum(offer_qty[rows], need_qty[rows])
    cap_value = cap_qty * price[rows]
    key = cap_qty * unit_surplus(
        candidates["score"].to_numpy(float)[rows],
        candidates["buyer_value"].to_numpy(float)[rows],
        price[rows],
        candidates["distance_km"].to_numpy(float)[rows],
        transport_cost_per_kg_km,
    )
    del cap_qty
    # Best candidate per (supplier, buyer): sort on numpy keys only, take rows once at the end.
    s, b = sup[rows], buy[rows]
    base = np.int64(max(int(s.max(initial=0)), int(b.max(initial=0))) + 1)
    arc = s * base + b  # pesantren ids < 2**31
    del s, b
    tie = candidates["offer_id"].to_numpy(np.int64)[rows] * np.int64(2**31)
    tie += candidates["need_id"].to_numpy(np.int64)[rows]
    best = _best_per_arc(arc, key, tie)
    del arc, tie
    arcs_with_candidates = len(best)
    if partners:
        best = best[_mutual_partners(sup[rows][best], buy[rows][best], key[best], partners)]
    picked = best if isinstance(rows, slice) else rows[best]
    frame = candidates.iloc[picked].reset_index(drop=True)
    offer_lot = need_lot = np.zeros(len(frame))
    if market is not None:
        offer_lot = (
            frame["offer_id"].map(market.offers.set_index("listing_id")["min_lot"]).fillna(0.0)
        ).to_numpy(float)
        need_lot = (
            frame["need_id"].map(market.needs.set_index("listing_id")["min_lot"]).fillna(0.0)
        ).to_numpy(float)
    frame = frame.assign(cap_value=cap_value[best], offer_lot=offer_lot, need_lot=need_lot)
    frame.attrs["arcs_with_candidates"] = arcs_with_candidates  # before partner pruning
    return frame


def _best_per_arc(arc: IntArray, key: FloatArray, tie: IntArray) -> IntArray:
    """Position of each arc's row with the largest ``key`` (ties: smallest ``tie``), in
    arc order: one sort on the arc alone and group maxima, not a sort on three keys."""
    n = len(arc)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # temporaries are freed as soon as used: this runs over every candidate (4.7 M at
    # national scale), where each int64 or float64 array is 38 MB
    order = stable_order(arc)
    arc_sorted = arc[order]
    new_arc = np.empty(n, dtype=bool)
    new_arc[0] = True
    np.not_equal(arc_sorted[1:], arc_sorted[:-1], out=new_arc[1:])
    del arc_sorted
    starts = np.flatnonzero(new_arc)
    del new_arc
    counts = np.diff(np.append(starts, n))
    values = key[order]
    if not np.isnan(values).any():
        at_max = values == np.repeat(np.maximum.reduceat(values, starts), counts)
        del values
        ties = tie[order]
        ties[~at_max] = np.iinfo(np.int64).max
        at_max &= ties == np.repeat(np.minimum.reduceat(ties, starts), counts)
        del ties
        chosen = np.flatnonzero(at_max)
        if len(chosen) == len(starts):  # ties are unique (one row per offer and need)
            return np.asarray(order[chosen], dtype=np.int64)
    del order
    order = np.lexsort((tie, -key, arc))
    arc_sorted = arc[order]
    first = np.ones(n, dtype=bool)
    first[1:] = arc_sorted[1:] != arc_sorted[:-1]
    return np.asarray(order[first], dtype=np.int64)


def _mutual_partners(sup: IntArray, buy: IntArray, key: FloatArray, k: int) -> IntArray:
    """Positions of the arcs between pesantren that are among each other's k best partners.

    A partner is ranked first by whether goods can go both ways (a possible pair), then by
    the larger of the two arcs' ``score × tradable value``, then by its id. Each pesantren
    keeps at most k partners, so it sits on at most 2k arcs and the cycles through it stay
    few. Three single-key sorts, no ``lexsort`` and no ``ufunc.at``: this runs over every
    supplier → buyer arc (millions at national scale).
    """
    n = len(sup)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    top = int(max(sup.max(), buy.max()))
    if min(int(sup.min()), int(buy.min())) >= 0 and top < 1 << 20:
        s, b, base = sup, buy, np.int64(top + 1)  # ids small enough to use as they are
    else:
        nodes = np.unique(np.concatenate([sup, buy]))
        s, b, base = np.searchsorted(nodes, sup), np.searchsorted(nodes, buy), np.int64(len(nodes))
    # partnerships (unordered pairs, by (lo, hi)) with their arcs next to each other
    pair_key = np.minimum(s, b) * base + np.maximum(s, b)
    del s, b
    by_pair = stable_order(pair_key)
    sorted_key = pair_key[by_pair]
    del pair_key
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    pairs = sorted_key[starts]
    del sorted_key
    pair_of_arc = np.empty(n, dtype=np.int64)
    pair_of_arc[by_pair] = np.cumsum(first) - 1
    del first
    both_ways = np.diff(np.append(starts, n)) == 2  # a pair is possible
    best = np.fmax.reduceat(key[by_pair], starts)  # the larger arc of each partnership
    del by_pair, starts
    # dense rank of each partnership's best value, descending (NaN last, as a sort puts it)
    by_best = np.argsort(-best)
    sorted_best = -best[by_best]
    step = np.empty(len(pairs), dtype=np.int64)
    step[0] = 0
    np.not_equal(sorted_best[1:], sorted_best[:-1], out=step[1:])
    step[1:] &= ~(np.isnan(sorted_best[1:]) & np.isnan(sorted_best[:-1]))
    best_rank = np.empty(len(pairs), dtype=np.int64)
    best_rank[by_best] = np.cumsum(step)
    levels = np.int64(int(best_rank.max()) + 1)
    del best, by_best, sorted_best, step
    # Partnerships in preference order (two ways first, best first); equal ones stay in
    # (lo, hi) order, which for every end is its partners' id order.
    n_pairs = len(pairs)
    preference = stable_order(np.where(both_ways, 0, levels) + best_rank)
    del best_rank, both_ways
    # Each partnership seen from both ends: (end, place in preference, which end) packed
    # into one integer and sorted; no gathers over the millions of entries.
    place = np.arange(n_pairs, dtype=np.int64)
    lo, hi = pairs[preference] // base, pairs[preference] % base
    del pairs
    # (fits in 63 bits: base < 2**20, or base <= 2n with dense ids, and 2**bits <= 4n)
    bits = n_pairs.bit_length() + 1
    seen = np.concatenate([(lo << bits) | (place << 1), (hi << bits) | (place << 1) | 1])
    seen.sort()
    end = seen >> bits
    del lo, hi, place
    # sorted by end: an entry is among its end's first k when k places back is another end
    first_k = np.ones(len(end), dtype=bool)
    first_k[k:] = end[k:] != end[:-k]
    del end
    chosen = seen[first_k] & ((1 << bits) - 1)
    kept = np.zeros(2 * n_pairs, dtype=bool)  # per place: kept by the lower id, the higher
    kept[chosen] = True
    by_pair = np.empty(n_pairs, dtype=bool)
    by_pair[preference] = kept[0::2] & kept[1::2]
    return np.flatnonzero(by_pair[pair_of_arc])
