"""Pages of a pandas frame, clamped like ``db.paginate`` and the supplier search
(:func:`matcher.search_page.page_bounds`): a page before the first is the first, a page past
the end is the last, and a page that is not a number is the first."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from matcher.search_page import page_bounds

__all__ = ["FramePage", "page_of"]


@dataclass(frozen=True)
class FramePage:
    rows: pd.DataFrame
    page: int
    pages: int
    total: int


def page_of(frame: pd.DataFrame, page: int | None, per_page: int) -> FramePage:
    """The ``page``-th slice of ``per_page`` rows (1-based), clamped to the pages there are.

    >>> page_of(pd.DataFrame({"a": range(5)}), 9, 2).rows["a"].tolist()
    [4]
    """
    total = len(frame)
    page, pages = page_bounds(total, page, per_page)
    start = (page - 1) * per_page
    return FramePage(frame.iloc[start : start + per_page], page, pages, total)
