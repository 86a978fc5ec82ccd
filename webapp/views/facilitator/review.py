"""Reviewing a round: the filtered, sorted, paginated proposals with counts per filter;
bulk veto and keep; the publish summary and its confirmation.

The filters, order and counts are :mod:`webapp.rounds.review`'s; product text goes through
the supplier search's resolver (:func:`webapp.market_cache.resolve_product`), so aliases and
typos find the same products in both places. Bulk actions are
:func:`webapp.rounds.bulk.bulk_review`; the confirmation is :mod:`webapp.rounds.confirm`.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number as _n
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from matcher.vocabulary import REGION_TYPES

from ... import proposals as proposal_service
from ... import rounds as round_service
from ...labels import DECISION_LABELS
from ...market_cache import resolve_product
from ...models import (
    PROPOSAL_KINDS,
    Listing,
    MatchRound,
    Pesantren,
    Proposal,
    ProposalLeg,
    Regency,
    db,
)
from ...rounds import bulk as bulk_service
from ...rounds import confirm
from ...rounds.review import (
    DECISIONS,
    SORTS,
    ProductMatch,
    ReviewFilter,
    facet_counts,
    filtered_ids,
    filtered_query,
    match_products,
    page_decisions,
)
from ..officer.common import locale
from . import bp
from .rounds import _counts

__all__ = ["PAGE_SIZE"]

PAGE_SIZE = 25


def _products(f: ReviewFilter) -> ProductMatch | None:
    return match_products(f.product, resolve_product, locale()) if f.product else None


@bp.get("/putaran/<int:round_id>")
def round_detail(round_id: int) -> str:
    match_round = db.session.get(MatchRound, round_id) or abort(404)
    if match_round.status == "running":
        round_service.retire_dead_rounds(db.session)  # updates this very object if dead
    if match_round.status == "running":
        return render_template("facilitator/round_running.html", round=match_round)
    f = ReviewFilter.from_args(request.args)
    products = _products(f)
    query = filtered_query(round_id, f, products).options(
        selectinload(Proposal.legs).options(
            joinedload(ProposalLeg.giver),
            joinedload(ProposalLeg.receiver),
            joinedload(ProposalLeg.product),
        )
    )
    facets = facet_counts(round_id, f, products)
    pages = max((facets.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, count=False)
    rows = list(pagination.items)
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
        decision_labels=DECISION_LABELS,
        proposals=rows,
        decided=page_decisions([p.id for p in rows]),
        total=facets.total,
        facets=facets,
        page=page,
        pages=pages,
        f=f,
        args=f.args(),
        products=products,
        regencies=regencies,
        kinds=PROPOSAL_KINDS,
        region_types=REGION_TYPES,
        decisions=DECISIONS,
        sorts=list(SORTS),
        counts=_counts([round_id])[round_id],
        others=others,
        skipped=_skipped(match_round),
    )


def _skipped(match_round: MatchRound) -> list[dict[str, Any]]:
    """What the round left out of its market (the summary's ``skipped_listings``), each with
    the listing or pesantren it names and why, in the reader's language."""
    entries = list((match_round.summary or {}).get("skipped_listings") or [])
    listing_ids = [int(e["listing_id"]) for e in entries if e.get("listing_id") is not None]
    listings = {
        li.id: li
        for li in db.session.scalars(
            select(Listing)
            .where(Listing.id.in_(listing_ids))
            .options(joinedload(Listing.pesantren))
        )
    }
    pesantren_ids = [int(e["pesantren_id"]) for e in entries if e.get("pesantren_id") is not None]
    pesantren = {
        p.id: p
        for p in db.session.scalars(select(Pesantren).where(Pesantren.id.in_(pesantren_ids)))
    }
    limits = {
        "quantity": _("its quantity is beyond the listing limits"),
        "price": _("its price (or its value, quantity × price) is beyond the listing limits"),
        "min_lot": _("its minimum lot is negative or above its quantity"),
    }
    shown: list[dict[str, Any]] = []
    for entry in entries:
        code = entry.get("code")
        if code == "limit":
            why = limits.get(str(entry.get("field")), _("a value is beyond the listing limits"))
        elif code == "unit":
            why = _("its unit cannot be converted to the product's base unit")
        elif code == "no_price":
            why = _("an offer without a price")
        elif code == "outside":
            why = _("its coordinates lie outside East Java")
        else:
            why = str(entry.get("reason", ""))
        listing = listings.get(int(entry.get("listing_id") or 0))
        shown.append(
            {
                "listing_id": entry.get("listing_id"),
                "listing": listing,
                "pesantren": listing.pesantren
                if listing is not None
                else pesantren.get(int(entry.get("pesantren_id") or 0)),
                "why": why,
            }
        )
    return shown


@bp.post("/putaran/<int:round_id>/massal")
def bulk(round_id: int) -> Any:
    """Veto or keep the checked proposals, or every proposal the filter shows."""
    match_round = db.session.get(MatchRound, round_id) or abort(404)
    f = ReviewFilter.from_args(request.form)
    back = redirect(url_for(".round_detail", round_id=round_id, **f.args()))
    action = request.form.get("action", "")
    if action not in bulk_service.BULK_ACTIONS:
        flash(_("Choose what to do: veto or keep."), "error")
        return back
    targets: Any
    if request.form.get("scope") == "filtered":
        products = _products(f)
        targets = filtered_ids(round_id, f, products)
        expected = request.form.get("expected", "")
        now = facet_counts(round_id, f, products).total
        if not expected.isdigit() or int(expected) != now:
            flash(
                _(
                    "The proposals this filter shows changed since the page was loaded "
                    "(now %(now)s): check them and try again. Nothing was changed.",
                    now=_n(now),
                ),
                "error",
            )
            return back
    else:
        targets = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
        if not targets:
            flash(
                _("Check at least one proposal, or choose every proposal the filter shows."),
                "error",
            )
            return back
    try:
        count = bulk_service.bulk_review(
            match_round,
            current_user,  # type: ignore[arg-type]
            action,
            targets,
            request.form.get("reason", ""),
        )
    except (proposal_service.ProposalError, round_service.RoundError) as exc:
        if action == "veto":
            flash(_("Nothing was vetoed: %(error)s", error=str(exc)), "error")
        else:
            flash(_("Nothing was kept: %(error)s", error=str(exc)), "error")
        return back
    if count == 0:
        flash(_("None of these proposals is still a draft: nothing changed."), "info")
    elif action == "veto":
        flash(
            ngettext(
                "%(count)s proposal vetoed.", "%(count)s proposals vetoed.", count, count=_n(count)
            ),
            "info",
        )
    else:
        flash(
            ngettext(
                "%(count)s proposal kept.", "%(count)s proposals kept.", count, count=_n(count)
            ),
            "info",
        )
    return back


@bp.get("/putaran/<int:round_id>/terbitkan")
def publish_confirm(round_id: int) -> str:
    """What publishing sends (proposals, pesantren, value), with the confirm button."""
    match_round = db.session.get(MatchRound, round_id) or abort(404)
    summary = confirm.publish_summary(match_round)
    token = confirm.confirmation_token(summary) if match_round.status == "draft" else ""
    return render_template(
        "facilitator/publish_confirm.html",
        round=match_round,
        summary=summary,
        token=token,
        kinds=PROPOSAL_KINDS,
    )


_REFUSED = {
    "missing": _l("Publishing needs your confirmation: check the summary below and confirm."),
    "invalid": _l("That confirmation is not valid: check the summary below and confirm again."),
    "expired": _l("That confirmation has expired: check the summary below and confirm again."),
    "changed": _l(
        "The round changed after the summary was shown (a veto, keep or reduction): check "
        "the new summary and confirm again."
    ),
}


@bp.post("/putaran/<int:round_id>/terbitkan")
def publish(round_id: int) -> Any:
    match_round = db.session.get(MatchRound, round_id) or abort(404)
    summary = confirm.publish_summary(match_round)
    problem = confirm.check_confirmation(request.form.get("confirmation", ""), summary)
    if problem is not None:
        flash(str(_REFUSED[problem]), "error")
        return redirect(url_for(".publish_confirm", round_id=round_id))
    try:
        round_service.publish_round(match_round, current_user)  # type: ignore[arg-type]
    except (round_service.RoundError, proposal_service.ProposalError) as exc:
        flash(str(exc), "error")
    else:
        flash(
            ngettext(
                "Round %(id)s published: %(count)s proposal now reaches the officers.",
                "Round %(id)s published: %(count)s proposals now reach the officers.",
                summary.proposals,
                id=round_id,
                count=_n(summary.proposals),
            ),
            "info",
        )
    return redirect(url_for(".round_detail", round_id=round_id))
