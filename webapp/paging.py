"""Pages of a list the pages show, one clamping everywhere (the supplier search's,
:func:`matcher.search_page.page_bounds`): a page before the first is the first, a page past
the end is the last, and a page that is not a number is the first. Query results go through
Flask-SQLAlchemy's ``db.paginate`` (:func:`page_of_query`), frames through :func:`page_of`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select

from matcher.search_page import page_bounds

from .models import db

__all__ = ["FramePage", "QueryPage", "page_of", "page_of_query"]

_FAR = 1_000_000


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


@dataclass(frozen=True)
class QueryPage:
    rows: list[Any]
    page: int
    pages: int
    total: int


def page_of_query(query: Select[Any], page: int | None, per_page: int) -> QueryPage:
    """The ``page``-th page of ``query``'s rows (``db.paginate``), clamped as :func:`page_of`:
    a page past the end shows the last one (one more query, only then)."""
    # a page number far past any list (?page=99999999999999999999) would overflow OFFSET
    wanted = min(page, _FAR) if page is not None and page >= 1 else 1
    found = db.paginate(query, page=wanted, per_page=per_page, error_out=False)
    total = int(found.total or 0)
    clamped, pages = page_bounds(total, wanted, per_page)
    if clamped != wanted:
        found = db.paginate(query, page=clamped, per_page=per_page, error_out=False)
    return QueryPage(list(found.items), clamped, pages, total)
