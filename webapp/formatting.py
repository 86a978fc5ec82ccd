"""Jinja filters for Indonesian number, money and date formats (via Babel)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_date, format_decimal, get_locale


def rupiah(value: float | Decimal | None) -> str:
    """``Rp 55.000`` in Indonesian, ``Rp 55,000`` in English."""
    if value is None:
        return "–"
    return "Rp " + format_decimal(round(float(value)), format="#,##0")


def quantity(value: float | Decimal | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" if float(value) == int(float(value)) else "#,##0." + "#" * digits
    return format_decimal(float(value), format=pattern)


def day(value: dt.date | dt.datetime | None) -> str:
    return format_date(value, format="medium") if value else "–"


def init_app(app: Flask) -> None:
    app.add_template_filter(rupiah, "rupiah")
    app.add_template_filter(quantity, "qty")
    app.add_template_filter(day, "day")
    app.add_template_filter(editable, "editable")
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "id")
    app.jinja_env.globals["lang_url"] = lang_url


def lang_url(code: str) -> str:
    """This page in another language, its query (filters, page) kept."""
    args = {k: v for k, v in request.args.lists() if k != "lang"}
    return "?" + urlencode({**args, "lang": [code]}, doseq=True)


def editable(value: float | Decimal | None) -> str:
    """A stored number as the reader would type it into a form field (``1.250,5`` in
    Indonesian, ``1,250.5`` in English): every stored decimal place kept, so it reads back
    (:func:`webapp.listings.read_number`) to the same number."""
    if value is None:
        return ""
    return format_decimal(Decimal(str(value)), format="#,##0.###")
