"""Listings: the one rule set every entry point checks against, and the numbers they read.

- :mod:`.rules` — limits, units, price requirement, availability windows, messages;
- :mod:`.numbers` — numbers and dates as people type them, in Indonesian or English;
- :mod:`.store` — the questions that need the database (duplicates, references).
"""

from __future__ import annotations

from .numbers import NotADate, NotANumber, language_of, read_date, read_number
from .rules import (
    FIELDS,
    MAX_BASE_PER_MONTH,
    MAX_NOTE_LENGTH,
    MAX_PRICE,
    MAX_UNIT_SIZE,
    MAX_VALUE_PER_MONTH,
    ListingInput,
    Problem,
    Verdict,
    allowed_units,
    check_listing,
    check_unit,
    stated_size,
    unusable_listings,
)
from .store import duplicate_of, referenced

__all__ = [
    "FIELDS",
    "MAX_BASE_PER_MONTH",
    "MAX_NOTE_LENGTH",
    "MAX_PRICE",
    "MAX_UNIT_SIZE",
    "MAX_VALUE_PER_MONTH",
    "ListingInput",
    "NotADate",
    "NotANumber",
    "Problem",
    "Verdict",
    "allowed_units",
    "check_listing",
    "check_unit",
    "duplicate_of",
    "language_of",
    "read_date",
    "read_number",
    "referenced",
    "stated_size",
    "unusable_listings",
]
