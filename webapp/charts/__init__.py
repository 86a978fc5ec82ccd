"""Server-side SVG charts: the network map, the trade graph and bar charts."""

from .bars import render_bars
from .graph import render_graph
from .map import MapLabel, MapLine, MapPoint, render_map

__all__ = ["MapLabel", "MapLine", "MapPoint", "render_bars", "render_graph", "render_map"]
