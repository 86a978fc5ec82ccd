"""The network map: East Java in an equirectangular projection, drawn as SVG on the server.

Pesantren are dots coloured by their dominant region type, regency capitals are labelled,
proposed trades are thin lines and confirmed ones bold. The legend sits in a band below the
map (the projection's frame), never on top of it. The province outline is a
hand-simplified polygon (``static/geo/east_java_outline.json``), good enough to place the
dots; it is not a survey map.

>>> from webapp.charts.map import MapPoint, MapLine, render_map
>>> svg = render_map([MapPoint(1, "A", -7.87, 112.52, "highland_agriculture"),
...                   MapPoint(2, "B", -7.0, 113.86, "coastal_fisheries")],
...                  [MapLine(1, 2, "barter_pair", confirmed=True)], [], legend={}, title="Peta")
>>> svg.count("<circle") >= 2 and "stroke-width" in svg
True
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from matcher.vocabulary import EAST_JAVA_BOUNDS, REGION_TYPES

from .svg import LINE_STYLES, esc, fmt, region_colour, svg_document, tag

__all__ = [
    "MapLabel",
    "MapLine",
    "MapPoint",
    "Projection",
    "outline",
    "render_map",
    "render_picker",
]

OUTLINE_PATH = Path(__file__).resolve().parents[1] / "static" / "geo" / "east_java_outline.json"


@dataclass(frozen=True)
class MapPoint:
    id: int
    name: str
    lat: float
    lon: float
    region_type: str


@dataclass(frozen=True)
class MapLine:
    """A trade between two points; ``kind`` is a proposal kind, ``confirmed`` draws it bold."""

    giver: int
    receiver: int
    kind: str
    confirmed: bool = False


@dataclass(frozen=True)
class MapLabel:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Projection:
    """Equirectangular: x ∝ lon · cos(φ₀), y ∝ −lat, fitted into ``width`` with a margin."""

    lat_min: float = EAST_JAVA_BOUNDS[0]
    lat_max: float = EAST_JAVA_BOUNDS[1]
    lon_min: float = EAST_JAVA_BOUNDS[2]
    lon_max: float = EAST_JAVA_BOUNDS[3]
    width: float = 960.0
    margin: float = 12.0

    @property
    def _k(self) -> float:
        return math.cos(math.radians((self.lat_min + self.lat_max) / 2))

    @property
    def scale(self) -> float:
        return (self.width - 2 * self.margin) / ((self.lon_max - self.lon_min) * self._k)

    @property
    def height(self) -> float:
        return (self.lat_max - self.lat_min) * self.scale + 2 * self.margin

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.margin + (lon - self.lon_min) * self._k * self.scale
        y = self.margin + (self.lat_max - lat) * self.scale
        return x, y


@lru_cache(maxsize=1)
def outline() -> tuple[tuple[tuple[float, float], ...], ...]:
    """Polygons of (lon, lat) of the province outline (mainland, Madura, islands)."""
    data = json.loads(OUTLINE_PATH.read_text(encoding="utf-8"))
    return tuple(tuple((float(lon), float(lat)) for lon, lat in poly) for poly in data["polygons"])


def render_map(
    points: list[MapPoint],
    lines: list[MapLine],
    capitals: list[MapLabel],
    *,
    legend: dict[str, str],
    title: str,
    projection: Projection | None = None,
) -> Markup:
    """The map as inline SVG; ``legend`` maps region types and ``proposed``/``confirmed`` to
    labels in the reader's language."""
    proj = projection or _fit(points, capitals)
    legend_svg, legend_height = _legend(legend, proj)
    height = proj.height + legend_height
    parts: list[str] = [
        tag(
            "rect",
            {
                "x": 0,
                "y": 0,
                "width": fmt(proj.width),
                "height": fmt(height),
                "fill": "#fff",
                "class": "page",
            },
        ),
        tag(
            "rect",
            {
                "x": 0,
                "y": 0,
                "width": fmt(proj.width),
                "height": fmt(proj.height),
                "fill": "#eaf3fb",
                "class": "sea",
            },
        ),
    ]
    parts.extend(_land(proj))
    by_id = {p.id: p for p in points}
    # Proposed below confirmed, so bold lines stay visible.
    for line in sorted(lines, key=lambda ln: ln.confirmed):
        a, b = by_id.get(line.giver), by_id.get(line.receiver)
        if a is None or b is None:
            continue
        (x1, y1), (x2, y2) = proj(a.lat, a.lon), proj(b.lat, b.lon)
        style = LINE_STYLES.get(line.kind, LINE_STYLES["trade"])
        parts.append(
            tag(
                "line",
                {
                    "x1": fmt(x1),
                    "y1": fmt(y1),
                    "x2": fmt(x2),
                    "y2": fmt(y2),
                    "stroke": style["stroke"],
                    # Confirmed: solid and bold; proposed: thin and dashed, whatever the kind.
                    "stroke_width": "3.5" if line.confirmed else "1.3",
                    "stroke_dasharray": "" if line.confirmed else "5 3",
                    "stroke_opacity": "0.95" if line.confirmed else "0.75",
                    "class": f"trade {line.kind} {'confirmed' if line.confirmed else 'proposed'}",
                },
                f"<title>{esc(a.name)} → {esc(b.name)}</title>",
            )
        )
    for cap in capitals:
        x, y = proj(cap.lat, cap.lon)
        parts.append(
            tag(
                "rect",
                {"x": fmt(x - 2), "y": fmt(y - 2), "width": 4, "height": 4, "fill": "#37474f"},
            )
        )
        parts.append(
            tag(
                "text",
                {
                    "x": fmt(x + 4),
                    "y": fmt(y - 3),
                    "font_size": 10,
                    "fill": "#263238",
                    "stroke": "#ffffff",
                    "stroke_width": 3,
                    "paint_order": "stroke",
                    "class": "capital",
                },
                esc(cap.name),
            )
        )
    for p in points:
        x, y = proj(p.lat, p.lon)
        parts.append(
            tag(
                "circle",
                {
                    "cx": fmt(x),
                    "cy": fmt(y),
                    "r": 4.5,
                    "fill": region_colour(p.region_type),
                    "stroke": "#fff",
                    "stroke_width": 1,
                    "class": f"pesantren {p.region_type}",
                    "data_id": p.id,
                },
                f"<title>{esc(p.name)}</title>",
            )
        )
    parts.append(legend_svg)
    return svg_document(proj.width, height, parts, title=title, css_class="chart map")


