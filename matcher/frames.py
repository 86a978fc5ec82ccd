"""Solver frames: the candidate columns the barter and allocation solvers read, and the
helpers that turn rows of them into legs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher.arraytypes import FloatArray, IntArray
from matcher.results import Leg

__all__ = [
    "SOLVER_COLUMNS",
    "ComponentsFn",
    "add_components",
    "drop_pairs",
    "require_columns",
    "solver_legs",
]


#: Candidate columns the barter and allocation solvers read.
SOLVER_COLUMNS: tuple[str, ...] = (
    "need_id",
    "offer_id",
    "buyer_id",
    "supplier_id",
    "product",
    "distance_km",
    "price",
    "buyer_value",
    "offer_qty",
    "need_qty",
    "score",
)


#: Score components of pairs ``(need ids, offer ids)``, one array per weight, e.g.
#: ``functools.partial(pair_components, arrays, config)``.
ComponentsFn = Callable[[IntArray, IntArray], Mapping[str, FloatArray]]


def add_components(rows: pd.DataFrame, components: ComponentsFn | None) -> pd.DataFrame:
    """``rows`` with ``s_<component>`` columns from ``components`` when it has none (the
    solvers call it on the legs they chose, so components are computed for those only).

    >>> rows = pd.DataFrame({"need_id": [5], "offer_id": [1]})
    >>> add_components(rows, lambda n, o: {"price": n * 0.1}).columns.tolist()
    ['need_id', 'offer_id', 's_price']
    """
    if components is None or rows.empty or any(c.startswith("s_") for c in rows.columns):
        return rows
    comps = components(rows["need_id"].to_numpy(np.int64), rows["offer_id"].to_numpy(np.int64))
    return rows.assign(**{f"s_{name}": values for name, values in comps.items()})


def solver_legs(rows: pd.DataFrame, quantity: npt.ArrayLike) -> list[Leg]:
    """One :class:`~matcher.results.Leg` per row of a solver frame (:data:`SOLVER_COLUMNS`
    and any ``s_<component>`` columns), moving ``quantity[i]`` base units; every leg gets
    its own components dict. Columns are read once each (a row-wise read is 100x slower).

    >>> rows = pd.DataFrame({"need_id": [5], "offer_id": [1], "buyer_id": [9],
    ...                      "supplier_id": [3], "product": ["kopi"], "distance_km": [4.0],
    ...                      "price": [10.0], "score": [0.5], "s_price": [0.25]})
    >>> leg = solver_legs(rows, [2.0])[0]
    >>> (leg.giver_id, leg.receiver_id, leg.quantity, leg.value, leg.components)
    (3, 9, 2.0, 20.0, {'price': 0.25})
    """
    names = [c for c in rows.columns if c.startswith("s_")]
    keys = [c[2:] for c in names]
    columns = [rows[c].astype(float).tolist() for c in names]
    components = (
        [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]
        if names
        else [{} for _ in range(len(rows))]
    )
    values = (
        rows["buyer_value"].astype(float).tolist()
        if "buyer_value" in rows.columns
        else [None] * len(rows)
    )
    return [
        Leg(
            giver_id=int(giver),
            receiver_id=int(receiver),
            offer_id=int(offer),
            need_id=int(need),
            product=str(product),
            quantity=float(qty),
            unit_price=float(price),
            distance_km=float(km),
            score=float(score),
            components=comps,
            buyer_value=value,
        )
        for giver, receiver, offer, need, product, qty, price, km, score, comps, value in zip(
            rows["supplier_id"].tolist(),
            rows["buyer_id"].tolist(),
            rows["offer_id"].tolist(),
            rows["need_id"].tolist(),
            rows["product"].astype(str).tolist(),
            np.asarray(quantity, dtype=float).tolist(),
            rows["price"].tolist(),
            rows["distance_km"].tolist(),
            rows["score"].tolist(),
            components,
            values,
            strict=True,
        )
    ]


def require_columns(frame: pd.DataFrame, columns: Collection[str]) -> None:
    """Raise ``ValueError`` naming every column of ``columns`` that ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"candidates: missing columns {missing}")


def drop_pairs(frame: pd.DataFrame, pairs: Collection[tuple[int, int]]) -> pd.DataFrame:
    """``frame`` without the rows whose ``(offer_id, need_id)`` is in ``pairs`` (a view when
    there is nothing to drop; the caller's frame is never modified).

    >>> f = pd.DataFrame({"offer_id": [1, 1, 2], "need_id": [5, 6, 5]})
    >>> drop_pairs(f, {(1, 6)})["need_id"].tolist()
    [5, 5]
    """
    if not pairs or frame.empty:
        return frame
    ids = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    # (offer, need) as one complex key: exact for ids below 2**53
    wanted = ids[:, 0] + 1j * ids[:, 1]
    key = frame["offer_id"].to_numpy(np.int64) + 1j * frame["need_id"].to_numpy(np.int64)
    hit = np.isin(key, wanted)
    return frame[~hit] if hit.any() else frame
