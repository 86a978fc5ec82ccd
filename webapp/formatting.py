"""Jinja filters for Indonesian number, money and date formats (via Babel)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from flask import Flask
from flask_babel import format_date, format_decimal, get_locale


def rupiah(value: float | Decimal | None) -> str:
    """``Rp 55.000`` in Indonesian, ``Rp 55,000`` in English."""
    if value is None:
        return "–"
    return "Rp " + format_decimal(round(float(value)), format="#,##0")


def signed_rupiah(value: float | Decimal | None) -> str:
    """A balance: ``+Rp 5.000``, ``−Rp 5.000``, and ``Rp 0`` with no sign when it rounds to
    zero (``−Rp 0`` reads as a debt that is not there)."""
    if value is None:
        return "–"
    whole = round(float(value))
    sign = "+" if whole > 0 else ("−" if whole < 0 else "")
    return sign + rupiah(abs(whole))


def quantity(value: float | Decimal | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" if float(value) == int(float(value)) else "#,##0." + "#" * digits
    return format_decimal(float(value), format=pattern)


def day(value: dt.date | dt.datetime | None) -> str:
    return format_date(value, format="medium") if value else "–"


def init_app(app: Flask) -> None:
    app.add_template_filter(rupiah, "rupiah")
    app.add_template_filter(signed_rupiah, "signed_rupiah")
    app.add_template_filter(quantity, "qty")
    app.add_template_filter(day, "day")
    app.add_template_filter(editable, "editable")
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "id")
    app.jinja_env.globals["language_url"] = language_url


def editable(value: float | Decimal | None) -> str:
    """A stored number as the reader would type it into a form field (``1.250,5`` in
    Indonesian, ``1,250.5`` in English): every stored decimal place kept, so it reads back
    (:func:`webapp.listings.read_number`) to the same number."""
    if value is None:
        return ""
    return format_decimal(Decimal(str(value)), format="#,##0.###")


def language_url(language: str) -> str:
    """This page, with its query, in ``language``: ``/cari?q=ikan+asin&lang=en``."""
    from flask import request

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", language)])
