"""Server-side SVG charts: valid XML, projected inside the frame, escaped text, legends."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from webapp.charts import MapLabel, MapLine, MapPoint, render_bars, render_graph, render_map
from webapp.charts.map import Projection, outline

NS = "{http://www.w3.org/2000/svg}"

BATU = MapPoint(1, "Pondok Apel Batu", -7.8707, 112.5264, "highland_agriculture")
SUMENEP = MapPoint(2, "Pondok Bahari <Sumenep>", -7.0057, 113.8594, "coastal_fisheries")
TUBAN = MapPoint(3, "Pondok Terasi Tuban", -6.8970, 112.0500, "coastal_fisheries")


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_projection_puts_west_left_north_up_and_east_java_inside_the_frame():
    proj = Projection()
    west = proj(-7.5, 111.0)
    east = proj(-7.5, 114.5)
    north = proj(-6.9, 112.0)
    south = proj(-8.3, 112.0)
    assert west[0] < east[0]
    assert north[1] < south[1]
    for lon, lat in outline()[0]:
        x, y = proj(lat, lon)
        assert 0 <= x <= proj.width
        assert 0 <= y <= proj.height


def test_map_draws_each_pesantren_in_its_region_colour_and_confirmed_trades_bolder():
    svg = str(
        render_map(
            [BATU, SUMENEP, TUBAN],
            [
                MapLine(1, 2, "barter_pair", confirmed=True),
                MapLine(2, 1, "barter_pair"),
                MapLine(3, 1, "trade"),
            ],
            [MapLabel("Batu", -7.8707, 112.5264)],
            legend={"highland_agriculture": "Dataran tinggi"},
            title="Peta",
        )
    )
    root = _parse(svg)
    dots = root.findall(f".//{NS}circle[@class]")
    pesantren = [c for c in dots if c.get("class", "").startswith("pesantren")]
    assert {c.get("fill") for c in pesantren} == {"#2e7d32", "#1565c0"}
    lines = {
        ln.get("class"): float(ln.get("stroke-width"))
        for ln in root.iter(f"{NS}line")
        if ln.get("class", "").startswith("trade")
    }
    assert lines["trade barter_pair confirmed"] > lines["trade barter_pair proposed"]
    assert "Dataran tinggi" in svg
    assert ">Batu<" in svg


def test_names_are_escaped_not_markup():
    svg = str(render_map([SUMENEP], [], [], legend={}, title="<script>alert(1)</script>"))
    assert "<script>" not in svg
    assert "&lt;Sumenep&gt;" in svg
    _parse(svg)


def test_lines_to_unknown_pesantren_are_skipped_rather_than_failing():
    svg = str(render_map([BATU], [MapLine(1, 99, "trade")], [], legend={}, title="t"))
    assert 'class="trade' not in svg


def _graph() -> nx.DiGraph:
    G = nx.DiGraph()
    for p in (BATU, SUMENEP, TUBAN):
        G.add_node(p.id, name=p.name, region_type=p.region_type)
    G.add_edge(1, 2, kind="barter_cycle")
    G.add_edge(2, 3, kind="barter_cycle")
    G.add_edge(3, 1, kind="barter_cycle")
    G.add_edge(2, 1, kind="trade")
    return G


def test_graph_highlights_barter_cycles_and_is_the_same_picture_every_time():
    first, second = (
        str(render_graph(_graph(), legend={}, title="g")),
        str(render_graph(_graph(), legend={}, title="g")),
    )
    assert first == second
    root = _parse(first)
    widths = {
        p.get("class"): float(p.get("stroke-width"))
        for p in root.iter(f"{NS}path")
        if p.get("class", "").startswith("edge")
    }
    assert widths["edge barter_cycle"] > widths["edge trade"]
    assert first.count('class="edge barter_cycle"') == 3


def test_graph_groups_nodes_by_region_type_around_the_circle():
    from webapp.charts.graph import circular_layout

    pos = circular_layout(_graph(), (0.0, 0.0), 1.0)
    order = sorted(pos, key=lambda n: pos[n][2])
    assert order[0] == 1  # highland first, then the two coastal ones together
    assert set(order[1:]) == {2, 3}


def test_bar_chart_scales_bars_to_the_largest_value():
    svg = str(
        render_bars(
            [("perikanan", 10.0, 5.0), ("kopi", 2.0, 0.0)],
            series=("Pasokan", "Permintaan"),
            title="t",
        )
    )
    root = _parse(svg)
    bars = [
        float(r.get("width"))
        for r in root.iter(f"{NS}rect")
        if r.get("class", "").startswith("bar")
    ]
    assert bars[0] == pytest.approx(2 * bars[1], rel=0.01)
    assert max(bars) == bars[0]


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _box(element: ET.Element) -> Box:
    """The bounding box of one element from its attributes (text: a generous estimate)."""

    def get(name: str) -> float:
        return float(element.get(name, 0))

    kind = element.tag.removeprefix(NS)
    if kind == "rect":
        return get("x"), get("y"), get("x") + get("width"), get("y") + get("height")
    if kind == "circle":
        r = get("r")
        return get("cx") - r, get("cy") - r, get("cx") + r, get("cy") + r
    if kind == "line":
        return (
            min(get("x1"), get("x2")),
            min(get("y1"), get("y2")),
            max(get("x1"), get("x2")),
            max(get("y1"), get("y2")),
        )
    if kind == "polygon":
        xy = [tuple(map(float, pair.split(","))) for pair in element.get("points", "").split()]
        return (
            min(x for x, _ in xy),
            min(y for _, y in xy),
            max(x for x, _ in xy),
            max(y for _, y in xy),
        )
    if kind == "text":
        size = get("font-size")
        width = 0.6 * size * len(element.text or "")
        return get("x"), get("y") - size, get("x") + width, get("y") + 0.3 * size
    raise AssertionError(f"no box for <{kind}>")


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


# Dots in the south-east corner (Jember, Banyuwangi), on the south coast (Pacitan) and on the
# Kangean islands: the corners a legend drawn on the map used to cover.
CORNERS = [
    BATU,
    SUMENEP,
    TUBAN,
    MapPoint(4, "Pondok Jember", -8.17, 113.70, "lowland_farming"),
    MapPoint(5, "Pondok Banyuwangi", -8.22, 114.37, "coastal_fisheries"),
    MapPoint(6, "Pondok Pacitan", -8.19, 111.10, "coastal_fisheries"),
    MapPoint(7, "Pondok Kangean", -6.95, 115.40, "island"),
]
LEGEND = {
    "highland_agriculture": "Pertanian dataran tinggi",
    "barter_cycle": "Barter berantai (3 pihak atau lebih)",
    "proposed": "Usulan transaksi",
}


@pytest.mark.parametrize(
    ("points", "legend", "projection"),
    [
        pytest.param(CORNERS, LEGEND, None, id="fitted-to-the-data"),
        pytest.param(CORNERS, LEGEND, Projection(), id="default-size-whole-province"),
        pytest.param([BATU], {}, None, id="one-dot-untranslated-keys"),
        pytest.param(CORNERS, {"proposed": "x" * 120}, None, id="labels-too-long-for-two-columns"),
    ],
)
def test_map_legend_lies_outside_the_drawing_and_inside_the_picture(points, legend, projection):
    svg = str(
        render_map(
            points,
            [MapLine(5, 6, "trade"), MapLine(4, 7, "barter_pair", confirmed=True)],
            [MapLabel("Banyuwangi", -8.2192, 114.3691), MapLabel("Pacitan", -8.1945, 111.1013)],
            legend=legend,
            title="Peta",
            projection=projection,
        )
    )
    root = _parse(svg)
    view = tuple(map(float, root.get("viewBox", "").split()))
    picture: Box = (view[0], view[1], view[0] + view[2], view[1] + view[3])
    group = root.find(f"{NS}g[@class='legend']")
    assert group is not None
    legend_box = _box(group.find(f"{NS}rect[@class='legend-box']"))
    assert _inside(legend_box, picture)
    for item in group:
        assert _inside(_box(item), legend_box), ET.tostring(item)

    sea = root.find(f"{NS}rect[@class='sea']")
    assert sea is not None
    assert not _overlap(legend_box, _box(sea))
    drawn = [
        el
        for el in root
        if el is not group and el.tag != f"{NS}title" and el.get("class") != "page"
    ]
    assert len([el for el in drawn if el.get("class", "").startswith("pesantren")]) == len(points)
    assert len([el for el in drawn if el.get("class") == "land"]) == len(outline())
    for element in drawn:
        assert not _overlap(legend_box, _box(element)), ET.tostring(element)
