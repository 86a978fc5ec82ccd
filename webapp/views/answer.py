"""Answer a proposal through a personal signed link, without an account (``/jawab/<token>``),
and see it through a view link (``/lihat/<token>``).

GET shows the proposal as the party sees it (what each side gives and gets, quantities,
value, deadline, the other parties' contacts) with an Accept and a Decline-with-reason
form (CSRF-protected: the session cookie holds the token, no login needed). POST answers
through :mod:`webapp.proposals` with ``user=None``, the pesantren from the token and
``channel="link"``. A forged, expired, spent (already answered) or closed link is refused
with a page in Indonesian and English and changes nothing. The route is rate-limited
(``RATELIMIT_ANSWER_LINK``) so tokens cannot be guessed at speed.

A view link is what the other parties' WhatsApp messages carry: the same summary, and
while the party can still answer, a button that emails the party's answer link to its
registered address (``RATELIMIT_ANSWER_LINK_EMAIL`` per link), never to the page.
"""

from __future__ import annotations

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
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import proposals as service
from ..answer_links import LinkRefused, OpenLink, answer_token, open_link, open_view
from ..contact import masked_email
from ..extensions import limiter
from ..forms import AcceptForm, DeclineForm, SendLinkForm
from ..labels import DECLINE_LABELS
from ..models import Proposal, ProposalParty, db, utcnow
from ..proposal_contact import deadline_text, next_step, party_contacts, quantity_text
from ..report.answer_link_mail import send_answer_link
from .officer.proposals import balances

__all__ = ["bp"]

bp = Blueprint("answer", __name__)


def _limit() -> str:
    return str(current_app.config["RATELIMIT_ANSWER_LINK"])


def _email_limit() -> str:
    return str(current_app.config["RATELIMIT_ANSWER_LINK_EMAIL"])


def _per_link() -> str:
    return "answer-link-email:" + request.path


def _language(party: ProposalParty | None) -> str:
    """The visitor's choice (``?lang=``, session), else the pesantren's own language."""
    languages = current_app.config["LANGUAGES"]
    for chosen in (request.args.get("lang"), session.get("lang")):
        if chosen in languages:
            return str(chosen)
    if party is not None and party.pesantren.language in languages:
        return party.pesantren.language
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _messages(why: str, party: ProposalParty | None) -> list[tuple[str, str, str]]:
    """(language, title, explanation) in Indonesian and in English."""
    out = []
    for language in ("id", "en"):
        with force_locale(language):
            if why == "answered" and party is not None:
                title = _("You have already answered this proposal")
                text = (
                    (
                        _("Your pesantren accepted it.")
                        if party.response == "accepted"
                        else _("Your pesantren declined it.")
                    )
                    + " "
                    + _("An answer cannot be changed through the link.")
                )
            elif why == "closed":
                title = _("This proposal can no longer be answered")
                text = _("It has been decided or withdrawn; see its state below.")
            elif why == "expired":
                title = _("The time to answer this proposal has passed")
                text = _("The next match round will look for partners again.")
            else:
                title = _("This link is not valid")
                text = _(
                    "The link is incomplete, has been changed, or is not meant for this "
                    "proposal. Please use the link from your most recent email or WhatsApp "
                    "message."
                )
            out.append((language, str(title), str(text)))
    return out


def _refused(refusal: LinkRefused) -> ResponseReturnValue:
    status = {"invalid": 400, "expired": 410, "answered": 409, "closed": 409}[refusal.why]
    proposal, party = refusal.proposal, refusal.party
    with force_locale(_language(party)):
        return render_template(
            "answer/refused.html",
            why=refusal.why,
            messages=_messages(refusal.why, party),
            proposal=proposal,
            **(_summary(proposal, party) if proposal is not None and party is not None else {}),
        ), status


def _summary(proposal: Proposal, party: ProposalParty) -> dict[str, object]:
    mine = next(b for b in balances(proposal) if b.pesantren_id == party.pesantren_id)
    return {
        "party": party,
        "quantity_text": lambda leg: quantity_text(leg, party.pesantren_id),
        "mine": mine,
        "deadline": deadline_text(proposal),
        "next_step": next_step(proposal.state),
        "contacts": party_contacts(proposal, party.pesantren_id),
        "decline_labels": DECLINE_LABELS,
    }


