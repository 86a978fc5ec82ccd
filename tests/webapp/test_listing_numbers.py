"""Round trips: a number the pages print reads back to itself in the same language, and unit
conversions undo each other."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.units import UNITS, to_base, units_for
from webapp.formatting import editable, quantity, rupiah
from webapp.listings import read_number

LANGUAGES = ("id", "en")
#: Numbers as the database keeps them: up to three decimal places, up to 10^10.
stored = st.decimals(
    min_value=Decimal("-1e10"), max_value=Decimal("1e10"), places=3, allow_nan=False,
    allow_infinity=False,
)  # fmt: skip


#: The request context is only read, so one per test serves every example.
in_context = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(params=LANGUAGES)
def speaking(app, request):
    with app.test_request_context(f"/?lang={request.param}"):
        yield request.param


@settings(in_context, max_examples=300)
@given(value=stored)
def test_what_a_form_field_shows_reads_back_to_the_stored_number(speaking, value):
    assert read_number(editable(value), speaking) == value


@settings(in_context, max_examples=300)
@given(value=stored, digits=st.integers(0, 3))
def test_a_printed_quantity_reads_back_to_the_number_shown(speaking, value, digits):
    shown = round(value, digits)
    assert read_number(quantity(shown, digits=max(digits, 1)), speaking) == shown


@settings(in_context, max_examples=200)
@given(value=st.integers(0, 10**10))
def test_a_printed_price_reads_back_to_the_rupiah(speaking, value):
    assert read_number(rupiah(value), speaking) == value


def test_the_languages_read_a_lone_separator_their_own_way(app):
    assert read_number("1.250", "id") == read_number("1,250", "en") == 1250
    assert read_number("1,25", "id") == read_number("1.25", "en") == Decimal("1.25")
    assert read_number("1.250,5", "en") == read_number("1,250.5", "id") == Decimal("1250.5")


_FIXED = sorted(
    {(u, base) for base in ("kg", "liter", "pcs") for u in units_for(base) if UNITS[u].size}
)


@settings(max_examples=300, deadline=None)
@given(
    pair=st.sampled_from(_FIXED),
    amount=st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False),
)
def test_converting_to_the_base_unit_and_back_gives_the_amount(pair, amount):
    unit, base = pair
    there = to_base(amount, unit, base)
    assert math.isclose(to_base(there, base, unit), amount, rel_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    count=st.floats(min_value=1e-3, max_value=1e5, allow_nan=False, allow_infinity=False),
    size=st.floats(min_value=1e-2, max_value=1e4, allow_nan=False, allow_infinity=False),
)
def test_a_karung_of_a_stated_size_converts_back(count, size):
    assert math.isclose(to_base(count, "karung", "kg", unit_size=size) / size, count, rel_tol=1e-9)
