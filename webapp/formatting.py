"""Jinja filters for numbers, money, dates and times in the reader's language (via Babel),
times in the service's timezone (``BABEL_DEFAULT_TIMEZONE``: WIB), and product categories
by their translated label. Views and charts call the same functions."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask import Flask, has_request_context
from flask_babel import (
    format_date,
    format_decimal,
    format_time,
    get_locale,
    get_timezone,
    gettext,
)
from flask_babel import lazy_gettext as _l

from .labels import (
    CATEGORY_LABELS,
    DECLINE_LABELS,
    KIND_LABELS,
    REGION_LABELS,
    STATE_LABELS,
    UNKNOWN_REGION,
    label,
    named,
)


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
    """A date (a moment is first moved to WIB: 23:30 UTC is the next day in East Java)."""
    return format_date(value, format="medium") if value else "–"


#: Short names of the timezones the service may run in.
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def moment(value: dt.datetime | None) -> str:
    """A moment in WIB, in the reader's language: ``10 Des 2026 09.23 WIB``. Naive values
    are UTC (how the database gives them back)."""
    if value is None:
        return "–"
    zone = str(get_timezone())
    return (
        f"{format_date(value, 'medium')} {format_time(value, 'short')} {ZONE_NAMES.get(zone, zone)}"
    )


def number(value: float | Decimal | None, digits: int = 2) -> str:
    """A number with exactly ``digits`` decimals in the reader's language (``skor 0,70``)."""
    if value is None:
        return "–"
    return format_decimal(float(value), format="0." + "0" * digits if digits else "0")


def state_label(value: str | None) -> str:
    """A proposal state as the reader says it (``declined`` → ``ditolak``)."""
    return label(STATE_LABELS, value)


#: What a running round stores as its progress (English, as the API returns it) → how a
#: reader is told it. The patterns are the texts :mod:`webapp.rounds.run` and
#: :mod:`webapp.worker` write.
_PROGRESS = (
    (re.compile(r"queued"), _l("waiting for the round worker")),
    (re.compile(r"claimed by the round worker"), _l("the round worker has started")),
    (re.compile(r"snapshot: reading listings"), _l("reading the listings")),
    (
        re.compile(
            r"engine: (?P<pesantren>\d+) pesantren, (?P<offers>\d+) offers, (?P<needs>\d+) needs"
        ),
        _l("matching %(pesantren)s pesantren, %(offers)s offers and %(needs)s needs"),
    ),
    (re.compile(r"storing (?P<n>\d+) proposals"), _l("saving %(n)s proposals")),
    (re.compile(r"failed(: .*)?"), _l("failed")),
)
#: Reasons the service records on a proposal's history (besides the decline reasons).
_REASONS = (
    (re.compile(r"superseded by round (?P<round>\d+)"), _l("replaced by round %(round)s")),
    (
        re.compile(r"no answer from every party by the deadline"),
        _l("not every party answered by the deadline"),
    ),
)


def _matched(text: str, patterns: Any) -> str | None:
    for pattern, said in patterns:
        found = pattern.fullmatch(text)
        if found:
            values = {k: quantity(int(v)) for k, v in found.groupdict().items()}
            return str(said) % values if values else str(said)
    return None


def round_progress(text: str | None) -> str:
    """A running round's stored progress in the reader's language."""
    if not text:
        return ""
    return _matched(text.strip(), _PROGRESS) or text


def event_reason(reason: str | None) -> str:
    """The reason on a proposal's history line in the reader's language: a decline reason
    (``other: gudang penuh`` → ``Lainnya: gudang penuh``) or one the service wrote."""
    if not reason:
        return ""
    code, sep, note = reason.partition(": ")
    if code in DECLINE_LABELS:
        return str(DECLINE_LABELS[code]) + (sep + note if sep else "")
    return _matched(reason.strip(), _REASONS) or reason


def category(value: str | None) -> str:
    """A product category by its label in the reader's language (``ikan & hasil laut``);
    an unknown one as it is stored."""
    return label(CATEGORY_LABELS, value)


def kind_name(value: str | None) -> str:
    """A proposal kind as the reader says it (``barter_cycle`` → ``Barter berantai``)."""
    return label(KIND_LABELS, value)


def region_name(value: str | None) -> str:
    """A region type as the reader says it; none as "unknown region"."""
    return label(REGION_LABELS, value, str(UNKNOWN_REGION))


def request_language() -> str:
    """The reader's language in a request; English elsewhere (CLI, threads), as
    :func:`request_gettext` speaks."""
    return str(get_locale() or "id") if has_request_context() else "en"


def request_gettext(text: str, **params: Any) -> str:
    """Translated in a request (the user's language); plain English elsewhere (CLI, threads)."""
    if has_request_context():
        return str(gettext(text, **params))
    return text % params if params else text


def init_app(app: Flask) -> None:
    app.add_template_filter(rupiah, "rupiah")
    app.add_template_filter(signed_rupiah, "signed_rupiah")
    app.add_template_filter(quantity, "qty")
    app.add_template_filter(day, "day")
    app.add_template_filter(moment, "moment")
    app.add_template_filter(number, "number")
    app.add_template_filter(category, "category")
    app.add_template_filter(kind_name, "kind_name")
    app.add_template_filter(named, "named")
    app.add_template_filter(region_name, "region_label")
    app.add_template_filter(state_label, "state_label")
    app.add_template_filter(round_progress, "round_progress")
    app.add_template_filter(event_reason, "event_reason")
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
    return request.script_root + request.path + "?" + urlencode([*args, ("lang", language)])
