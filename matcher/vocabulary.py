"""The engine's fixed vocabulary, with no dependencies, so the web app's models and forms can
name region types, certificate kinds, shelf-life classes and the map's bounds without loading
the engine (pandas, SciPy, OR-Tools).

>>> "coastal_fisheries" in REGION_TYPES
True
"""

from __future__ import annotations

from typing import Final

__all__ = ["CERT_KINDS", "EAST_JAVA_BOUNDS", "REGION_TYPES", "SHELF_LIFE_CLASSES"]

REGION_TYPES: Final = (
    "highland_agriculture",
    "coastal_fisheries",
    "lowland_farming",
    "urban",
    "island",
)
SHELF_LIFE_CLASSES: Final = (
    "fresh_days",
    "chilled",
    "live",
    "fresh_weeks",
    "dry_months",
    "durable",
    "service",
)
CERT_KINDS: Final = ("halal", "pirt", "bpom_md", "sni")

#: (lat_min, lat_max, lon_min, lon_max) of East Java including Madura, Bawean and Kangean.
EAST_JAVA_BOUNDS: Final = (-8.9, -5.0, 110.8, 116.4)
