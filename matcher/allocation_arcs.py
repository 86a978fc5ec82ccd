"""The allocation's arcs: which of a product's scored pairs the trade allocation may use.

The candidate pass (:func:`matcher.candidates.candidate_frames`) hands each product's
profitable pairs here; :func:`best_arcs` keeps, per need and per offer, its ``k`` most
profitable arcs and, beyond them, as many more as it takes for the partners' quantities to
reach :data:`ALLOCATION_COVER` times its own (a large offer can serve many small needs).
:mod:`matcher.allocation` then solves the flow over them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.arrays import MarketArrays
from matcher.arraytypes import FloatArray, IntArray
from matcher.ranking import grouped_order

__all__ = ["ALLOCATION_COVER", "best_arcs"]

#: Allocation arcs per need / offer keep going until their partners' quantities reach this
#: multiple of their own.
ALLOCATION_COVER = 6.0


def best_arcs(a: MarketArrays, parts: list[dict[str, np.ndarray]], k: int) -> dict[str, np.ndarray]:
    """One product's allocation arcs: per need and per offer, its ``k`` most profitable
    arcs and, beyond them, as many more as it takes for the partners' quantities to reach
    :data:`ALLOCATION_COVER` times its own (a large offer can serve many small needs)."""
    arcs = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    profit = arcs.pop("profit")
    nr, orow = arcs["need_row"], arcs["offer_row"]
    keep = _covering(nr, profit, a.o_id[orow], a.o_qty[orow], a.n_qty[nr], k)
    keep |= _covering(orow, profit, a.n_id[nr], a.n_qty[nr], a.o_qty[orow], k)
    # by need row, then offer row (= offer id): _assemble's stable sort by need keeps it
    rows = np.flatnonzero(keep)
    order = rows[np.argsort(nr[rows] * np.int64(len(a.o_id)) + orow[rows])]
    out = {key: value[order] for key, value in arcs.items()}
    if max(len(a.n_id), len(a.o_id)) < 2**31:  # kept until the allocation: 4 bytes a row
        out["need_row"] = out["need_row"].astype(np.int32)
        out["offer_row"] = out["offer_row"].astype(np.int32)
    return out


def _covering(
    group: IntArray,
    profit: FloatArray,
    tie: IntArray,
    partner_qty: FloatArray,
    own_qty: FloatArray,
    k: int,
) -> npt.NDArray[np.bool_]:
    """Best arcs per group (profit desc, tie asc): the first ``k``, then on while the
    partners' quantity before the arc is below ``ALLOCATION_COVER × own_qty``."""
    order = grouped_order(group, profit, tie)
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, len(g)])
    rank = np.arange(len(g)) - np.repeat(starts, counts)
    qty = np.nan_to_num(partner_qty[order])
    cum = np.cumsum(qty)
    before = cum - qty - np.repeat(cum[starts] - qty[starts], counts)
    chosen = (rank < k) | (before < ALLOCATION_COVER * own_qty[order])
    keep = np.zeros(len(group), dtype=bool)
    keep[order[chosen]] = True
    return keep
