"""What the network dashboard shows, computed from the database: key figures, map and graph
data, supply and demand by category, and market gaps.

Kept apart from the views so the API, the weekly report or a notebook can reuse it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, cast

import networkx as nx
import pandas as pd
from sqlalchemy import ColumnElement, func, select

from matcher.config import EngineConfig
from matcher.gaps import market_gaps as engine_market_gaps
from matcher.market import REGION_TYPES, Market
from matcher.results import Leg, Plan, PlanKind

from .charts import MapLabel, MapLine, MapPoint
from .market_cache import per_market_version, snapshot
from .models import (
    RESERVING_STATES,
    Listing,
    MatchRound,
    Pesantren,
    Product,
    Proposal,
    ProposalEvent,
    ProposalLeg,
    Regency,
    db,
    utcnow,
)

__all__ = [
    "GAP_COLUMNS",
    "Figures",
    "MapData",
    "category_totals",
    "figures",
    "latest_round",
    "map_data",
    "market_gaps",
    "trade_graph",
]

#: Proposal states that still stand (drawn on the map and graph, counted as planned).
LIVE_STATES = ("draft", "published", "accepted_by_some", "confirmed", "completed")
GAP_COLUMNS = [
    "product",
    "product_name",
    "region_type",
    "regency_code",
    "kabupaten",
    "unmet_quantity",
    "base_unit",
    "unmet_value",
    "needs",
    "producers",
]


def latest_round() -> MatchRound | None:
    """The round facilitators look at: the newest draft or published one."""
    return db.session.scalar(_newest(MatchRound))


def latest_round_id() -> int | None:
    """:func:`latest_round`'s id (part of the cache key of what derives from the round)."""
    return db.session.scalar(_newest(MatchRound.id))


