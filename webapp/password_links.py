"""Emailed links that let a user set a password: the password reset (any role) and the
activation of an account a facilitator created (no facilitator ever types a password).

The token (``itsdangerous``, keyed by ``SECRET_KEY``) carries the user's id and a fingerprint
of their current password hash and session version, and is timed
(``PASSWORD_RESET_HOURS``; an activation link ``ACTIVATION_DAYS``). Setting the password changes both, so a used link dies at once
(single use), as does every older link; so does signing out everywhere. The request form
answers the same whether or not the address has an account (no user enumeration).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from .mail import send_one
from .models import User, db
from .report.links import external_url
from .report.render import automated_message, mail_domain

__all__ = [
    "ACTIVATE",
    "RESET",
    "link_hours",
    "read_token",
    "reset_hours",
    "send_link",
    "send_reset_link",
    "token_for",
]

log = logging.getLogger(__name__)

RESET = "opop-password-reset"
ACTIVATE = "opop-account-activation"
_ENDPOINTS = {RESET: "auth.reset_password", ACTIVATE: "auth.activate"}
_TEMPLATES = {RESET: "email/password_reset.txt", ACTIVATE: "email/account_activation.txt"}


def reset_hours() -> int:
    return int(current_app.config.get("PASSWORD_RESET_HOURS", 2))


def link_hours(purpose: str) -> int:
    """How long a link of this purpose works."""
    if purpose == ACTIVATE:
        return int(current_app.config.get("ACTIVATION_DAYS", 7)) * 24
    return reset_hours()


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _fingerprint(user: User) -> str:
    state = f"{user.id}:{user.password_hash}:{user.session_version or 1}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def token_for(user: User, purpose: str = RESET) -> str:
    return str(_serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)}))


def read_token(token: str, purpose: str = RESET) -> User | None:
    """The active user a still-valid, unused link belongs to, or None (expired, used, forged)."""
    try:
        data = _serializer(purpose).loads(token, max_age=link_hours(purpose) * 3600)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        return None
    return user


def _message(user: User, url: str, purpose: str) -> EmailMessage:
    with force_locale(user.language or "id"):
        if purpose == ACTIVATE:
            subject = _("OPOP Match: activate your account")
        else:
            subject = _("OPOP Match: set a new password")
        text = render_template(
            _TEMPLATES[purpose], user=user, url=url, hours=link_hours(purpose), subject=subject
        )
    msg = automated_message(
        subject,
        user.name,
        user.email,
        now=dt.datetime.now(dt.UTC),
        message_id=make_msgid(idstring=purpose, domain=mail_domain()),
    )
    msg.set_content(text, cte="quoted-printable")
    msg["Content-Language"] = user.language or "id"
    return msg


def send_link(user: User, purpose: str) -> str | None:
    """Email ``user`` a link of ``purpose``; None when handed over, else why not."""
    url = external_url(_ENDPOINTS[purpose], token=token_for(user, purpose))
    error = send_one(current_app.config, _message(user, url, purpose))
    if error is not None:
        log.warning("%s email to user %s not sent: %s", purpose, user.id, error)
    return error


def send_reset_link(email: str) -> bool:
    """Email a reset link to the active account with this address, if there is one.

    Returns whether a message was handed over; the caller must not tell the visitor.
    """
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.active:
        return False
    return send_link(user, RESET) is None
