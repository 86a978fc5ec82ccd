"""Printable A4 sheets (PDF) for expos (*pameran*): a pesantren's product sheet, a
supplier-search result sheet and a facilitator's match sheet per regency.

Each sheet is a function from the rows a page already shows to PDF bytes, in the reader's
language (Flask-Babel's current locale); the views decide who may see what.
"""

from __future__ import annotations

from .matches import Meeting, match_sheet, meetings_for
from .pesantren import pesantren_sheet
from .suppliers import supplier_sheet

__all__ = ["Meeting", "match_sheet", "meetings_for", "pesantren_sheet", "supplier_sheet"]
