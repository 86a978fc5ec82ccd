"""Pages of a supplier search: the orders a page may take, page bounds, and what put a result
above a nearer or cheaper one (pure array logic; :class:`matcher.search.SupplierIndex` uses it
and :mod:`matcher.explain` words it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher.arraytypes import FloatArray

__all__ = ["SEARCH_ORDERS", "Above", "SearchPage", "above", "arrange", "page_bounds"]

#: How a page of results may be ordered: name → (column, descending). Ties keep score order.
SEARCH_ORDERS: Mapping[str, tuple[str, bool]] = {
    "score": ("score", True),
    "price": ("price", False),
    "price_desc": ("price", True),
    "distance": ("distance_km", False),
    "quantity": ("quantity", True),
    "quantity_asc": ("quantity", False),
}

#: A nearer or cheaper result ranks lower "for a reason" only beyond these margins.
_NEARER_KM = 0.5
_CHEAPER_RP = 0.5


def page_bounds(total: int, page: int | None, per_page: int) -> tuple[int, int]:
    """``(page, pages)``: ``page`` (1-based) clamped to the pages ``total`` rows fill.

    A page before the first is the first, past the last is the last, none is the first.

    >>> page_bounds(57, 3, 20), page_bounds(57, 10**20, 20), page_bounds(0, -4, 20)
    ((3, 3), (3, 3), (1, 1))
    """
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, not {per_page}")
    pages = max(-(-total // per_page), 1)
    return min(max(page or 1, 1), pages), pages


@dataclass(frozen=True)
class SearchPage:
    """One page of a supplier search: the rows (as :meth:`SupplierIndex.search` returns
    them, plus ``above_id`` / ``above_en``), where it is, and how many matched."""

    rows: pd.DataFrame
    page: int
    pages: int
    per_page: int
    #: Every match, and how many of them are the product itself (the rest are substitutes).
    total: int
    exact: int

    @property
    def first(self) -> int:
        """1-based position of the page's first row (0 when there is none)."""
        return (self.page - 1) * self.per_page + 1 if len(self.rows) else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if len(self.rows) else 0


def arrange(
    exact: npt.NDArray[np.bool_], key: FloatArray | None = None, descending: bool = False
) -> npt.NDArray[np.int64]:
    """Positions of results given in score order, rearranged: exact products first, then
    substitutes, each by ``key`` (``None``: keep score order; ties keep score order).

    >>> arrange(np.array([False, True, True]), np.array([1.0, 3.0, 2.0])).tolist()
    [2, 1, 0]
    """
    position = np.arange(len(exact))
    if key is None:
        return np.lexsort((position, ~exact)).astype(np.int64)
    return np.lexsort((position, -key if descending else key, ~exact)).astype(np.int64)


@dataclass(frozen=True)
class Above:
    """The first result below another that is nearer or cheaper (``other``, a position), and
    the score components on which the one above gains most, largest gain first."""

    other: int
    nearer: bool
    cheaper: bool
    reasons: tuple[str, ...]


def above(
    at: int,
    *,
    price: FloatArray,
    distance: FloatArray,
    exact: npt.NDArray[np.bool_],
    components: Mapping[str, FloatArray],
    weights: Mapping[str, float],
    most: int = 2,
) -> Above | None:
    """For results in score order, why the one at ``at`` is above the first nearer or cheaper
    one below it of the same kind (exact or substitute); ``None`` when none is, or when
    nothing but the tie-break put it above.

    >>> hit = above(0, price=np.array([40.0, 30.0]), distance=np.array([80.0, 15.0]),
    ...             exact=np.array([True, True]),
    ...             components={"quantity": np.array([1.0, 0.4]), "distance": np.array([0.2, 0.9])},
    ...             weights={"quantity": 0.5, "distance": 0.5})
    >>> hit.other, hit.nearer, hit.cheaper, hit.reasons
    (1, True, True, ('quantity',))
    """
    below = slice(at + 1, len(price))
    with np.errstate(invalid="ignore"):
        nearer = distance[below] < distance[at] - _NEARER_KM
    cheaper = price[below] < price[at] - _CHEAPER_RP
    hits = np.flatnonzero((nearer | cheaper) & (exact[below] == exact[at]))
    if not len(hits):
        return None
    first = int(hits[0])
    other = at + 1 + first
    gains = sorted(
        (
            (gain, c)
            for c, v in components.items()
            if (gain := weights[c] * (float(v[at]) - float(v[other]))) > 1e-9
        ),
        reverse=True,
    )
    if not gains:
        return None
    return Above(
        other=other,
        nearer=bool(nearer[first]),
        cheaper=bool(cheaper[first]),
        reasons=tuple(c for _, c in gains[:most]),
    )
