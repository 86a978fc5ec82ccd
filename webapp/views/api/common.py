"""Request parsing and pagination shared by the API views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from ...models import db
from .errors import ApiError

__all__ = ["MAX_PER_PAGE", "curation_arg", "int_arg", "json_body", "paginate", "str_arg"]

MAX_PER_PAGE = 100


def int_arg(
    name: str, default: int | None = None, *, minimum: int = 1, maximum: int = 2**31 - 1
) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400,
            f"Query parameter '{name}' must be an integer.",
            details={"parameter": name, "value": raw},
        ) from None
    if value < minimum or value > maximum:
        bound = f"between {minimum} and {maximum}"
        raise ApiError(
            400,
            f"Query parameter '{name}' must be {bound}.",
            details={"parameter": name, "value": raw},
        )
    return value


def str_arg(name: str, choices: tuple[str, ...] | None = None, max_length: int = 120) -> str:
    value = request.args.get(name, "").strip()
    if len(value) > max_length:
        raise ApiError(400, f"Query parameter '{name}' is too long.", details={"parameter": name})
    if value and choices is not None and value not in choices:
        raise ApiError(
            400,
            f"Query parameter '{name}' must be one of {', '.join(choices)}.",
            details={"parameter": name, "value": value, "allowed": list(choices)},
        )
    return value


def curation_arg() -> tuple[str, ...]:
    """The ``curation_status`` filter: comma-separated statuses, ``curated`` for every curated
    level (:func:`webapp.curation.parse_filter`); ``()`` when not given. Unknown values are
    refused, never ignored."""
    from ...curation import MAX_FILTER_LENGTH, filter_values, parse_filter

    raw = str_arg("curation_status", max_length=MAX_FILTER_LENGTH)
    try:
        return parse_filter(raw)
    except ValueError as exc:
        allowed = filter_values()
        raise ApiError(
            400,
            f"Query parameter 'curation_status' takes a comma-separated list of "
            f"{', '.join(allowed)}; '{exc}' is none of them.",
            details={"parameter": "curation_status", "value": raw, "allowed": allowed},
        ) from None


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return data


def paginate(query: Select[Any], serialize: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """``{"data", "meta", "links"}`` for one page of ``query`` (``page``, ``per_page`` args)."""
    page = int_arg("page", 1) or 1
    per_page = int_arg("per_page", 20, maximum=MAX_PER_PAGE) or 20
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    total = int(total or 0)
    pages = max((total + per_page - 1) // per_page, 1)
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}

    def link(p: int) -> str:
        return url_for(
            str(request.endpoint), **(request.view_args or {}), **args, page=p, per_page=per_page
        )

    links: dict[str, str | None] = {
        "self": link(page),
        "first": link(1),
        "last": link(pages),
        "next": link(page + 1) if page < pages else None,
        "prev": link(page - 1) if page > 1 else None,
    }
    return {
        "data": [serialize(row) for row in rows],
        "meta": {"page": page, "per_page": per_page, "total": total, "pages": pages},
        "links": links,
    }
