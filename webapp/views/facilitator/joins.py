"""Join requests and curation: the facilitator's side of :mod:`webapp.joining` and
:mod:`webapp.curation`.

``/fasilitator/pendaftaran`` lists the pending requests (oldest first) and the latest
decisions; each request is approved (pesantren, offer and officer account created, the
activation link emailed) or rejected with a reason (emailed). A pesantren's curation moves
one step at a time from its public page (``/pesantren/<id>``), where facilitators see the
form and the history.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from ...curation import CurationRefused, change_curation
from ...forms import Form, PostForm
from ...joining import JoinRefused, approve, reject
from ...models import JoinRequest, Pesantren, db
from ...plausible import MAX_NOTE_LENGTH
from . import bp

__all__ = ["CurationForm", "RejectForm"]

RECENT = 20


class RejectForm(Form):
    reason = TextAreaField(
        _l("Why is the request rejected? (emailed to the applicant)"),
        validators=[Length(max=4 * MAX_NOTE_LENGTH)],  # the rules say the real limit
    )


class CurationForm(Form):
    """A curation step; which steps are allowed is :func:`webapp.curation.next_statuses`."""

    status = SelectField(_l("New curation status"), validate_choice=False)
    note = TextAreaField(
        _l("Note (what was checked; required for a step back)"),
        validators=[Length(max=4 * MAX_NOTE_LENGTH)],
    )


def _page(
    status: int = 200, reject_form: RejectForm | None = None, failed: int | None = None
) -> Any:
    pending = db.session.scalars(
        select(JoinRequest).where(JoinRequest.state == "pending").order_by(JoinRequest.id)
    ).all()
    decided = db.session.scalars(
        select(JoinRequest)
        .where(JoinRequest.state != "pending")
        .order_by(JoinRequest.decided_at.desc(), JoinRequest.id.desc())
        .limit(RECENT)
    ).all()
    return render_template(
        "facilitator/join_requests.html",
        pending=pending,
        decided=decided,
        action_form=PostForm(),
        reject_form=reject_form or RejectForm(formdata=None),
        failed=failed,
    ), status


@bp.context_processor
def _pending_count() -> dict[str, Any]:
    """How many requests wait, for the facilitator menu (the facilitator pages only)."""
    from sqlalchemy import func

    count = db.session.scalar(
        select(func.count(JoinRequest.id)).where(JoinRequest.state == "pending")
    )
    return {"pending_join_requests": int(count or 0)}


@bp.get("/pendaftaran")
def join_requests() -> Any:
    return _page()


def _request(request_id: int) -> JoinRequest:
    return db.session.get(JoinRequest, request_id) or abort(404)


@bp.post("/pendaftaran/<int:request_id>/terima")
def join_approve(request_id: int) -> Any:
    join = _request(request_id)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        user, problem = approve(db.session, join, current_user)
    except JoinRefused as refused:
        flash(str(refused), "error")
        return _page(refused.status, failed=join.id)
    if problem is None:
        flash(
            _(
                "%(name)s joined; the activation link was emailed to %(email)s.",
                name=join.name,
                email=user.email,
            ),
            "info",
        )
    else:
        flash(
            _(
                "%(name)s joined, but the activation email to %(email)s could not be sent "
                "(%(problem)s). Send it again from the accounts list.",
                name=join.name,
                email=user.email,
                problem=problem,
            ),
            "error",
        )
    return redirect(url_for(".join_requests"))


@bp.post("/pendaftaran/<int:request_id>/tolak")
def join_reject(request_id: int) -> Any:
    join = _request(request_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _page(400, form, failed=join.id)
    try:
        problem = reject(db.session, join, current_user, form.reason.data or "")
    except JoinRefused as refused:
        form.reason.errors = [str(refused)]
        return _page(refused.status, form, failed=join.id)
    if problem is None:
        flash(_("Request of %(name)s rejected; the reason was emailed.", name=join.name), "info")
    else:
        flash(
            _(
                "Request of %(name)s rejected, but the email could not be sent (%(problem)s).",
                name=join.name,
                problem=problem,
            ),
            "error",
        )
    return redirect(url_for(".join_requests"))


@bp.post("/pesantren/<int:pesantren_id>/kurasi")
def curation_change(pesantren_id: int) -> Any:
    pesantren = db.session.get(Pesantren, pesantren_id) or abort(404)
    form = CurationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        change_curation(
            db.session, pesantren, form.status.data or "", current_user, form.note.data or ""
        )
    except CurationRefused as refused:
        db.session.rollback()
        from ..public import pesantren_page

        return pesantren_page(pesantren, curation_form=form, curation_error=str(refused)), 400
    db.session.commit()
    flash(_("Curation of %(name)s saved.", name=pesantren.name), "info")
    return redirect(url_for("public.pesantren_detail", pesantren_id=pesantren.id))


def curation_form_for(pesantren: Pesantren, form: CurationForm | None = None) -> CurationForm:
    """The curation form for ``pesantren``'s page, offering only the allowed steps."""
    from wtforms import SelectChoice

    from ...curation import curation_label, next_statuses

    form = form or CurationForm(formdata=None)
    form.status.choices = [
        SelectChoice(s, curation_label(s)) for s in next_statuses(pesantren.curation_status)
    ]
    return form