def _land(proj: Projection) -> list[str]:
    """The province outline's polygons (mainland, Madura, islands) in ``proj``."""
    parts = []
    for poly in outline():
        coords = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in (proj(lat, lon) for lon, lat in poly))
        parts.append(
            tag(
                "polygon",
                {
                    "points": coords,
                    "fill": "#fbfaf3",
                    "stroke": "#9e9e8e",
                    "stroke_width": "1",
                    "class": "land",
                },
            )
        )
    return parts


def render_picker(
    capitals: list[MapLabel], *, title: str, picked: tuple[float, float] | None = None
) -> Markup:
    """East Java to click on (the join form's coordinate picker, ``static/js/app.js``): the
    outline and the regency capitals in the whole province's :class:`Projection`, whose
    constants the ``<svg>`` carries (``data-*``) so a click turns back into a latitude and a
    longitude; ``picked`` (lat, lon) is marked. Without JavaScript it is only a map."""
    proj = Projection()
    parts = [
        tag("rect", {"x": 0, "y": 0, "width": fmt(proj.width), "height": fmt(proj.height),
                     "fill": "#eaf3fb", "class": "sea"}),
        *_land(proj),
    ]  # fmt: skip
    for cap in capitals:
        x, y = proj(cap.lat, cap.lon)
        parts.append(tag("rect", {"x": fmt(x - 2), "y": fmt(y - 2), "width": 4, "height": 4,
                                  "fill": "#37474f", "data_name": cap.name},
                          f"<title>{esc(cap.name)}</title>"))  # fmt: skip
    x, y = proj(*picked) if picked else (-20.0, -20.0)
    parts.append(tag("circle", {"cx": fmt(x), "cy": fmt(y), "r": 7, "fill": "#c62828",
                                "stroke": "#fff", "stroke_width": 2, "class": "picked"}))  # fmt: skip
    svg = str(svg_document(proj.width, proj.height, parts, title=title, css_class="chart map"))
    data = (
        f' data-lat-max="{proj.lat_max}" data-lon-min="{proj.lon_min}"'
        f' data-scale-x="{proj._k * proj.scale!r}" data-scale-y="{proj.scale!r}"'
        f' data-margin="{proj.margin}"'
    )
    return Markup(svg.replace("<svg ", "<svg data-coordinate-picker" + data + " ", 1))


