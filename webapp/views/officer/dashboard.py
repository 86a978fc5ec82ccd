"""The officer's dashboard: my needs with their best suppliers, my offers with likely buyers,
proposals awaiting my answer, and listings to confirm ("masih tersedia?")."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...engine_settings import resting_before, stale_days
from ...forms import PostForm
from ...labels import PERIOD_LABELS
from ...market_cache import buyers_for_offers, matched_needs, suppliers_for
from ...models import Listing, Pesantren, Product, Proposal, ProposalParty, db
from ...security import roles_required
from . import bp
from .common import locale, localised, my_pesantren
from .proposals import OPEN_STATES

PER_LISTING = 3


@bp.get("/saya")
@roles_required("officer")
def dashboard() -> str:
    pesantren = my_pesantren()
    listings = db.session.scalars(
        select(Listing)
        .where(Listing.pesantren_id == pesantren.id, Listing.status != "archived")
        .join(Product)
        .order_by(Product.name_id)
    ).all()
    active = [x for x in listings if x.status == "active"]
    stale_before = resting_before()
    resting = {x.id for x in listings if x.last_confirmed_at < stale_before}
    engine_error = False
    try:
        mine = [n for n in active if n.kind == "need"]
        matched = matched_needs([n.id for n in mine])  # not resting, not wholly proposed
        needs = [(n, _suppliers(n) if n.id in matched else []) for n in mine]
        covered = {n.id for n in mine if n.id not in matched and n.id not in resting}
        offers = _offers_with_buyers([o for o in active if o.kind == "offer"])
    except Exception:  # the dashboard still shows listings and proposals if matching fails
        current_app.logger.exception("matching failed on the dashboard")
        engine_error = True
        needs = [(n, []) for n in active if n.kind == "need"]
        covered = set()
        offers = [(o, []) for o in active if o.kind == "offer"]
    awaiting = db.session.scalars(
        select(Proposal)
        .join(ProposalParty)
        .where(
            ProposalParty.pesantren_id == pesantren.id,
            ProposalParty.response == "pending",
            Proposal.state.in_(OPEN_STATES),
        )
        .options(selectinload(Proposal.legs))
        .order_by(Proposal.value_idr.desc(), Proposal.id.desc())
    ).all()
    return render_template(
        "officer/dashboard.html",
        pesantren=pesantren,
        needs=needs,
        offers=offers,
        paused=[x for x in listings if x.status == "paused"],
        awaiting=awaiting,
        stale=[x for x in listings if x.id in resting],
        resting=resting,
        covered=covered,
        stale_days=stale_days(),
        action_form=PostForm(),
        engine_error=engine_error,
        period_labels=PERIOD_LABELS,
    )


def _suppliers(need: Listing) -> list[dict[str, Any]]:
    frame = suppliers_for(int(need.id), k=PER_LISTING)
    if frame.empty:
        return []
    names = _names(frame["pesantren_id"].tolist())
    language = locale()
    return [
        {
            "pesantren_id": int(r["pesantren_id"]),
            "name": names.get(int(r["pesantren_id"]), r.get("name", "")),
            "price": r.get("price"),
            "distance_km": r.get("distance_km"),
            "quantity": r.get("quantity"),
            "why": localised({"id": r.get("why_id"), "en": r.get("why_en")}, language),
        }
        for r in frame.to_dict("records")
    ]


def _offers_with_buyers(offers: list[Listing]) -> list[tuple[Listing, list[dict[str, Any]]]]:
    frame = buyers_for_offers([o.id for o in offers], per_offer=PER_LISTING)
    names = _names(frame["buyer_id"].tolist()) if not frame.empty else {}
    by_offer: dict[int, list[dict[str, Any]]] = {}
    for r in frame.to_dict("records"):
        by_offer.setdefault(int(r["offer_id"]), []).append(
            {
                "pesantren_id": int(r["buyer_id"]),
                "name": names.get(int(r["buyer_id"]), ""),
                "quantity": r.get("need_qty"),
                "max_price": r.get("max_price"),
                "distance_km": r.get("distance_km"),
            }
        )
    return [(o, by_offer.get(o.id, [])) for o in offers]


def _names(ids: list[Any]) -> dict[int, str]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    return dict(
        db.session.execute(
            select(Pesantren.id, Pesantren.name).where(Pesantren.id.in_(wanted))
        ).all()
    )  # type: ignore[arg-type]