def _newest(what: Any) -> Any:
    return (
        select(what)
        .where(MatchRound.status.in_(("draft", "published")))
        .order_by(MatchRound.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Figures:
    pesantren: int
    offers: int
    needs: int
    proposals_by_state: dict[str, int]
    value_confirmed_month: float
    needs_met: int
    needs_total: int

    @property
    def needs_met_share(self) -> float:
        return self.needs_met / self.needs_total if self.needs_total else 0.0


def _live(round_id: int | None) -> ColumnElement[bool]:
    """Proposals that stand: every reserving one, plus the round's live ones."""
    condition: ColumnElement[bool] = Proposal.state.in_(RESERVING_STATES)
    if round_id is not None:
        condition = condition | ((Proposal.round_id == round_id) & Proposal.state.in_(LIVE_STATES))
    return condition


def _live_legs(round_id: int | None) -> Any:
    """Legs of the latest round's standing proposals, plus every reserving proposal's legs."""
    return select(ProposalLeg, Proposal.state, Proposal.kind).join(Proposal).where(_live(round_id))


@per_market_version(also=latest_round_id)
def figures(today: dt.date | None = None) -> Figures:
    today = today or utcnow().date()
    month_start = dt.datetime(today.year, today.month, 1, tzinfo=dt.UTC)
    listing_counts = dict(
        db.session.execute(
            select(Listing.kind, func.count())
            .where(Listing.status == "active")
            .group_by(Listing.kind)
        ).all()
    )
    by_state = dict(
        db.session.execute(select(Proposal.state, func.count()).group_by(Proposal.state)).all()
    )
    confirmed_ids = select(ProposalEvent.proposal_id).where(
        ProposalEvent.to_state == "confirmed", ProposalEvent.at >= month_start
    )
    value = db.session.scalar(
        select(func.coalesce(func.sum(Proposal.value_idr), 0)).where(
            Proposal.id.in_(confirmed_ids), Proposal.state.in_(RESERVING_STATES)
        )
    )
    latest = latest_round()
    met_ids = {
        leg.need_id for leg, _, _ in db.session.execute(_live_legs(latest.id if latest else None))
    }
    active_needs = set(
        db.session.scalars(
            select(Listing.id).where(Listing.kind == "need", Listing.status == "active")
        )
    )
    return Figures(
        pesantren=db.session.scalar(select(func.count()).select_from(Pesantren)) or 0,
        offers=int(listing_counts.get("offer", 0)),
        needs=int(listing_counts.get("need", 0)),
        proposals_by_state={k: int(v) for k, v in by_state.items()},
        value_confirmed_month=float(value or 0),
        needs_met=len(met_ids & active_needs),
        needs_total=len(active_needs),
    )


@dataclass(frozen=True)
class MapData:
    points: list[MapPoint]
    lines: list[MapLine]
    capitals: list[MapLabel]
    proposed_total: int  # pesantren pairs with a proposed (unconfirmed) trade
    proposed_shown: int


@per_market_version(also=latest_round_id)
def map_data(limit: int = 250) -> MapData:
    """Every pesantren, regency capitals, every confirmed trade and the ``limit`` most
    valuable proposed ones (thousands of lines would hide each other)."""
    points = [
        MapPoint(p.id, p.name, p.latitude, p.longitude, p.region_types[0] if p.region_types else "")
        for p in db.session.scalars(select(Pesantren).order_by(Pesantren.id))
    ]
    latest = latest_round()
    rows = db.session.execute(
        select(
            ProposalLeg.giver_id,
            ProposalLeg.receiver_id,
            Proposal.state,
            Proposal.kind,
            Proposal.value_idr,
        )
        .join(Proposal)
        .where(_live(latest.id if latest else None))
        .order_by(Proposal.value_idr.desc(), Proposal.id, ProposalLeg.seq)
    ).all()
    confirmed: dict[tuple[int, int], MapLine] = {}
    proposed: dict[tuple[int, int], MapLine] = {}
    for giver, receiver, state, kind, _value in rows:
        key = (giver, receiver)
        if state in RESERVING_STATES:
            confirmed.setdefault(key, MapLine(giver, receiver, kind, True))
        else:
            proposed.setdefault(key, MapLine(giver, receiver, kind, False))
    proposed = {k: v for k, v in proposed.items() if k not in confirmed}
    shown = list(proposed.values())[:limit]
    capitals = [
        MapLabel(r.capital or r.short_name, r.latitude, r.longitude)
        for r in db.session.scalars(select(Regency).order_by(Regency.code))
    ]
    return MapData(points, [*shown, *confirmed.values()], capitals, len(proposed), len(shown))


_KIND_RANK = {"trade": 0, "barter_pair": 1, "barter_cycle": 2}


@per_market_version(also=latest_round_id)
def trade_graph(limit: int = 60) -> nx.DiGraph:
    """Who supplies whom in the latest round (and confirmed trades): a DiGraph of pesantren,
    edges carrying the strongest proposal kind between them, barter cycles marked."""
    latest = latest_round()
    G = nx.DiGraph()
    value: dict[int, float] = {}
    rows = db.session.execute(_live_legs(latest.id if latest else None)).all()
    for leg, _state, _kind in rows:
        value[leg.giver_id] = value.get(leg.giver_id, 0.0) + float(leg.value_idr)
        value[leg.receiver_id] = value.get(leg.receiver_id, 0.0) + float(leg.value_idr)
    keep = set(sorted(value, key=lambda pid: (-value[pid], pid))[:limit])
    names = {p.id: p for p in db.session.scalars(select(Pesantren).where(Pesantren.id.in_(keep)))}
    for pid in sorted(keep):
        p = names[pid]
        G.add_node(pid, name=p.name, region_type=p.region_types[0] if p.region_types else "")
    for leg, state, kind in rows:
        u, v = leg.giver_id, leg.receiver_id
        if u not in keep or v not in keep:
            continue
        old = G.edges[u, v]["kind"] if G.has_edge(u, v) else None
        if old is None or _KIND_RANK[kind] > _KIND_RANK[old]:
            G.add_edge(
                u, v, kind=kind, confirmed=state in RESERVING_STATES, label=leg.product.name_id
            )
    return G


@per_market_version()
def category_totals(market: Market | None = None) -> list[tuple[str, float, float]]:
    """(category, supply value, demand value) in rupiah per month, largest first.

    Demand is valued at the buyer's ceiling, or the catalogue's top price when it has none.
    """
    market = market if market is not None else snapshot().market
    cat = market.catalogue.set_index("product")
    offers = market.offers.assign(value=market.offers["quantity"] * market.offers["price"])
    needs = market.needs.assign(
        value=market.needs["quantity"]
        * market.needs["max_price"].fillna(market.needs["product"].map(cat["price_max"]))
    )
    supply = offers.groupby(offers["product"].map(cat["category"]))["value"].sum()
    demand = needs.groupby(needs["product"].map(cat["category"]))["value"].sum()
    table = pd.concat([supply.rename("supply"), demand.rename("demand")], axis=1).fillna(0.0)
    table = table.assign(total=table["supply"] + table["demand"]).sort_values(
        ["total"], ascending=False
    )
    return [(str(name), float(row.supply), float(row.demand)) for name, row in table.iterrows()]


def _round_plans(round_id: int) -> list[Plan]:
    """The round's standing proposals that do not reserve yet, as engine plans (reserving
    ones are already taken off the needs and offers by :func:`build_market`)."""
    rows = db.session.execute(
        select(ProposalLeg, Proposal.kind, Product.slug)
        .join(Proposal)
        .join(Product, Product.id == ProposalLeg.product_id)
        .where(
            Proposal.round_id == round_id,
            Proposal.state.in_(LIVE_STATES),
            ~Proposal.state.in_(RESERVING_STATES),
        )
        .order_by(ProposalLeg.proposal_id, ProposalLeg.seq)
    ).all()
    legs: dict[int, list[Leg]] = {}
    kinds: dict[int, PlanKind] = {}
    for leg, kind, slug in rows:
        kinds[leg.proposal_id] = cast(PlanKind, kind)
        legs.setdefault(leg.proposal_id, []).append(
            Leg(
                giver_id=leg.giver_id,
                receiver_id=leg.receiver_id,
                offer_id=leg.offer_id,
                need_id=leg.need_id,
                product=slug,
                quantity=float(leg.quantity),
                unit_price=float(leg.unit_price),
                distance_km=float(leg.distance_km),
                score=float(leg.score),
            )
        )
    return [Plan(kind=kinds[pid], legs=tuple(items), score=0.0) for pid, items in legs.items()]


@per_market_version(also=latest_round_id)
def market_gaps(market: Market | None = None, limit_producers: int = 3) -> pd.DataFrame:
    """Unmet demand by product × region type × kabupaten, with the nearest possible producers.

    The engine's :func:`matcher.market_gaps` does the work: unmet = what active needs ask
    for (after confirmed reservations) minus what the latest round's standing proposals plan
    for them. Demand is valued at the buyer's ceiling, else the catalogue's top price (as in
    :func:`category_totals`). Producers are the nearest pesantren offering the product; when
    none does, the nearest in a region type that typically produces it (``produced_in``),
    marked ``*`` as potential.
    """
    market = market if market is not None else snapshot().market
    if market.needs.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    latest = latest_round()
    plans = _round_plans(latest.id) if latest is not None else []
    cat = market.catalogue.set_index("product")
    produced_in = {
        slug: ";".join(t for t in str(types or "").split(";") if t in REGION_TYPES)
        for slug, types in db.session.execute(select(Product.slug, Product.produced_in))
    }
    needs = market.needs
    priced = replace(
        market,
        needs=needs.assign(
            max_price=needs["max_price"].fillna(needs["product"].map(cat["price_max"]))
        ),
        catalogue=market.catalogue.assign(
            produced_in=market.catalogue["product"].map(produced_in).fillna("")
        ),
    )
    gaps = engine_market_gaps(
        priced, plans, None, EngineConfig(gap_producers=max(limit_producers, 1))
    )
    unmet = gaps.unmet
    if unmet.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    keys = ["product", "region_type", "kabupaten"]
    found = gaps.producers.assign(
        text=lambda f: (
            f["name"].astype(str)
            + f["kind"].map({"existing": "", "potential": "*"})
            + f["distance_km"].map(lambda km: f" ({km:.0f} km)")
        )
    )
    # Existing makers when the product has any, else potential ones; nearest first.
    found = found[found["kind"] == found.groupby(keys)["kind"].transform("min")]
    if limit_producers < 1:
        found = found.iloc[0:0]
    texts = found.groupby(keys)["text"].agg("; ".join)
    return (
        unmet.assign(
            producers=pd.MultiIndex.from_frame(unmet[keys]).map(texts.to_dict()).fillna("")
            if len(texts)
            else "",
            product_name=unmet["product"].map(cat["name_id"]),
            base_unit=unmet["product"].map(cat["base_unit"]),
        )
        .rename(columns={"unmet_qty": "unmet_quantity", "value": "unmet_value"})[GAP_COLUMNS]
        .reset_index(drop=True)
    )
