"""Proposals: the list, the detail (legs, values, balance, reasons, history), accept, decline.

An officer sees the proposals their pesantren is a party to once published (drafts belong to
the facilitators); facilitators and admins see every proposal but answer none. State changes
go through :mod:`webapp.proposals`, which records every event and guards concurrent answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from ...formatting import moment
from ...forms import AcceptForm, DeclineForm
from ...labels import DECLINE_LABELS, STATE_LABELS
from ...models import Proposal, ProposalEvent, ProposalLeg, ProposalParty, db
from ...security import is_network_user, roles_required
from . import bp
from .common import locale, localised

#: States in which a party may still answer.
OPEN_STATES = ("published", "accepted_by_some")
PAGE_SIZE = 50


@dataclass(frozen=True)
class Balance:
    pesantren_id: int
    name: str
    gives: Decimal
    receives: Decimal

    @property
    def net(self) -> Decimal:
        return self.receives - self.gives


def balances(proposal: Proposal) -> list[Balance]:
    """What each party gives and receives per month, in rupiah."""
    names = {p.pesantren_id: p.pesantren.name for p in proposal.parties}
    gives: dict[int, Decimal] = dict.fromkeys(names, Decimal(0))
    receives: dict[int, Decimal] = dict.fromkeys(names, Decimal(0))
    for leg in proposal.legs:
        names.setdefault(leg.giver_id, leg.giver.name)
        names.setdefault(leg.receiver_id, leg.receiver.name)
        gives[leg.giver_id] = gives.get(leg.giver_id, Decimal(0)) + Decimal(leg.value_idr)
        receives[leg.receiver_id] = receives.get(leg.receiver_id, Decimal(0)) + Decimal(
            leg.value_idr
        )
    return [
        Balance(pid, names[pid], gives.get(pid, Decimal(0)), receives.get(pid, Decimal(0)))
        for pid in names
    ]


def _visible() -> Select[Any]:
    """An officer sees the proposals of its pesantren once they were published: a draft,
    and a draft the facilitator vetoed or that expired unpublished, stay with the network."""
    query = select(Proposal)
    if not is_network_user():
        query = query.join(ProposalParty).where(
            ProposalParty.pesantren_id == current_user.pesantren_id,
            Proposal.state != "draft",
            # vetoed or expired while still a draft: never sent to the pesantren
            Proposal.state.not_in(("cancelled", "expired"))
            | Proposal.events.any(ProposalEvent.action == "publish"),
        )
    return query


def _load(proposal_id: int) -> Proposal:
    proposal = db.session.scalar(
        _visible()
        .where(Proposal.id == proposal_id)
        .options(
            selectinload(Proposal.legs),
            selectinload(Proposal.parties),
            selectinload(Proposal.events),
        )
    )
    if proposal is None:
        abort(404)
    return proposal


def my_party(proposal: Proposal) -> ProposalParty | None:
    if current_user.role != "officer":
        return None
    return next((p for p in proposal.parties if p.pesantren_id == current_user.pesantren_id), None)


def awaiting_me(proposal: Proposal) -> bool:
    party = my_party(proposal)
    return bool(party and party.response == "pending" and proposal.state in OPEN_STATES)


@bp.get("/usulan")
@login_required
def proposals() -> str:
    state = request.args.get("state", "")
    query = _visible().order_by(Proposal.id.desc())
    if state:
        query = query.where(Proposal.state == state)
    rows = (
        db.session.scalars(
            query.options(
                # the list names every leg's giver, receiver and product: load them with
                # the legs, not one query each (some fifty on a page)
                selectinload(Proposal.legs).options(
                    selectinload(ProposalLeg.giver),
                    selectinload(ProposalLeg.receiver),
                    selectinload(ProposalLeg.product),
                ),
                selectinload(Proposal.parties),
            ).limit(PAGE_SIZE)
        )
        .unique()
        .all()
    )
    return render_template(
        "officer/proposals.html",
        rows=rows,
        state=state,
        states=[s for s in STATE_LABELS if s != "draft"],  # officers never see drafts
        awaiting_me=awaiting_me,
        my_party=my_party,
    )


@bp.get("/usulan/<int:proposal_id>")
@login_required
def proposal_detail(proposal_id: int) -> str:
    proposal = _load(proposal_id)
    return _render_detail(proposal)


def _render_detail(
    proposal: Proposal,
    decline_form: DeclineForm | None = None,
    status: int = 200,
    **deal: Any,
) -> str:
    """The proposal page; ``deal`` goes to :func:`.deals.deal_context` (its forms, errors)."""
    from .deals import deal_context

    return render_template(
        "officer/proposal_detail.html",
        proposal=proposal,
        balances=balances(proposal),
        party=my_party(proposal),
        can_answer=awaiting_me(proposal),
        accept_form=AcceptForm(),
        decline_form=decline_form or DeclineForm(),
        decline_labels=DECLINE_LABELS,
        reasons=localised(proposal.reasons or {}, locale()) or [],
        localised=localised,
        when=moment,
        **_contact_context(proposal),
        **deal_context(proposal, **deal),
    ), status  # type: ignore[return-value]


def _contact_context(proposal: Proposal) -> dict[str, object]:
    """The partial ``officer/_proposal_contact.html``: what next, the other parties."""
    from ...proposal_contact import deadline_text, next_step, party_contacts, quantity_text
    from ...report.links import external_url

    me = my_party(proposal)
    viewer = me.pesantren_id if me is not None else None

    def sender(recipient: object) -> str | None:
        if me is None:
            return str(_("I am %(name)s, OPOP facilitator.", name=current_user.name))
        return str(
            _(
                "I am %(name)s from %(pesantren)s.",
                name=current_user.name,
                pesantren=me.pesantren.name,
            )
        )

    return {
        "next_step": next_step(proposal.state),
        "contacts": party_contacts(
            proposal,
            viewer,
            sender=sender,
            fallback_url=lambda pid: external_url("officer.proposal_detail", proposal_id=pid),
            personal_links=is_network_user(),  # a facilitator sends each party its answer link
        ),
        "deadline": deadline_text(proposal),
        "quantity_text": lambda leg: quantity_text(leg, viewer),
    }


def _answer(proposal_id: int, action: str) -> str | Response:
    from ... import proposals as service

    proposal = _load(proposal_id)
    party = my_party(proposal)
    if party is None:
        abort(403)
    form = AcceptForm() if action == "accept" else DeclineForm()
    if not form.validate_on_submit():
        return _render_detail(
            proposal, decline_form=form if action == "decline" else None, status=400
        )
    try:
        user = current_user._get_current_object()
        if action == "accept":
            service.accept(proposal, user.pesantren_id, user=user)
        else:
            service.decline(
                proposal,
                user.pesantren_id,
                user=user,
                reason=form.reason.data,
                note=form.note.data or "",
            )
    except service.ConflictError as error:
        db.session.rollback()
        flash(
            _(
                "Your answer was not saved: someone else changed this proposal at the same "
                "moment, or the quantities are no longer available (%(why)s). Here is its "
                "current state.",
                why=str(error),
            ),
            "error",
        )
        return redirect(url_for("officer.proposal_detail", proposal_id=proposal_id))
    except service.ProposalError as error:
        db.session.rollback()
        flash(_("This proposal cannot be answered now: %(why)s", why=str(error)), "error")
        return redirect(url_for("officer.proposal_detail", proposal_id=proposal_id))
    flash(
        _("You accepted this proposal.")
        if action == "accept"
        else _("You declined this proposal."),
        "info",
    )
    return redirect(url_for("officer.proposal_detail", proposal_id=proposal_id))


@bp.post("/usulan/<int:proposal_id>/terima")
@roles_required("officer")
def proposal_accept(proposal_id: int) -> str | Response:
    return _answer(proposal_id, "accept")


@bp.post("/usulan/<int:proposal_id>/tolak")
@roles_required("officer")
def proposal_decline(proposal_id: int) -> str | Response:
    return _answer(proposal_id, "decline")
