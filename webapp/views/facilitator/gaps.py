"""The market-gap page: unmet demand summarised by product, kabupaten or region type, each
group drilling down to its rows, a page at a time; the rows shown download as CSV or XLSX."""

from __future__ import annotations

import pandas as pd
from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ... import network_overview as overview
from ...labels import REGION_LABELS
from ...paging import page_of
from . import bp

__all__ = ["FILTERS", "GROUPINGS", "filter_gaps", "summarise_gaps"]

#: ``by=`` value → (the column grouped on, the column naming the group).
GROUPINGS: dict[str, tuple[str, str]] = {
    "product": ("product", "product_name"),
    "kabupaten": ("regency_code", "kabupaten"),
    "region_type": ("region_type", "region_type"),
}
GROUPING_LABELS = {
    "product": _l("By product"),
    "kabupaten": _l("By kabupaten / kota"),
    "region_type": _l("By region type"),
}
#: What a group (or a drill-down filter) is, as the column heading names it.
GROUP_HEADINGS = {
    "product": _l("Product"),
    "kabupaten": _l("Kabupaten / kota"),
    "region_type": _l("Region type"),
}
#: Drill-down parameter → the column it filters.
FILTERS = {by: column for by, (column, _name) in GROUPINGS.items()}
GROUPS_PER_PAGE = 50
ROWS_PER_PAGE = 50


def summarise_gaps(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per group (``key``, ``label``, ``needs``, ``unmet_value``, ``quantities``),
    the largest unmet value first. Quantities are summed per base unit, since kg and liters
    do not add up: ``quantities`` is a list of ``(quantity, unit)``, largest first."""
    key, label = GROUPINGS[by]
    if frame.empty:
        return pd.DataFrame(columns=["key", "label", "needs", "unmet_value", "quantities"])
    per_unit = (
        frame.groupby([key, "base_unit"])["unmet_quantity"]
        .sum()
        .reset_index()
        .sort_values("unmet_quantity", ascending=False, kind="stable")
    )
    quantities = per_unit.groupby(key)[["unmet_quantity", "base_unit"]].apply(
        lambda g: list(g.itertuples(index=False, name=None))
    )
    return (
        frame.groupby(key, as_index=False)
        .agg(label=(label, "first"), needs=("needs", "sum"), unmet_value=("unmet_value", "sum"))
        .rename(columns={key: "key"})
        .assign(quantities=lambda f: f["key"].map(quantities))
        .sort_values(["unmet_value", "label"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


def filter_gaps(frame: pd.DataFrame, filters: dict[str, str]) -> pd.DataFrame:
    """The rows matching every drill-down filter (``product`` slug, ``kabupaten`` regency code,
    ``region_type``)."""
    keep = pd.Series(True, index=frame.index)
    for name, value in filters.items():
        keep &= frame[FILTERS[name]].astype(str) == value
    return frame[keep]


def _filters() -> dict[str, str]:
    return {name: value[:100] for name in FILTERS if (value := request.args.get(name, "").strip())}


def _filter_labels(frame: pd.DataFrame, filters: dict[str, str]) -> list[tuple[str, str]]:
    """(what, which) for each filter, named as the page names them."""
    labels = []
    for name, value in filters.items():
        if name == "region_type":
            shown = str(REGION_LABELS.get(value, value))
        else:
            match = frame.loc[frame[FILTERS[name]].astype(str) == value, GROUPINGS[name][1]]
            shown = str(match.iloc[0]) if len(match) else value
        labels.append((str(GROUP_HEADINGS[name]), shown))
    return labels


@bp.get("/kesenjangan")
def gaps() -> tuple[str, int]:
    by = request.args.get("by", "product")
    error, status = None, 200
    if by not in GROUPINGS:
        error = _(
            "Unknown grouping “%(by)s”: the gaps can be grouped by product, kabupaten or "
            "region type. Showing them by product.",
            by=by[:40],
        )
        by, status = "product", 400
    filters = _filters()
    frame = overview.market_gaps()
    page = request.args.get("page", 1, type=int)
    chosen = filter_gaps(frame, filters)
    if filters:
        rows = chosen.sort_values("unmet_value", ascending=False, kind="stable")
        shown = page_of(rows, page, ROWS_PER_PAGE)
    else:
        shown = page_of(summarise_gaps(frame, by), page, GROUPS_PER_PAGE)
    return render_template(
        "facilitator/gaps.html",
        by=by,
        groupings=GROUPING_LABELS,
        headings=GROUP_HEADINGS,
        filters=filters,
        filter_labels=_filter_labels(frame, filters),
        shown=shown,
        gaps=shown.rows,
        totals={
            "gaps": len(chosen),
            "needs": int(chosen["needs"].sum()) if len(chosen) else 0,
            "value": float(chosen["unmet_value"].sum()) if len(chosen) else 0.0,
        },
        args={"by": by, **filters},
        error=error,
        region_labels=REGION_LABELS,
    ), status


@bp.get("/kesenjangan.<fmt>")
def gaps_export(fmt: str) -> Response:
    """The gaps the page shows: all of them, or those of the drill-down's filters."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    from ...spreadsheets.export import MIMETYPES, table_bytes

    frame = filter_gaps(overview.market_gaps(), _filters())
    name = "kesenjangan-pasar"
    return Response(
        table_bytes(frame, fmt, "gaps"),
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
