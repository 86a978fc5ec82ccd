"""The network map: East Java in an equirectangular projection, drawn as SVG on the server.

Pesantren are dots coloured by their dominant region type, regency capitals are labelled,
proposed trades are thin lines and confirmed ones bold. The province outline is a
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

from matcher.market import EAST_JAVA_BOUNDS, REGION_TYPES

from .svg import LINE_STYLES, esc, fmt, region_colour, svg_document, tag

__all__ = ["MapLabel", "MapLine", "MapPoint", "Projection", "outline", "render_map"]

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
    parts: list[str] = [
        tag(
            "rect",
            {
                "x": 0,
                "y": 0,
                "width": fmt(proj.width),
                "height": fmt(proj.height),
                "fill": "#eaf3fb",
            },
        )
    ]
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
    parts.append(_legend(legend, proj))
    return svg_document(proj.width, proj.height, parts, title=title, css_class="chart map")


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


def _legend(legend: dict[str, str], proj: Projection) -> str:
    """Two columns in the Indian Ocean south of Java: dot colours by region type; line
    colours by proposal kind, dashed = proposed, bold = confirmed."""
    columns: list[list[tuple[str, str]]] = [
        [("dot", r) for r in REGION_TYPES],
        [("kind", k) for k in LINE_STYLES] + [("proposed", "proposed"), ("confirmed", "confirmed")],
    ]
    step, col_w = 16, 255
    rows_n = max(len(c) for c in columns)
    left = proj.width * 0.27
    top = proj.height - 12 - step * rows_n
    rows = [
        tag(
            "rect",
            {
                "x": fmt(left - 10),
                "y": fmt(top - 14),
                "width": col_w * len(columns) + 10,
                "height": step * rows_n + 10,
                "fill": "#ffffff",
                "fill_opacity": "0.92",
                "stroke": "#b0bec5",
            },
        )
    ]
    for i, column in enumerate(columns):
        x, y = left + i * col_w, top
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
                    {"x": fmt(x + 14), "y": fmt(y), "font_size": 12},
                    esc(legend.get(key, key)),
                )
            )
            y += step
    return '<g class="legend">' + "".join(rows) + "</g>"
