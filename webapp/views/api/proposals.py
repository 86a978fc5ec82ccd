"""API: proposals (read; accept/decline by a party) and match rounds (facilitators)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import Select, exists, func, select

from ...models import (
    DECLINE_REASONS,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    MatchRound,
    Proposal,
    ProposalEvent,
    ProposalParty,
    User,
    db,
)
from . import bp
from .auth import require_network_user, require_user
from .common import int_arg, json_body, paginate, str_arg
from .errors import ApiError
from .serialize import proposal_json, round_json

__all__ = ["visible_proposals"]


def visible_proposals(user: User) -> Select[Any]:
    """Proposals ``user`` may read: all for the network; for an officer, those of their
    pesantren that were published (a draft vetoed or expired before publication never
    reaches them)."""
    query = select(Proposal).order_by(Proposal.id)
    if user.role in ("facilitator", "admin"):
        return query
    published = exists().where(
        ProposalEvent.proposal_id == Proposal.id, ProposalEvent.action == "publish"
    )
    party = exists().where(
        ProposalParty.proposal_id == Proposal.id,
        ProposalParty.pesantren_id == (user.pesantren_id or -1),
    )
    answered = Proposal.state.in_(
        ("published", "accepted_by_some", "confirmed", "completed", "declined")
    )
    return query.where(party, answered | published, Proposal.state != "draft")


def _proposal(user: User, proposal_id: int) -> Proposal:
    row = db.session.scalar(visible_proposals(user).where(Proposal.id == proposal_id))
    if row is None:
        raise ApiError(404, f"No proposal with id {proposal_id}.")
    return row


@bp.get("/proposals")
def proposals() -> Any:
    user = require_user()
    query = visible_proposals(user)
    if state := str_arg("state", PROPOSAL_STATES):
        query = query.where(Proposal.state == state)
    if kind := str_arg("kind", PROPOSAL_KINDS):
        query = query.where(Proposal.kind == kind)
    if (round_id := int_arg("round_id")) is not None:
        query = query.where(Proposal.round_id == round_id)
    return jsonify(paginate(query, proposal_json))


@bp.get("/proposals/<int:proposal_id>")
def proposal_detail(proposal_id: int) -> Any:
    user = require_user()
    return jsonify(proposal_json(_proposal(user, proposal_id)))


def _answer(proposal_id: int, action: str) -> Any:
    from ... import proposals as service

    user = require_user()
    proposal = _proposal(user, proposal_id)
    if user.role != "officer" or user.pesantren_id not in {
        p.pesantren_id for p in proposal.parties
    }:
        raise ApiError(403, "Only an officer of a party may answer this proposal.")
    body = json_body() if action == "decline" else {}
    expected = body.get("version")
    if expected is not None and (not isinstance(expected, int) or isinstance(expected, bool)):
        raise ApiError(
            422,
            "The proposal has invalid fields.",
            details=[{"field": "version", "message": "must be an integer"}],
        )
    try:
        if action == "accept":
            service.accept(
                proposal, user.pesantren_id, user, expected_version=expected, channel="api"
            )
        else:
            reason = body.get("reason")
            note = body.get("note", "")
            if reason not in DECLINE_REASONS or not isinstance(note, str):
                raise ApiError(
                    422,
                    "The decline has invalid fields.",
                    details=[
                        {
                            "field": "reason",
                            "message": f"must be one of {', '.join(DECLINE_REASONS)}",
                        }
                    ],
                )
            problem = service.decline_problem(reason, note)
            if problem:
                raise ApiError(
                    422,
                    "The decline has invalid fields.",
                    details=[{"field": "note", "message": problem}],
                )
            service.decline(
                proposal,
                user.pesantren_id,
                user,
                reason,
                note,
                expected_version=expected,
                channel="api",
            )
    except service.ConflictError as exc:
        raise ApiError(409, str(exc)) from None
    except service.ProposalError as exc:
        raise ApiError(409, str(exc), code="invalid_state") from None
    return jsonify(proposal_json(proposal))


@bp.post("/proposals/<int:proposal_id>/accept")
def proposal_accept(proposal_id: int) -> Any:
    return _answer(proposal_id, "accept")


@bp.post("/proposals/<int:proposal_id>/decline")
def proposal_decline(proposal_id: int) -> Any:
    return _answer(proposal_id, "decline")


# -- rounds ------------------------------------------------------------------------------


def round_counts(round_ids: list[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {rid: {} for rid in round_ids}
    if not round_ids:
        return out
    rows = db.session.execute(
        select(Proposal.round_id, Proposal.state, func.count())
        .where(Proposal.round_id.in_(round_ids))
        .group_by(Proposal.round_id, Proposal.state)
    ).all()
    for rid, state, count in rows:
        out[rid][state] = int(count)
    return out


@bp.get("/rounds")
def rounds() -> Any:
    require_network_user()
    page = paginate(select(MatchRound).order_by(MatchRound.id.desc()), lambda r: {"id": r.id})
    ids = [row["id"] for row in page["data"]]
    counts = round_counts(ids)
    by_id = {r.id: r for r in db.session.scalars(select(MatchRound).where(MatchRound.id.in_(ids)))}
    page["data"] = [round_json(by_id[i], counts[i]) for i in ids]
    return jsonify(page)


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id: int) -> Any:
    require_network_user()
    row = db.session.get(MatchRound, round_id)
    if row is None:
        raise ApiError(404, f"No round with id {round_id}.")
    return jsonify(round_json(row, round_counts([row.id])[row.id]))


@bp.post("/rounds")
def round_run() -> Any:
    from ... import rounds as service
    from ..facilitator import rounds as pages

    user = require_network_user()
    try:
        match_round = pages.start_round(user)
    except service.RoundError as exc:
        raise ApiError(409, str(exc), code="round_running") from None
    response = jsonify(round_json(match_round, {}))
    response.status_code = 202
    response.headers["Location"] = f"/api/v1/rounds/{match_round.id}"
    return response


@bp.post("/rounds/<int:round_id>/publish")
def round_publish(round_id: int) -> Any:
    from ... import rounds as service

    user = require_network_user()
    row = db.session.get(MatchRound, round_id)
    if row is None:
        raise ApiError(404, f"No round with id {round_id}.")
    try:
        row = service.publish_round(row, user)
    except service.RoundError as exc:
        raise ApiError(409, str(exc), code="invalid_state") from None
    return jsonify(round_json(row, round_counts([row.id])[row.id]))
