"""Ranking kernels: deterministic orders and top-k selections on numpy arrays.

The candidate join, the allocation's arc selection and the barter clearing rank the same
way: best value first, ties to the lower id, the same answer whatever the order of the
input. These are the small kernels they share.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.arraytypes import FloatArray, IntArray

__all__ = ["grouped_order", "kth_largest", "positions", "stable_order", "top_k", "top_mask"]


def grouped_order(group: IntArray, value: FloatArray, tie: IntArray) -> IntArray:
    """The permutation ``np.lexsort((tie, -value, group))``: by group, ``value`` descending,
    then ``tie``, about three times faster on millions of rows.

    ``value`` becomes a dense rank (one unstable sort) and joins ``group`` in one integer key
    sorted stably; ``tie`` is read only when a group holds equal values.

    >>> grouped_order(np.array([1, 0, 1, 0]), np.array([0.5, 0.2, 0.9, 0.2]), np.array([0, 3, 1, 2]))
    array([3, 1, 2, 0])
    """
    n = len(group)
    if n == 0 or np.isnan(value).any():
        return np.asarray(np.lexsort((tie, -value, group)), dtype=np.int64)
    levels, rank = np.unique(-value, return_inverse=True)
    width = len(levels)
    del levels
    low = int(group.min())
    if int(group.max()) - low >= (1 << 62) // width:
        return np.asarray(np.lexsort((tie, -value, group)), dtype=np.int64)
    # key = (group - low) × width + rank, in place in the rank array (freed as we go)
    key = rank.reshape(-1).astype(np.int64, copy=False)
    del rank
    key += (group.astype(np.int64) - low) * np.int64(width)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    tied = bool((sorted_key[1:] == sorted_key[:-1]).any())
    del sorted_key
    if tied:
        return np.asarray(np.lexsort((tie, key)), dtype=np.int64)
    return np.asarray(order, dtype=np.int64)


def top_mask(values: npt.NDArray[np.float32], k: int, axis: int) -> npt.NDArray[np.bool_]:
    """Entries at or above the ``k``-th largest along ``axis`` (all when there are fewer)."""
    size = values.shape[axis]
    if size <= k:
        return np.ones(values.shape, dtype=bool)
    kth = kth_largest(values, k, axis)
    if axis == 1:
        return np.asarray(values >= kth[:, None] - 1e-9, dtype=bool)
    return np.asarray(values >= kth[None, :] - 1e-9, dtype=bool)


def kth_largest(values: npt.NDArray[np.float32], k: int, axis: int) -> npt.NDArray[np.float32]:
    """The ``k``-th largest value of each line along ``axis`` (``1 <= k < size``), exactly as
    :func:`numpy.partition` finds it, without partitioning whole lines.

    The lines are cut into ``2k`` groups; the ``k``-th largest of the group maxima is a lower
    bound of the line's ``k``-th largest (they are ``k`` distinct entries), so only the few
    entries at or above it are sorted. Lines whose bound is the ``-1`` filler of invalid
    pairs (few valid entries) are partitioned whole.
    """
    size = values.shape[axis]
    lines = values.shape[1 - axis]
    group = size // (2 * k)
    if group < 2:
        return np.asarray(
            np.take(np.partition(values, size - k, axis=axis), size - k, axis=axis),
            dtype=np.float32,
        )
    span = group * 2 * k
    # groups of every (2k)-th entry: the maxima are elementwise maxima of contiguous slabs
    if axis == 1:
        maxima = values[:, :span].reshape(lines, group, 2 * k).max(axis=1)
        bound = np.partition(maxima, k, axis=1)[:, k]
    else:
        maxima = values[:span].reshape(group, 2 * k, lines).max(axis=0)
        bound = np.partition(maxima, k, axis=0)[k]
    whole = bound <= -1.0
    bound[whole] = np.inf  # partitioned whole below
    # the entries at or above the bound, packed into a narrow (lines × most) array
    if axis == 1:
        hit = values >= bound[:, None]
        counts = np.count_nonzero(hit, axis=1)
        line = np.repeat(np.arange(lines), counts)
        pos = np.arange(len(line)) - np.repeat(np.cumsum(counts) - counts, counts)
        picked = values[hit]
    else:
        hit = values >= bound[None, :]
        flat = np.flatnonzero(hit)
        column = (flat % lines).astype(np.uint16 if lines <= 1 << 16 else np.int64)
        flat = flat[np.argsort(column, kind="stable")]  # radix sort for small ints
        line = flat % lines
        counts = np.bincount(line, minlength=lines)
        pos = np.arange(len(line)) - np.repeat(np.cumsum(counts) - counts, counts)
        picked = values.ravel()[flat]
    most = max(int(counts.max()), k)
    packed = np.full((lines, most), -np.inf, dtype=np.float32)
    packed[line, pos] = picked
    kth = np.asarray(np.partition(packed, most - k, axis=1)[:, most - k], dtype=np.float32)
    rows = np.flatnonzero(whole)
    if len(rows):
        sub = values[rows] if axis == 1 else values[:, rows]
        kth[rows] = np.take(np.partition(sub, size - k, axis=axis), size - k, axis=axis)
    return kth


def positions(rows: IntArray, wanted: IntArray) -> IntArray:
    """Index of each of ``wanted`` in ``rows`` (every one present; ``rows`` unique)."""
    order = np.argsort(rows, kind="stable")
    return np.asarray(order[np.searchsorted(rows[order], wanted)], dtype=np.int64)


def top_k(group: IntArray, score: FloatArray, tie: IntArray, k: int) -> IntArray:
    """Positions of the best ``k`` per group, ordered by group, score desc, tie asc."""
    order = np.lexsort((tie, -score, group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    rank = np.arange(len(g)) - first
    return np.asarray(order[rank < k], dtype=np.int64)


def stable_order(keys: IntArray) -> IntArray:
    """``np.argsort(keys, kind="stable")`` for non-negative integer keys, about four times
    faster: each key carries its position in its low bits and the values are sorted.

    >>> stable_order(np.array([3, 1, 3, 0, 1])).tolist()
    [3, 1, 4, 0, 2]
    """
    n = len(keys)
    bits = max(n - 1, 1).bit_length()
    if n == 0 or int(keys.min()) < 0 or int(keys.max()) >= 1 << (62 - bits):
        return np.asarray(np.argsort(keys, kind="stable"), dtype=np.int64)
    packed = keys.astype(np.int64) << np.int64(bits)
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    packed &= np.int64((1 << bits) - 1)
    return packed
