"""The network dashboard: key figures, map, trade graph, supply and demand, market gaps."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _

from ... import network_overview as overview
from ...charts import render_bars, render_graph, render_map
from ...deals import completion_weeks, overdue_deals
from ...formatting import category, quantity
from ...labels import KIND_LABELS, REGION_LABELS, STATE_LABELS
from ...models import db
from . import bp

#: Overdue deals listed on the dashboard (oldest first).
OVERDUE_SHOWN = 25


def _legend() -> dict[str, str]:
    return {
        **{k: str(v) for k, v in REGION_LABELS.items()},
        "proposed": _("Proposed trade"),
        "confirmed": _("Confirmed trade"),
        **{k: str(v) for k, v in KIND_LABELS.items()},
    }


@bp.get("/")
def dashboard() -> str:
    data = overview.map_data()
    legend = _legend()
    graph = overview.trade_graph()
    totals = overview.category_totals()
    gaps = overview.market_gaps().head(15)
    return render_template(
        "facilitator/dashboard.html",
        figures=overview.figures(),
        latest=overview.latest_round(),
        map_data=data,
        map_svg=render_map(
            data.points,
            data.lines,
            data.capitals,
            legend=legend,
            title=_("Map of pesantren and trades in East Java"),
        ),
        graph_svg=render_graph(graph, legend=legend, title=_("Trade graph")),
        graph_size=(graph.number_of_nodes(), graph.number_of_edges()),
        bars_svg=render_bars(
            [(category(name), supply / 1e6, demand / 1e6) for name, supply, demand in totals],
            series=(_("Supply"), _("Demand")),
            title=_("Supply and demand by product category (million rupiah per month)"),
            value_format=lambda value: quantity(value, 1),
        ),
        gaps=gaps,
        region_labels=REGION_LABELS,
        state_labels=STATE_LABELS,
        overdue=overdue_deals(db.session),
        overdue_shown=OVERDUE_SHOWN,
        completion_weeks=completion_weeks(),
    )


@bp.get("/peta.svg")
def map_svg() -> Response:
    """The map on its own (to save, print or embed)."""
    limit = min(max(request.args.get("limit", 250, type=int), 0), 10_000)
    data = overview.map_data(limit=limit)
    svg = render_map(
        data.points,
        data.lines,
        data.capitals,
        legend=_legend(),
        title=_("Map of pesantren and trades in East Java"),
    )
    return Response(str(svg), mimetype="image/svg+xml")


@bp.get("/graf.svg")
def graph_svg() -> Response:
    svg = render_graph(overview.trade_graph(), legend=_legend(), title=_("Trade graph"))
    return Response(str(svg), mimetype="image/svg+xml")
