"""The trade graph as SVG: pesantren on a circle grouped by region type, supplies as arrows.

The layout is deterministic (same graph, same picture): nodes sorted by dominant region
type, then name, placed evenly on a circle; arcs bend towards the centre. Grouping by region
type makes highland ↔ coastal trades cross the circle, where they are easy to see. Barter
cycles are drawn bold in their own colour.

>>> import networkx as nx
>>> G = nx.DiGraph()
>>> G.add_node(1, name="Apel", region_type="highland_agriculture")
>>> G.add_node(2, name="Gereh", region_type="coastal_fisheries")
>>> G.add_edge(1, 2, kind="barter_pair"); G.add_edge(2, 1, kind="barter_pair")
>>> svg = render_graph(G, legend={}, title="Graf")
>>> svg.count('class="edge barter_pair') == 2
True
"""

from __future__ import annotations

import math

import networkx as nx
from markupsafe import Markup

from matcher.vocabulary import REGION_TYPES

from .svg import LINE_STYLES, esc, fmt, region_colour, svg_document, tag

__all__ = ["circular_layout", "render_graph"]

#: Clockwise from the top: highland and coastal face each other across the circle, so the
#: trades between them cross it where they are easy to see.
GRAPH_ORDER = (
    "highland_agriculture",
    "lowland_farming",
    "coastal_fisheries",
    "island",
    "urban",
)
_ORDER = {region: i for i, region in enumerate(GRAPH_ORDER)}
_KIND_ORDER = {"trade": 0, "barter_pair": 1, "barter_cycle": 2}


def circular_layout(
    G: nx.DiGraph, centre: tuple[float, float], radius: float
) -> dict[object, tuple[float, float, float]]:
    """(x, y, angle) per node, grouped by region type; deterministic."""
    nodes = sorted(
        G.nodes(data=True),
        key=lambda item: (
            _ORDER.get(item[1].get("region_type", ""), 99),
            str(item[1].get("name", "")),
            str(item[0]),
        ),
    )
    n = max(len(nodes), 1)
    out: dict[object, tuple[float, float, float]] = {}
    for i, (node, _) in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        out[node] = (
            centre[0] + radius * math.cos(angle),
            centre[1] + radius * math.sin(angle),
            angle,
        )
    return out


def render_graph(
    G: nx.DiGraph, *, legend: dict[str, str], title: str, size: float = 860.0
) -> Markup:
    """Nodes need ``name`` and ``region_type``; edges ``kind`` (a proposal kind) and
    optionally ``confirmed``. ``legend`` maps region types and kinds to translated labels."""
    label_room = 175.0
    width = height = size + 2 * label_room
    centre = (width / 2, height / 2)
    radius = size / 2 - 10
    pos = circular_layout(G, centre, radius)
    parts: list[str] = [
        "<defs>"
        + "".join(
            tag(
                "marker",
                {
                    "id": f"arrow-{kind}",
                    "viewBox": "0 0 10 10",
                    "refX": 18,  # the tip stops at the node's edge
                    "refY": 5,
                    "markerUnits": "userSpaceOnUse",
                    "markerWidth": 9,
                    "markerHeight": 9,
                    "orient": "auto-start-reverse",
                },
                tag("path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": style["stroke"]}),
            )
            for kind, style in LINE_STYLES.items()
        )
        + "</defs>",
        tag("rect", {"x": 0, "y": 0, "width": fmt(width), "height": fmt(height), "fill": "#fff"}),
    ]
    edges = sorted(
        G.edges(data=True),
        key=lambda e: (_KIND_ORDER.get(e[2].get("kind", "trade"), 0), str(e[:2])),
    )
    for u, v, data in edges:
        kind = data.get("kind", "trade")
        style = LINE_STYLES.get(kind, LINE_STYLES["trade"])
        (x1, y1, _), (x2, y2, _) = pos[u], pos[v]
        # Bend each arc towards the centre; u→v and v→u bend to different sides.
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        cx, cy = mx + (centre[0] - mx) * 0.35, my + (centre[1] - my) * 0.35
        nx_, ny_ = y2 - y1, x1 - x2
        norm = math.hypot(nx_, ny_) or 1.0
        cx, cy = cx + 14 * nx_ / norm, cy + 14 * ny_ / norm
        bold = kind == "barter_cycle" or data.get("confirmed")
        parts.append(
            tag(
                "path",
                {
                    "d": f"M {fmt(x1)} {fmt(y1)} Q {fmt(cx)} {fmt(cy)} {fmt(x2)} {fmt(y2)}",
                    "fill": "none",
                    "stroke": style["stroke"],
                    "stroke_width": "3.2" if bold else ("2" if kind == "barter_pair" else "1.3"),
                    "stroke_dasharray": style["dash"],
                    "stroke_opacity": "0.9",
                    "marker_end": f"url(#arrow-{kind})",
                    "class": f"edge {kind}",
                },
                f"<title>{esc(G.nodes[u].get('name', u))} → {esc(G.nodes[v].get('name', v))}"
                f"{': ' + esc(data['label']) if data.get('label') else ''}</title>",
            )
        )
    for node, (x, y, angle) in pos.items():
        attrs = G.nodes[node]
        parts.append(
            tag(
                "circle",
                {
                    "cx": fmt(x),
                    "cy": fmt(y),
                    "r": 7,
                    "fill": region_colour(attrs.get("region_type", "")),
                    "stroke": "#fff",
                    "stroke_width": 1.5,
                    "class": "node",
                },
                f"<title>{esc(attrs.get('name', node))}</title>",
            )
        )
        right = math.cos(angle) >= 0
        degrees = math.degrees(angle) if right else math.degrees(angle) + 180
        lx, ly = x + 11 * math.cos(angle), y + 11 * math.sin(angle)
        parts.append(
            tag(
                "text",
                {
                    "x": fmt(lx),
                    "y": fmt(ly + 3.5),
                    "font_size": 11,
                    "text_anchor": "start" if right else "end",
                    "fill": "#263238",
                    "transform": f"rotate({degrees:.1f} {fmt(lx)} {fmt(ly)})",
                },
                esc(_short(str(attrs.get("name", node)))),
            )
        )
    parts.append(_legend(legend))
    return svg_document(width, height, parts, title=title, css_class="chart graph")


def _short(name: str, limit: int = 28) -> str:
    for prefix in ("Pondok Pesantren ", "Ponpes ", "PP "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _legend(legend: dict[str, str]) -> str:
    rows: list[str] = []
    y = 20.0
    for region in REGION_TYPES:
        rows.append(
            tag("circle", {"cx": 14, "cy": fmt(y - 4), "r": 5, "fill": region_colour(region)})
        )
        rows.append(
            tag("text", {"x": 26, "y": fmt(y), "font_size": 12}, esc(legend.get(region, region)))
        )
        y += 17
    for kind, style in LINE_STYLES.items():
        rows.append(
            tag(
                "line",
                {
                    "x1": 6,
                    "y1": fmt(y - 4),
                    "x2": 22,
                    "y2": fmt(y - 4),
                    "stroke": style["stroke"],
                    "stroke_width": "3.2" if kind == "barter_cycle" else "2",
                    "stroke_dasharray": style["dash"],
                },
            )
        )
        rows.append(
            tag("text", {"x": 26, "y": fmt(y), "font_size": 12}, esc(legend.get(kind, kind)))
        )
        y += 17
    return '<g class="legend">' + "".join(rows) + "</g>"
