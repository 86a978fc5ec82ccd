"""Match rounds in the browser: run (in the background), veto or reduce one proposal,
compare two rounds. Reviewing a round and publishing it are in :mod:`.review`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ... import proposals as proposal_service
from ... import rounds as round_service
from ...engine_settings import engine_config
from ...listings import NotANumber, read_number
from ...models import (
    PROPOSAL_KINDS,
    MatchRound,
    Pesantren,
    Product,
    Proposal,
    User,
    db,
)
from ..officer.common import locale
from . import bp

__all__ = ["start_round"]


def start_round(user: User) -> MatchRound:
    """Queue a round for the round worker; raises ``RoundError`` if one is running."""
    return round_service.queue_match_round(user)


def _counts(round_ids: list[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {rid: {} for rid in round_ids}
    for rid, key, count in db.session.execute(
        select(Proposal.round_id, Proposal.kind, func.count())
        .where(Proposal.round_id.in_(round_ids))
        .group_by(Proposal.round_id, Proposal.kind)
    ):
        out[rid][key] = int(count)
    for rid, key, count in db.session.execute(
        select(Proposal.round_id, Proposal.state, func.count())
        .where(Proposal.round_id.in_(round_ids))
        .group_by(Proposal.round_id, Proposal.state)
    ):
        out[rid]["state:" + key] = int(count)
    return out


@bp.get("/putaran")
def rounds() -> str:
    round_service.retire_dead_rounds(db.session)
    rows = db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc()).limit(50)).all()
    return render_template(
        "facilitator/rounds.html",
        rounds=rows,
        counts=_counts([r.id for r in rows]),
        kinds=PROPOSAL_KINDS,
        settings=engine_config(),
    )


@bp.post("/putaran/jalankan")
def run_round() -> Any:
    try:
        match_round = start_round(current_user)  # type: ignore[arg-type]
    except round_service.RoundError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".rounds"))
    flash(
        _("Round %(id)s started. This page refreshes until it is done.", id=match_round.id), "info"
    )
    return redirect(url_for(".round_detail", round_id=match_round.id))


def _back(proposal: Proposal) -> Any:
    target = request.form.get("next", "")
    if not target.startswith("/fasilitator/"):
        target = url_for(".round_detail", round_id=proposal.round_id)
    return redirect(target + f"#p{proposal.id}")


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


@bp.post("/usulan/<int:proposal_id>/veto")
def veto(proposal_id: int) -> Any:
    proposal = db.session.get(Proposal, proposal_id) or abort(404)
    try:  # the reason rule is the service's (proposals.required_reason), as for a bulk veto
        proposal_service.veto(
            proposal,
            current_user,  # type: ignore[arg-type]
            request.form.get("reason", ""),
            expected_version=_version(),
        )
    except proposal_service.ProposalError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Proposal %(id)s vetoed.", id=proposal.id), "info")
    return _back(proposal)


@bp.post("/usulan/<int:proposal_id>/kurangi")
def reduce(proposal_id: int) -> Any:
    proposal = db.session.get(Proposal, proposal_id) or abort(404)
    wanted: dict[int, Decimal] = {}
    for leg in proposal.legs:
        raw = request.form.get(f"qty_{leg.id}", "").strip()
        try:
            value = read_number(raw, locale())
        except NotANumber:
            flash(_("Leg %(leg)s: '%(value)s' is not a number.", leg=leg.id, value=raw), "error")
            return _back(proposal)
        if value is None:
            continue
        if value != leg.quantity:
            wanted[leg.id] = value
    if not wanted:
        flash(_("No quantity changed."), "info")
        return _back(proposal)
    try:
        proposal_service.reduce(
            proposal,
            current_user,
            wanted,  # type: ignore[arg-type]
            request.form.get("reason", ""),
            expected_version=_version(),
        )
    except proposal_service.ProposalError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Proposal %(id)s: quantities reduced.", id=proposal.id), "info")
    return _back(proposal)


@bp.get("/putaran/banding")
def compare() -> Any:
    a_id = request.args.get("a", type=int)
    b_id = request.args.get("b", type=int)
    a = db.session.get(MatchRound, a_id) if a_id else None
    b = db.session.get(MatchRound, b_id) if b_id else None
    if a is None or b is None or a.id == b.id:
        flash(_("Choose two different rounds to compare."), "error")
        return redirect(url_for(".rounds"))
    if a.id > b.id:
        a, b = b, a
    comparison = round_service.compare_rounds(a, b)
    ids = {
        pid
        for group in (comparison.new, comparison.gone, comparison.changed, comparison.carried)
        for c in group
        for pid in c.pesantren_ids
    }
    names = dict(
        db.session.execute(select(Pesantren.id, Pesantren.name).where(Pesantren.id.in_(ids))).all()
    )
    slugs = {
        slug
        for group in (comparison.new, comparison.gone, comparison.changed, comparison.carried)
        for c in group
        for slug in c.products
    }
    language = locale()
    products = {
        p.slug: p.name(language)
        for p in db.session.scalars(select(Product).where(Product.slug.in_(slugs)))
    }
    return render_template(
        "facilitator/compare.html",
        a=a,
        b=b,
        comparison=comparison,
        names=names,
        products=products,
    )
