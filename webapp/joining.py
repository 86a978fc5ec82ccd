"""Joining OPOP Match: a pesantren's request (the public "Daftar" form) and its review.

The programme's entry condition is a Kemenag registration (the NSPP) and one product, so a
request carries the pesantren's essentials, who to contact and one offer, already checked by
the same rules as the facilitator's pesantren form and the officer's listing form.

A facilitator reviews each pending request:

- :func:`approve` creates the pesantren (registered, the regency's region types), its offer
  and an officer account for the contact person, then emails the activation link
  (:mod:`webapp.password_links`): nobody types a password for them;
- :func:`reject` records the reason and emails it to the applicant.

An NSPP that a pesantren (or another pending request) already has, or an email an account
already uses, is refused with a message, at the form and again at approval (something may
have been created meanwhile).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from .mail import send_one
from .models import DbSession, JoinRequest, Listing, Pesantren, User, utcnow
from .password_links import ACTIVATE, send_link
from .plausible import MAX_NOTE_LENGTH, check_text
from .report.render import automated_message, mail_domain

__all__ = ["JoinRefused", "approve", "conflicts", "reject"]

log = logging.getLogger(__name__)


class JoinRefused(ValueError):
    """A request that cannot be approved or rejected; the message says why (reader's
    language); ``status`` is the HTTP answer (409: something conflicts, 400: bad input)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def conflicts(session: DbSession, nspp: str, email: str, *, pending: bool = True) -> dict[str, str]:
    """What already uses this NSPP or email: ``{field: message}``, empty when nothing does.
    A pesantren or an account always counts; another pending request only with ``pending``
    (a new request; at approval the facilitator decides between two)."""
    problems: dict[str, str] = {}
    email = email.strip().lower()
    if nspp and session.scalar(select(Pesantren.id).where(Pesantren.nspp == nspp)):
        problems["nspp"] = _(
            "A pesantren with this NSPP is already in OPOP Match. Ask your facilitator for "
            "an account, or use “Forgot your password?” on the sign-in page."
        )
    elif pending and nspp and session.scalar(_pending().where(JoinRequest.nspp == nspp)):
        problems["nspp"] = _("A request for this NSPP is already waiting for a facilitator.")
    if email and session.scalar(select(User.id).where(func.lower(User.email) == email)):
        problems["email"] = _(
            "An account already uses this email. Sign in, or use “Forgot your password?”."
        )
    elif (
        pending
        and email
        and session.scalar(_pending().where(func.lower(JoinRequest.email) == email))
    ):
        problems["email"] = _("A request with this email is already waiting for a facilitator.")
    return problems


def _pending() -> Select[Any]:
    return select(JoinRequest.id).where(JoinRequest.state == "pending")


def _still_pending(request: JoinRequest) -> None:
    if request.state != "pending":
        raise JoinRefused(_("This request was already decided."))


def approve(session: DbSession, request: JoinRequest, by: User) -> tuple[User, str | None]:
    """Create the pesantren, its offer and the officer account; commit; email the activation
    link. Returns the account and why the email could not be sent (None when it was)."""
    _still_pending(request)
    problems = conflicts(session, request.nspp, request.email, pending=False)
    if problems:
        raise JoinRefused(" ".join(problems.values()))
    pesantren = Pesantren(
        nspp=request.nspp,
        name=request.name,
        regency_code=request.regency_code,
        latitude=request.latitude,
        longitude=request.longitude,
        contact_name=request.contact_name,
        whatsapp=request.whatsapp,
        email=request.email,
        language=request.language,
        curation_status="registered",
    )
    pesantren.region_types = [r for r in request.regency.region_types.split(";") if r]
    session.add(pesantren)
    session.flush()
    session.add(
        Listing(
            pesantren_id=pesantren.id,
            kind="offer",
            product_id=request.product_id,
            quantity=request.quantity,
            unit=request.unit,
            unit_size=request.unit_size,
            period=request.period,
            price=request.price,
            min_lot=0,
            status="active",
            last_confirmed_at=utcnow(),
        )
    )
    user = User(
        name=request.contact_name,
        email=request.email.strip().lower(),
        role="officer",
        pesantren_id=pesantren.id,
        language=request.language,
    )
    # Nobody knows this password: the officer chooses theirs from the activation link.
    user.set_password(secrets.token_urlsafe(32))
    session.add(user)
    request.state, request.pesantren_id = "approved", pesantren.id
    request.decided_at, request.decided_by_id = utcnow(), by.id
    try:
        session.commit()
    except IntegrityError as exc:  # created by someone else between the check and now
        session.rollback()
        raise JoinRefused(
            _("The NSPP or the email was taken meanwhile; nothing was created.")
        ) from exc
    return user, send_link(user, ACTIVATE)


def reject(session: DbSession, request: JoinRequest, by: User, reason: str) -> str | None:
    """Record the rejection with its reason, commit, and email the reason to the applicant.
    Returns why the email could not be sent (None when it was)."""
    _still_pending(request)
    reason = (reason or "").strip()
    if not reason:
        raise JoinRefused(_("Say why the request is rejected: the applicant is told."), 400)
    problem = check_text(reason, MAX_NOTE_LENGTH, multiline=True)
    if problem:
        raise JoinRefused(problem, 400)
    request.state, request.reason = "rejected", reason
    request.decided_at, request.decided_by_id = utcnow(), by.id
    session.commit()
    error = send_one(current_app.config, _rejection(request))
    if error is not None:
        log.warning("rejection email for join request %s not sent: %s", request.id, error)
    return error


def _rejection(request: JoinRequest) -> EmailMessage:
    with force_locale(request.language or "id"):
        subject = _("OPOP Match: your request to join")
        text = render_template("email/join_rejected.txt", request=request, subject=subject)
    msg = automated_message(
        subject,
        request.contact_name,
        request.email,
        now=dt.datetime.now(dt.UTC),
        message_id=make_msgid(idstring="join-rejected", domain=mail_domain()),
    )
    msg.set_content(text, cte="quoted-printable")
    msg["Content-Language"] = request.language or "id"
    return msg
