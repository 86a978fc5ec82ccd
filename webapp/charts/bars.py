"""Grouped horizontal bar chart (supply beside demand per product category) as SVG.

>>> svg = render_bars([("perikanan", 3.0, 1.0)], series=("Supply", "Demand"), title="t")
>>> svg.count('class="bar') == 2
True
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from .svg import esc, fmt, svg_document, tag

__all__ = ["render_bars"]

COLOURS = ("#2e7d32", "#e65100")


def render_bars(
    rows: list[tuple[str, float, float]],
    *,
    series: tuple[str, str],
    title: str,
    value_format: str | Callable[[float], str] = "{:,.0f}",
    width: float = 760.0,
) -> Markup:
    """``rows`` are (category label, first value, second value); ``value_format`` is a
    format string or a function (the app passes one that writes the reader's language)."""
    show = value_format if callable(value_format) else value_format.format
    label_w, bar_h, gap, top = 190.0, 11.0, 10.0, 34.0
    height = top + len(rows) * (2 * bar_h + gap) + 10
    peak = max([max(a, b) for _, a, b in rows] + [1e-9])
    span = width - label_w - 90
    parts: list[str] = [
        tag("rect", {"x": 0, "y": 0, "width": fmt(width), "height": fmt(height), "fill": "#fff"})
    ]
    for i, name in enumerate(series):
        parts.append(
            tag(
                "rect",
                {
                    "x": fmt(label_w + i * 150),
                    "y": 8,
                    "width": 12,
                    "height": 12,
                    "fill": COLOURS[i],
                },
            )
        )
        parts.append(
            tag("text", {"x": fmt(label_w + i * 150 + 18), "y": 18, "font_size": 12}, esc(name))
        )
    y = top
    for label, a, b in rows:
        parts.append(
            tag(
                "text",
                {
                    "x": fmt(label_w - 8),
                    "y": fmt(y + bar_h + 3),
                    "font_size": 12,
                    "text_anchor": "end",
                },
                esc(label),
            )
        )
        for i, value in enumerate((a, b)):
            w = span * value / peak
            parts.append(
                tag(
                    "rect",
                    {
                        "x": fmt(label_w),
                        "y": fmt(y),
                        "width": fmt(max(w, 0.5)),
                        "height": fmt(bar_h),
                        "fill": COLOURS[i],
                        "class": f"bar s{i}",
                    },
                    f"<title>{esc(label)}: {esc(show(value))}</title>",
                )
            )
            parts.append(
                tag(
                    "text",
                    {
                        "x": fmt(label_w + w + 4),
                        "y": fmt(y + bar_h - 1),
                        "font_size": 10,
                        "fill": "#455a64",
                    },
                    esc(show(value)),
                )
            )
            y += bar_h
        y += gap
    return svg_document(width, height, parts, title=title, css_class="chart bars")
