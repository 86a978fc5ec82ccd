"""Translatable names of states, kinds and region types as the report words them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..forms import REGION_LABELS as FORM_REGION_LABELS

__all__ = ["DECLINE_LABELS", "KIND_LABELS", "LISTING_KIND_LABELS", "REGION_LABELS", "STATE_LABELS"]

STATE_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "accepted_by_some": _l("Accepted by some"),
    "confirmed": _l("Confirmed"),
    "completed": _l("Completed"),
    "declined": _l("Declined"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled"),
}
KIND_LABELS = {
    "trade": _l("Trade"),
    "barter_pair": _l("Barter"),
    "barter_cycle": _l("Barter ring"),
}
LISTING_KIND_LABELS = {"offer": _l("Offer"), "need": _l("Need")}
#: The forms' region names, plus one for a pesantren without a region type.
REGION_LABELS = {**FORM_REGION_LABELS, "": _l("Unknown region")}
DECLINE_LABELS = {
    "price": _l("price"),
    "quantity": _l("quantity"),
    "distance": _l("distance"),
    "quality": _l("quality"),
    "already_supplied": _l("already supplied"),
    "other": _l("other reason"),
}
