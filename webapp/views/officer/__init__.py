"""The officer's work: dashboard, listings, supplier search, proposals.

One blueprint, ``officer``, split by page into modules. Officers act for their own pesantren
only; facilitators and admins may open (and fix) any pesantren's listings and read every
published proposal, but answer none.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("officer", __name__)

from . import dashboard, deals, listings, proposals, search  # noqa: E402,F401

__all__ = ["bp"]