def _fit(points: list[MapPoint], capitals: list[MapLabel]) -> Projection:
    """Crop the province box to the data (with room around it), keeping the mainland whole."""
    lats = [p.lat for p in points] + [c.lat for c in capitals] + [-8.8, -6.7]
    lons = [p.lon for p in points] + [c.lon for c in capitals] + [111.0, 114.6]
    return Projection(
        lat_min=max(min(lats) - 0.15, EAST_JAVA_BOUNDS[0]),
        lat_max=min(max(lats) + 0.15, EAST_JAVA_BOUNDS[1]),
        lon_min=max(min(lons) - 0.15, EAST_JAVA_BOUNDS[2]),
        lon_max=min(max(lons) + 0.15, EAST_JAVA_BOUNDS[3]),
    )


def _text_width(text: str, font_size: float) -> float:
    """A generous estimate of a label's width (the server has no font metrics)."""
    return 0.6 * font_size * len(text)


def _legend(legend: dict[str, str], proj: Projection) -> tuple[str, float]:
    """The legend in a band of its own below the map, so it never covers land, dots or
    lines wherever the data lies: dot colours by region type; line colours by proposal kind,
    dashed = proposed, bold = confirmed. Two columns side by side (one if the labels are too
    long for that), centred. Returns the markup and the band's height."""
    columns: list[list[tuple[str, str]]] = [
        [("dot", r) for r in REGION_TYPES],
        [("kind", k) for k in LINE_STYLES] + [("proposed", "proposed"), ("confirmed", "confirmed")],
    ]
    font_size, step, pad, symbol, gap = 12, 16, 10, 22, 24

    def column_width(column: list[tuple[str, str]]) -> float:
        return symbol + max(_text_width(legend.get(key, key), font_size) for _, key in column)

    if sum(column_width(c) for c in columns) + gap + 2 * pad > proj.width - 2 * proj.margin:
        columns = [[row for column in columns for row in column]]
    widths = [column_width(c) for c in columns]
    rows_n = max(len(c) for c in columns)
    box_w = sum(widths) + gap * (len(columns) - 1) + 2 * pad
    box_h = step * rows_n + 10
    box_x = max((proj.width - box_w) / 2, proj.margin)
    box_y = proj.height + 8
    rows = [
        tag(
            "rect",
            {
                "x": fmt(box_x),
                "y": fmt(box_y),
                "width": fmt(box_w),
                "height": fmt(box_h),
                "fill": "#ffffff",
                "stroke": "#b0bec5",
                "class": "legend-box",
            },
        )
    ]
    x = box_x + pad + 8  # symbols are centred on x: dots r=5, line samples x-7 … x+8
    for column, width in zip(columns, widths, strict=True):
        y = box_y + 14  # baseline of the first row
        for what, key in column:
            if what == "dot":
                rows.append(
                    tag(
                        "circle",
                        {"cx": fmt(x), "cy": fmt(y - 4), "r": 5, "fill": region_colour(key)},
                    )
                )
            else:
                confirmed = what == "confirmed"
                stroke = LINE_STYLES[key]["stroke"] if what == "kind" else "#546e7a"
                rows.append(
                    tag(
                        "line",
                        {
                            "x1": fmt(x - 7),
                            "y1": fmt(y - 4),
                            "x2": fmt(x + 8),
                            "y2": fmt(y - 4),
                            "stroke": stroke,
                            "stroke_width": "3.5" if confirmed else "2",
                            "stroke_dasharray": "5 3" if what == "proposed" else "",
                        },
                    )
                )
            rows.append(
                tag(
                    "text",
                    {"x": fmt(x + 14), "y": fmt(y), "font_size": font_size},
                    esc(legend.get(key, key)),
                )
            )
            y += step
        x += width + gap
    return '<g class="legend">' + "".join(rows) + "</g>", box_h + 16
