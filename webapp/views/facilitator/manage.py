"""Pesantren records and user accounts.

Facilitators create and edit pesantren and officer accounts; only admins create
facilitator and admin accounts or deactivate them.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, ValidationError

from matcher.identifiers import normalise_identifier
from matcher.vocabulary import REGION_TYPES

from ...forms import Form, labelled
from ...labels import ROLE_LABELS
from ...models import LANGUAGES, Pesantren, User, db
from ...paging import page_of_query
from ...password_links import ACTIVATE, send_link
from ...pesantren_forms import PesantrenForm, normalise_whatsapp, regency_choices
from . import bp

__all__ = ["PesantrenForm", "UserForm", "normalise_whatsapp"]

PAGE_SIZE = 50


@bp.get("/pesantren")
def pesantren_list() -> str:
    q = request.args.get("q", "").strip()[:100]
    query = select(Pesantren).order_by(Pesantren.name, Pesantren.id)
    if q:
        query = query.where(or_(Pesantren.name.ilike(f"%{q}%"), Pesantren.nspp == q))
    shown = page_of_query(query, request.args.get("page", 1, type=int), PAGE_SIZE)
    return render_template(
        "facilitator/pesantren_list.html",
        rows=shown.rows,
        q=q,
        page=shown.page,
        pages=shown.pages,
        total=shown.total,
    )


@bp.route("/pesantren/baru", methods=["GET", "POST"])
def pesantren_create() -> Any:
    return _pesantren_form(None)


@bp.route("/pesantren/<int:pesantren_id>/ubah", methods=["GET", "POST"])
def pesantren_edit(pesantren_id: int) -> Any:
    return _pesantren_form(db.session.get(Pesantren, pesantren_id) or abort(404))


def _pesantren_form(pesantren: Pesantren | None) -> Any:
    form = PesantrenForm(obj=pesantren)
    form.regency_code.choices = regency_choices()
    if request.method == "GET" and pesantren is not None:
        form.region_types.data = pesantren.region_types
    if form.validate_on_submit():
        creating = pesantren is None
        target = pesantren or Pesantren()
        form.populate_obj(target)
        for name in ("address", "contact_name", "whatsapp", "email"):
            setattr(target, name, getattr(form, name).data or "")
        target.santri_count = form.santri_count.data or 0
        target.region_types = [r for r in REGION_TYPES if r in form.region_types.data]
        if creating:
            db.session.add(target)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.nspp.errors = [*form.nspp.errors, _("Another pesantren already has this NSPP.")]
        else:
            if getattr(form, "nspp_warning", ""):
                flash(_("NSPP saved, but note: %(warning)s", warning=form.nspp_warning), "info")
            flash(_("%(name)s saved.", name=target.name), "info")
            return redirect(url_for(".pesantren_list", q=target.nspp))
    return render_template("facilitator/pesantren_form.html", form=form, pesantren=pesantren)


# -- users -------------------------------------------------------------------------------


def _creatable_roles() -> list[str]:
    return ["officer", "facilitator", "admin"] if current_user.role == "admin" else ["officer"]


class UserEditForm(Form):
    """What a facilitator may change on an account (the email is the sign-in: it stays)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"))
    #: Typed, with the browser's own type-ahead (a ``datalist``: no JavaScript needed);
    #: read by :func:`pick_pesantren` (NSPP, "name · NSPP" as suggested, or part of a name).
    pesantren = StringField(
        _l("Pesantren (officers)"),
        validators=[Length(max=200)],
        render_kw={"list": "pesantren-options", "autocomplete": "off"},
    )
    language = SelectField(
        _l("Language"), choices=[SelectChoice(lang, lang.upper()) for lang in LANGUAGES]
    )
    active = BooleanField(_l("Active (may sign in)"), default=True)

    picked: Pesantren | None = None

    def validate_pesantren(self, field: StringField) -> None:
        text = (field.data or "").strip()
        if self.role.data != "officer":
            return
        if not text:
            raise ValidationError(_("An officer must belong to a pesantren."))
        self.picked, matches = pick_pesantren(text)
        if self.picked is not None:
            field.data = pesantren_label(self.picked)
            return
        if not matches:
            raise ValidationError(_("No pesantren matches “%(text)s”.", text=text))
        raise ValidationError(
            _(
                "%(count)s pesantren match “%(text)s”; choose one: %(names)s",
                count=len(matches),
                text=text,
                names="; ".join(pesantren_label(p) for p in matches[:PICK_SHOWN]),
            )
        )

    def fill_choices(self) -> None:
        self.role.choices = labelled(_creatable_roles(), ROLE_LABELS)

    @property
    def pesantren_id(self) -> int | None:
        return self.picked.id if self.picked is not None and self.role.data == "officer" else None


PICK_SHOWN = 8


def pesantren_label(p: Pesantren) -> str:
    """How the picker shows and reads back one pesantren: ``name · NSPP``."""
    return f"{p.name} · {p.nspp}" if p.nspp else p.name


