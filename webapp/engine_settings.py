"""The engine's settings as this installation configures them: one place for the web app.

A listing not confirmed for ``STALE_LISTING_DAYS`` days *rests*: the rounds, the supplier
search and the weekly email's matches leave it out (:meth:`matcher.market.Market.without_resting`)
until its owner confirms it, and the dashboard, the listings page and the weekly email ask
"still available?" about exactly those. Every entry point takes the cut-off from
:func:`resting_before` and the engine's configuration from :func:`engine_config`, so the two
never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app

from matcher.config import EngineConfig

from .models import utcnow

__all__ = ["engine_config", "resting_before", "stale_days"]


def stale_days() -> int:
    return int(current_app.config["STALE_LISTING_DAYS"])


def resting_before(now: dt.datetime | None = None) -> dt.datetime:
    """Listings last confirmed before this moment rest."""
    return (now or utcnow()) - dt.timedelta(days=stale_days())


def engine_config(**overrides: Any) -> EngineConfig:
    """:class:`~matcher.config.EngineConfig` with this installation's settings."""
    return EngineConfig(**{"stale_days": stale_days(), **overrides})
