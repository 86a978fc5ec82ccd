"""Accounts: sign in and out, change password and language; security headers for every page.

Sign-in is rate-limited per account (``RATELIMIT_LOGIN``, keyed by the email tried) and per
address (``RATELIMIT_LOGIN_IP``), in the store ``RATELIMIT_STORAGE_URI`` names (shared by all
workers when it is e.g. Redis), passwords are checked against the stored hash,
and the post-login redirect only follows local paths. Accounts themselves are created by the
``opop-match user create`` command or the facilitator's users page.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response as BaseResponse

from ..errors import render_error
from ..extensions import limiter
from ..forms import ForgotPasswordForm, LanguageForm, LoginForm, NewPasswordForm, PasswordForm
from ..models import User, db, utcnow
from ..password_links import ACTIVATE, RESET, read_token, reset_hours, send_reset_link
from ..passwords import MIN_PASSWORD_LENGTH, AccountInactive, authenticate

__all__ = ["bp", "home_url"]

bp = Blueprint("auth", __name__)


def home_url(user: User) -> str:
    """Where a user lands after signing in: officers on their dashboard, others their area."""
    endpoints = ["officer.dashboard"] if user.role == "officer" else ["facilitator.dashboard"]
    for endpoint in [*endpoints, "officer.search", "public.index"]:
        try:
            return url_for(endpoint)
        except BuildError:
            continue
    return "/"


def _safe_next(target: str | None) -> str | None:
    """Only local absolute paths: never an open redirect to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def _login_limit() -> str:
    return str(current_app.config.get("RATELIMIT_LOGIN", "10 per minute"))


def _login_ip_limit() -> str:
    return str(current_app.config.get("RATELIMIT_LOGIN_IP", "60 per minute"))


def _account_key(purpose: str) -> Callable[[], str]:
    """A rate-limit key per account: the email posted (sign-in tried, reset asked), whatever
    address the request comes from."""

    def key() -> str:
        return f"{purpose}:" + (request.form.get("email") or "").strip().lower()[:254]

    return key


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_account_key("login"), methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data or "", form.password.data or "")
        except AccountInactive:
            flash(
                _("This account has been deactivated. Ask your facilitator to turn it on again."),
                "error",
            )
            return render_template("auth/login.html", form=form), 200
        if user is None:
            flash(_("Wrong email or password."), "error")
            return render_template("auth/login.html", form=form), 200
        login_user(user)
        user.last_login_at = utcnow()
        db.session.commit()
        session.pop("lang", None)  # the account's language applies from now on
        return redirect(_safe_next(form.next.data) or home_url(user))
    return render_template("auth/login.html", form=form)


def _reset_limit() -> str:
    return str(current_app.config.get("RATELIMIT_PASSWORD_RESET", "3 per hour"))


@bp.route("/masuk/lupa-sandi", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
@limiter.limit(_reset_limit, key_func=_account_key("reset"), methods=["POST"])
def forgot_password() -> str | BaseResponse:
    """Ask for a reset link; the answer is the same whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_reset_link(form.email.data or "")
        flash(
            _(
                "If an account uses this address, we have emailed it a link to set a new "
                "password. The link works once, for %(hours)s hours.",
                hours=reset_hours(),
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/masuk/sandi-baru/<token>", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
def reset_password(token: str) -> str | BaseResponse | tuple[str, int]:
    """Set a new password from an emailed reset link."""
    return _set_password_from_link(token, RESET)


@bp.route("/masuk/aktifkan/<token>", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
def activate(token: str) -> str | BaseResponse | tuple[str, int]:
    """Choose the first password of an account a facilitator created (emailed link)."""
    return _set_password_from_link(token, ACTIVATE)


def _set_password_from_link(token: str, purpose: str) -> str | BaseResponse | tuple[str, int]:
    """The form behind both links; setting the password signs out every session (and so the
    link, whose token holds the old password hash, dies too)."""
    user = read_token(token, purpose)
    if user is None:
        message = _("This link has expired or was already used. Ask for a new one.")
        return render_error(
            400,
            _("Link no longer valid"),
            message,
            retry_url=url_for("auth.forgot_password"),
        )
    form = NewPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.new.data or "")
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your new password is set. Sign in with it."), "info")
        return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "auth/reset.html",
        form=form,
        user=user,
        action=url_for(request.endpoint or "auth.reset_password", token=token),
        activation=purpose == ACTIVATE,
        min_length=MIN_PASSWORD_LENGTH,
    )
    return page, status


@bp.post("/keluar")
@login_required
def logout() -> BaseResponse:
    current_user.revoke_sessions()  # a copied cookie stops working too
    db.session.commit()
    logout_user()
    session.pop("lang", None)
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.index"))


@bp.get("/akun")
@login_required
def account() -> str:
    return render_template(
        "auth/account.html",
        password_form=PasswordForm(),
        language_form=LanguageForm(language=current_user.language),
    )


@bp.post("/akun/sandi")
@login_required
def change_password() -> ResponseReturnValue:
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data or ""):
            form.current.errors = [_("The current password is wrong.")]
        else:
            current_user.set_password(form.new.data or "")  # signs out every other session
            db.session.commit()
            login_user(current_user._get_current_object())  # ... but not this one
            flash(_("Your password has been changed."), "info")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        password_form=form,
        language_form=LanguageForm(language=current_user.language),
    ), 400


@bp.post("/akun/bahasa")
@login_required
def set_language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit():
        current_user.language = form.language.data
        db.session.commit()
        session["lang"] = form.language.data
        flash(_("Language saved."), "info")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", password_form=PasswordForm(), language_form=form
    ), 400
