"""A party's answer link by email, on request (the button of the view link's page).

The view link (:func:`webapp.answer_links.view_url`) travels in the other parties' WhatsApp
messages, so whoever holds it may not be the party; the answer link it asks for therefore
goes only to the pesantren's own registered address, never to the page.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..answer_links import answer_url
from ..labels import KIND_LABELS
from ..mail import send_one
from ..models import Pesantren, Proposal
from ..proposal_contact import deadline_text, leg_text
from .render import automated_message, mail_domain

__all__ = ["answer_link_message", "send_answer_link"]

log = logging.getLogger(__name__)


def answer_link_message(proposal: Proposal, pesantren: Pesantren, now: dt.datetime) -> EmailMessage:
    """The email, in the pesantren's language, to its registered address."""
    language = pesantren.language or "id"
    with force_locale(language):
        kind = str(KIND_LABELS.get(proposal.kind, proposal.kind))
        subject = _("OPOP Match: your link to answer %(kind)s #%(id)s", kind=kind, id=proposal.id)
        text = render_template(
            "email/answer_link.txt",
            pesantren=pesantren,
            kind=kind,
            proposal=proposal,
            legs=[leg_text(leg, language, pesantren.id) for leg in proposal.legs],
            deadline=deadline_text(proposal),
            url=answer_url(proposal.id, pesantren.id),
        )
    msg = automated_message(
        subject,
        pesantren.contact_name or pesantren.name,
        pesantren.email,
        now=now,
        message_id=make_msgid(idstring="answer-link", domain=mail_domain()),
    )
    msg.set_content(text, cte="quoted-printable")
    msg["Content-Language"] = language
    return msg


def send_answer_link(proposal: Proposal, pesantren: Pesantren) -> str | None:
    """Email ``pesantren`` its answer link for ``proposal``; None when handed over, else why
    not (logged). The caller checks that the pesantren has an address."""
    error = send_one(
        current_app.config, answer_link_message(proposal, pesantren, dt.datetime.now(dt.UTC))
    )
    if error is not None:
        log.warning(
            "answer link of proposal %s to pesantren %s not sent: %s",
            proposal.id,
            pesantren.id,
            error,
        )
    return error
