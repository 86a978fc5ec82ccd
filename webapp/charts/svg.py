"""Small helpers for writing SVG by hand: escaping, number formatting, the colour scheme.

Charts are drawn on the server as plain SVG text (no JavaScript, no tile server), so they
work offline, print, and can be checked in tests as text.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

__all__ = ["REGION_COLOURS", "LINE_STYLES", "esc", "fmt", "svg_document", "tag"]

#: One colour per region type, readable on white and distinguishable in greyscale print.
REGION_COLOURS: dict[str, str] = {
    "highland_agriculture": "#2e7d32",
    "coastal_fisheries": "#1565c0",
    "lowland_farming": "#b8860b",
    "urban": "#6a1b9a",
    "island": "#00838f",
}
UNKNOWN_COLOUR = "#78909c"

#: Stroke per proposal kind / state.
LINE_STYLES: dict[str, dict[str, str]] = {
    "trade": {"stroke": "#e65100", "dash": "5 4"},
    "barter_pair": {"stroke": "#6d4c41", "dash": ""},
    "barter_cycle": {"stroke": "#c2185b", "dash": ""},
}


def esc(text: object) -> str:
    return str(escape(str(text)))


def fmt(value: float) -> str:
    """Coordinates with one decimal: small files, no visible loss."""
    return f"{value:.1f}"


def tag(name: str, attrs: dict[str, object], content: str = "") -> str:
    rendered = " ".join(
        f'{key.rstrip("_").replace("_", "-")}="{esc(value)}"'
        for key, value in attrs.items()
        if value is not None and value != ""
    )
    if content:
        return f"<{name} {rendered}>{content}</{name}>"
    return f"<{name} {rendered}/>"


def svg_document(
    width: float, height: float, parts: Iterable[str], *, title: str, css_class: str
) -> Markup:
    """An inline ``<svg>`` with a title (read out by screen readers) and a viewBox."""
    body = "".join(parts)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{esc(css_class)}" '
        f'viewBox="0 0 {fmt(width)} {fmt(height)}" role="img" '
        f'preserveAspectRatio="xMidYMid meet" font-family="system-ui, sans-serif">'
        f"<title>{esc(title)}</title>{body}</svg>"
    )


def region_colour(region_type: str) -> str:
    return REGION_COLOURS.get(region_type, UNKNOWN_COLOUR)
