"""Match rounds in the browser: run (in the background), review, veto, reduce, publish,
compare two rounds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, exists, func, select

from ... import proposals as proposal_service
from ... import rounds as round_service
from ...listings import NotANumber, read_number
from ...models import (
    PROPOSAL_KINDS,
    MatchRound,
    Pesantren,
    PesantrenRegionType,
    Product,
    Proposal,
    ProposalLeg,
    ProposalParty,
    Regency,
    User,
    db,
)
from . import bp

__all__ = ["filtered_proposals", "start_round"]

PAGE_SIZE = 25


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


def filtered_proposals(round_id: int, args: dict[str, str]) -> Select[Any]:
    """The round's proposals filtered by kind, kabupaten, region type and product (any
    party or leg matches)."""
    query = select(Proposal).where(Proposal.round_id == round_id)
    party = select(ProposalParty.proposal_id).join(
        Pesantren, Pesantren.id == ProposalParty.pesantren_id
    )
    if kind := args.get("kind"):
        query = query.where(Proposal.kind == kind)
    if regency := args.get("kabupaten"):
        query = query.where(Proposal.id.in_(party.where(Pesantren.regency_code == regency)))
    if region := args.get("region_type"):
        query = query.where(
            Proposal.id.in_(
                party.join(
                    PesantrenRegionType, PesantrenRegionType.pesantren_id == Pesantren.id
                ).where(PesantrenRegionType.region_type == region)
            )
        )
    if product := args.get("product", "").strip():
        like = f"%{product.lower()}%"
        legs = select(ProposalLeg.proposal_id).join(Product, Product.id == ProposalLeg.product_id)
        query = query.where(
            exists(
                legs.where(
                    ProposalLeg.proposal_id == Proposal.id,
                    (Product.slug.ilike(like))
                    | (Product.name_id.ilike(like))
                    | (Product.name_en.ilike(like)),
                )
            )
        )
    if state := args.get("state"):
        query = query.where(Proposal.state == state)
    return query.order_by(Proposal.kind.desc(), Proposal.value_idr.desc(), Proposal.id)


@bp.get("/putaran/<int:round_id>")
def round_detail(round_id: int) -> str:
    match_round = db.session.get(MatchRound, round_id) or abort(404)
    if match_round.status == "running":
        round_service.retire_dead_rounds(db.session)  # updates this very object if dead
    if match_round.status == "running":
        return render_template("facilitator/round_running.html", round=match_round)
    args = {
        k: request.args.get(k, "") for k in ("kind", "kabupaten", "region_type", "product", "state")
    }
    if args["kind"] and args["kind"] not in PROPOSAL_KINDS:
        args["kind"] = ""
    query = filtered_proposals(round_id, args)
    total = (
        db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    regencies = db.session.scalars(select(Regency).order_by(Regency.name)).all()
    others = db.session.scalars(
        select(MatchRound)
        .where(
            MatchRound.id != round_id, MatchRound.status != "running", MatchRound.status != "failed"
        )
        .order_by(MatchRound.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "facilitator/round_detail.html",
        round=match_round,
        proposals=rows,
        total=total,
        page=page,
        pages=pages,
        args=args,
        regencies=regencies,
        kinds=PROPOSAL_KINDS,
        counts=_counts([round_id])[round_id],
        others=others,
    )


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
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Give a reason for the veto (proposal %(id)s).", id=proposal.id), "error")
        return _back(proposal)
    if len(reason) > 500:
        flash(_("The reason is too long (at most 500 characters)."), "error")
        return _back(proposal)
    try:
        proposal_service.veto(
            proposal,
            current_user,
            reason,  # type: ignore[arg-type]
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
            value = read_number(raw, str(get_locale() or "id"))
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


@bp.post("/putaran/<int:round_id>/terbitkan")
def publish(round_id: int) -> Any:
    match_round = db.session.get(MatchRound, round_id) or abort(404)
    try:
        round_service.publish_round(match_round, current_user)  # type: ignore[arg-type]
    except (round_service.RoundError, proposal_service.ProposalError) as exc:
        flash(str(exc), "error")
    else:
        flash(
            _("Round %(id)s published: its proposals now reach the officers.", id=round_id), "info"
        )
    return redirect(url_for(".round_detail", round_id=round_id))


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
    language = str(get_locale() or "id")
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
