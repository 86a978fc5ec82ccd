"""Weekly report pages: unsubscribe and "still available" links (no login), report
preferences for signed-in users, and the facilitators' preview of any recipient's email.

The two emailed links carry signed tokens (:mod:`webapp.report.links`) instead of a login:

- unsubscribe: GET shows a confirmation with one button, POST unsubscribes; mail clients'
  one-click unsubscribe (RFC 8058) POSTs ``List-Unsubscribe=One-Click`` to the same URL.
  CSRF protection is off for it: the signed token is the proof, and a mail client cannot
  hold a CSRF token. It sets ``report_frequency = none`` on every account and pesantren
  record with that address.
- still available: GET confirms the listing at once (the email promises one tap) and says
  thank you. Confirming twice is harmless. A link scanner that follows links would confirm
  too; the token is tied to one listing and expires, which bounds the harm.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, SubmitField

from ..extensions import csrf
from ..forms import Form, language_choices
from ..models import Listing, ReportLog, db, utcnow
from ..report import (
    SnapshotCache,
    WeekError,
    collect_report,
    parse_week,
    previous_week,
    read_listing_token,
    read_unsubscribe_token,
    recipients,
    render_report,
)
from ..report.links import BadSignature
from ..report.notices import read_notice_unsubscribe_token
from ..report.recipients import Recipient, opt_out
from ..report.render import Rendered
from ..report.send import Report
from ..report.weeks import ReportWeek
from ..security import NETWORK_ROLES, roles_required

__all__ = ["PREVIEW_CSP", "PreferencesForm", "bp"]

bp = Blueprint("report", __name__)

#: What the preview iframe may do: show the email's own inline styles and data images.
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
)


class PreferencesForm(Form):
    report_frequency = RadioField(
        _l("Weekly report email"),
        choices=[SelectChoice("weekly", _l("Every Monday")), SelectChoice("none", _l("Never"))],
    )
    language = SelectField(
        _l("Language of the report"),
        choices=language_choices(),
    )
    notices = BooleanField(_l("A short email when something happens to my proposals"))
    submit = SubmitField(_l("Save"))


@bp.route("/laporan/berhenti/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """No more weekly reports to the token's address."""
    return _unsubscribe(token, read_unsubscribe_token, of_notices=False, report_frequency="none")


@bp.route("/laporan/berhenti-kabar/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe_notices(token: str) -> ResponseReturnValue:
    """No more prompt notices to the token's address (the weekly report stays)."""
    return _unsubscribe(token, read_notice_unsubscribe_token, of_notices=True, notices=False)


def _unsubscribe(
    token: str, read: Callable[[str], str], *, of_notices: bool, **values: object
) -> ResponseReturnValue:
    """GET asks, POST (also a mail client's RFC 8058 one-click POST) opts the address out."""
    try:
        address = read(token)
    except BadSignature:
        return render_template("report/link_invalid.html"), 400
    if request.method == "POST":
        opt_out(db.session, address, **values)
        if request.form.get("List-Unsubscribe") == "One-Click":
            return "", 204
    done = request.method == "POST"
    return render_template(
        "report/unsubscribe.html", address=address, done=done, notices=of_notices
    )


@bp.get("/laporan/masih-tersedia/<token>")
def still_available(token: str) -> ResponseReturnValue:
    try:
        listing_id = read_listing_token(token, utcnow())
    except BadSignature:
        return render_template("report/link_invalid.html"), 400
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.status == "archived":
        return render_template("report/link_invalid.html", gone=True), 404
    listing.last_confirmed_at = utcnow()
    db.session.commit()
    return render_template("report/still_available.html", listing=listing)


@bp.route("/akun/laporan", methods=["GET", "POST"])
@login_required
def preferences() -> ResponseReturnValue:
    form = PreferencesForm(
        report_frequency=current_user.report_frequency,
        language=current_user.language,
        notices=current_user.notices,
    )
    if form.validate_on_submit():
        current_user.report_frequency = form.report_frequency.data
        current_user.language = form.language.data
        current_user.notices = bool(form.notices.data)
        db.session.commit()
        flash(_("Report settings saved."), "info")
        return redirect(url_for("report.preferences"))
    status = 400 if request.method == "POST" else 200
    return render_template("report/preferences.html", form=form), status


def _session() -> Session:
    return cast(Session, db.session)  # the scoped session proxies a Session


def _week() -> tuple[str, ReportWeek]:
    label = request.args.get("week", "")
    try:
        week = parse_week(label) if label else previous_week(utcnow())
    except WeekError:
        abort(400, _("%(week)s is not a week: use YYYY-Www, e.g. 2026-W48.") % {"week": label})
    return week.label, week


@bp.get("/laporan/pratinjau")
@roles_required(*NETWORK_ROLES)
def preview_index() -> str:
    label, week = _week()
    sent = dict(
        db.session.execute(
            select(ReportLog.recipient, ReportLog.status).where(ReportLog.week == label)
        ).all()
    )
    return render_template(
        "report/preview_index.html", week=week, rows=recipients(_session()), sent=sent
    )


def _rendered(address: str) -> tuple[Recipient, ReportWeek, Report, Rendered]:
    label, week = _week()
    found = [r for r in recipients(_session()) if r.address == address.lower()]
    if not found:
        abort(404)
    recipient = found[0]
    report = collect_report(_session(), recipient, week, SnapshotCache(_session(), week))
    return recipient, week, report, render_report(report)


@bp.get("/laporan/pratinjau/<path:address>")
@roles_required(*NETWORK_ROLES)
def preview(address: str) -> str:
    recipient, week, report, rendered = _rendered(address)
    return render_template(
        "report/preview.html",
        recipient=recipient,
        week=week,
        report=report,
        rendered=rendered,
        html_url=url_for("report.preview_html", address=recipient.address, week=week.label),
    )


@bp.get("/laporan/pratinjau-html/<path:address>")
@roles_required(*NETWORK_ROLES)
def preview_html(address: str) -> ResponseReturnValue:
    _recipient, _week_, _report, rendered = _rendered(address)
    response = current_app.response_class(rendered.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