def pick_pesantren(text: str) -> tuple[Pesantren | None, list[Pesantren]]:
    """The pesantren ``text`` names (its NSPP, a ``name · NSPP`` suggestion, or the only
    one whose name contains it), else ``(None, the pesantren it could mean)``."""
    tail = text.rpartition("·")[2] if "·" in text else text
    nspp = normalise_identifier("nspp", tail)
    if nspp.isdigit():
        found = db.session.scalar(select(Pesantren).where(Pesantren.nspp == nspp))
        if found is not None:
            return found, []
    name = text.rpartition("·")[0].strip() if "·" in text else text.strip()
    matches = db.session.scalars(
        select(Pesantren)
        .where(Pesantren.name.icontains(name, autoescape=True))
        .order_by(Pesantren.name, Pesantren.id)
        .limit(PICK_SHOWN + 1)
    ).all()
    exact = [p for p in matches if p.name.casefold() == name.casefold()]
    if len(matches) == 1 or len(exact) == 1:
        return (exact or list(matches))[0], []
    return None, list(matches)


def pesantren_options() -> list[str]:
    """Every pesantren as the picker suggests it, by name."""
    rows = db.session.scalars(select(Pesantren).order_by(Pesantren.name, Pesantren.id))
    return [pesantren_label(p) for p in rows]


class UserForm(UserEditForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    active = None  # a new account is active; it signs in once activated

    def validate_email(self, field: EmailField) -> None:
        field.data = (field.data or "").strip().lower()
        if db.session.scalar(select(User.id).where(func.lower(User.email) == field.data)):
            raise ValidationError(_("An account with this email already exists."))


@bp.get("/pengguna")
def users() -> str:
    rows = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    return render_template("facilitator/users.html", rows=rows, role_labels=ROLE_LABELS)


@bp.route("/pengguna/baru", methods=["GET", "POST"])
def user_create() -> Any:
    form = UserForm()
    form.fill_choices()
    if form.validate_on_submit():
        user = User(
            name=form.name.data,
            email=form.email.data,
            role=form.role.data,
            pesantren_id=form.pesantren_id,
            language=form.language.data,
        )
        # Nobody knows this password: the person chooses theirs from the activation link.
        user.set_password(secrets.token_urlsafe(32))
        db.session.add(user)
        db.session.commit()
        _send_activation(user)
        return redirect(url_for(".users"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "facilitator/user_form.html", form=form, options=pesantren_options()
    ), status


def _send_activation(user: User) -> None:
    problem = send_link(user, ACTIVATE)
    if problem is None:
        flash(
            _("Account for %(email)s created; an activation link was emailed.", email=user.email),
            "info",
        )
    else:
        flash(
            _(
                "The activation email to %(email)s could not be sent (%(problem)s). "
                "Send it again from the accounts list.",
                email=user.email,
                problem=problem,
            ),
            "error",
        )


@bp.route("/pengguna/<int:user_id>/ubah", methods=["GET", "POST"])
def user_edit(user_id: int) -> Any:
    """Change an account's name, role, pesantren, language or access. A change of role,
    pesantren or access signs the account out everywhere (its rights changed)."""
    user = db.session.get(User, user_id) or abort(404)
    if user.role not in _creatable_roles() or user.id == current_user.id:
        abort(403)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    form.fill_choices()
    if request.method == "GET":
        form.pesantren.data = pesantren_label(user.pesantren) if user.pesantren else ""
    if form.validate_on_submit():
        pesantren_id = form.pesantren_id
        rights = (form.role.data, pesantren_id, bool(form.active.data))
        if rights != (user.role, user.pesantren_id, user.active):
            user.revoke_sessions()
        user.name = form.name.data or user.name
        user.role, user.pesantren_id, user.active = rights
        user.language = form.language.data or user.language
        db.session.commit()
        flash(_("Account %(email)s saved.", email=user.email), "info")
        return redirect(url_for(".users"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "facilitator/user_form.html", form=form, edited=user, options=pesantren_options()
    ), status


@bp.post("/pengguna/<int:user_id>/aktivasi")
def user_send_activation(user_id: int) -> Any:
    """Email a new activation link to an account that has never signed in."""
    user = db.session.get(User, user_id) or abort(404)
    if user.role not in _creatable_roles() or user.id == current_user.id:
        abort(403)
    if user.last_login_at is not None or not user.active:
        flash(_("%(email)s has already signed in or is deactivated.", email=user.email), "error")
        return redirect(url_for(".users"))
    problem = send_link(user, ACTIVATE)
    if problem is None:
        flash(_("A new activation link was emailed to %(email)s.", email=user.email), "info")
    else:
        flash(
            _("The email to %(email)s could not be sent (%(problem)s).", email=user.email,
              problem=problem),
            "error",
        )  # fmt: skip
    return redirect(url_for(".users"))


@bp.post("/pengguna/<int:user_id>/aktif")
def user_toggle(user_id: int) -> Any:
    user = db.session.get(User, user_id) or abort(404)
    if user.role not in _creatable_roles() or user.id == current_user.id:
        abort(403)
    user.active = not user.active
    db.session.commit()
    flash(
        (_("%(email)s reactivated.") if user.active else _("%(email)s deactivated."))
        % {"email": user.email},
        "info",
    )
    return redirect(url_for(".users"))