def _page(
    link: OpenLink,
    token: str,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    with force_locale(_language(link.party)):
        return render_template(
            "answer/answer.html",
            token=token,
            proposal=link.proposal,
            accept_form=AcceptForm(),
            decline_form=decline_form or DeclineForm(),
            **_summary(link.proposal, link.party),
        ), status


@bp.get("/jawab/<token>")
@limiter.limit(_limit)
def answer(token: str) -> ResponseReturnValue:
    try:
        link = open_link(db.session, token, utcnow())
    except LinkRefused as refusal:
        return _refused(refusal)
    return _page(link, token)


@bp.post("/jawab/<token>/terima")
@limiter.limit(_limit)
def accept(token: str) -> ResponseReturnValue:
    return _answer(token, "accept")


@bp.post("/jawab/<token>/tolak")
@limiter.limit(_limit)
def decline(token: str) -> ResponseReturnValue:
    return _answer(token, "decline")


def _answer(token: str, action: str) -> ResponseReturnValue:
    try:
        link = open_link(db.session, token, utcnow())
    except LinkRefused as refusal:
        return _refused(refusal)
    form = AcceptForm() if action == "accept" else DeclineForm()
    if not form.validate_on_submit():  # a missing or stale CSRF token, or no reason
        return _page(link, token, form if isinstance(form, DeclineForm) else None, 400)
    proposal, pesantren_id = link.proposal, link.party.pesantren_id
    # The version checked above: if anyone answered in between (this same link in another
    # tab included), the service refuses instead of answering twice.
    version = proposal.version
    try:
        if action == "accept":
            service.accept(proposal, pesantren_id, None, expected_version=version, channel="link")
        else:
            service.decline(
                proposal,
                pesantren_id,
                None,
                reason=str(form.reason.data),
                note=form.note.data or "",
                expected_version=version,
                channel="link",
            )
    except service.ProposalError as error:  # changed meanwhile, or a listing ran short
        db.session.rollback()
        db.session.expire_all()
        try:
            again = open_link(db.session, token, utcnow())
        except LinkRefused as refusal:
            return _refused(refusal)
        with force_locale(_language(again.party)):
            return render_template(
                "answer/answer.html",
                token=token,
                proposal=again.proposal,
                accept_form=AcceptForm(),
                decline_form=DeclineForm(),
                error=str(error),
                **_summary(again.proposal, again.party),
            ), 409
    with force_locale(_language(link.party)):
        return render_template(
            "answer/done.html",
            proposal=proposal,
            accepted=action == "accept",
            **_summary(proposal, link.party),
        )


def _view_page(
    proposal: Proposal, party: ProposalParty, token: str, status: int = 200
) -> ResponseReturnValue:
    """The proposal as ``party`` sees it; while it can answer, how to get its answer link."""
    why = None
    try:  # the same rule as the answer link itself: answered, closed, expired
        open_link(db.session, answer_token(proposal.id, party.pesantren_id), utcnow())
    except LinkRefused as refusal:
        why = refusal.why
    language = _language(party)
    state = None
    if why is not None:
        state = next((t, x) for lang, t, x in _messages(why, party) if lang == language)
    with force_locale(language):
        return render_template(
            "answer/view.html",
            token=token,
            proposal=proposal,
            state=state,
            email=masked_email(party.pesantren.email),
            send_form=SendLinkForm(),
            **_summary(proposal, party),
        ), status


@bp.get("/lihat/<token>")
@limiter.limit(_limit)
def view(token: str) -> ResponseReturnValue:
    try:
        proposal, party = open_view(db.session, token)
    except LinkRefused as refusal:
        return _refused(refusal)
    return _view_page(proposal, party, token)


@bp.post("/lihat/<token>/kirim")
@limiter.limit(_limit)
@limiter.limit(_email_limit, key_func=_per_link)
def send_link(token: str) -> ResponseReturnValue:
    """Email the party's answer link to the party's own address (never shown here)."""
    try:
        proposal, party = open_view(db.session, token)
    except LinkRefused as refusal:
        return _refused(refusal)
    with force_locale(_language(party)):
        if not SendLinkForm().validate_on_submit():  # a missing or stale CSRF token
            flash(_("The form has expired; please try again."), "error")
            return _view_page(proposal, party, token, 400)
        try:
            open_link(db.session, answer_token(proposal.id, party.pesantren_id), utcnow())
        except LinkRefused:
            return _view_page(proposal, party, token, 409)
        if not party.pesantren.email:
            return _view_page(proposal, party, token, 409)
        error = send_answer_link(proposal, party.pesantren)
        if error is not None:
            flash(_("The email could not be sent just now; please try again later."), "error")
            return _view_page(proposal, party, token, 503)
        flash(
            _(
                "The answer link is on its way to %(email)s. Open it there to answer.",
                email=masked_email(party.pesantren.email),
            ),
            "success",
        )
    return redirect(url_for("answer.view", token=token))
