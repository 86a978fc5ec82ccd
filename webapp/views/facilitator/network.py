"""What the network dashboard shows, computed from the database: key figures, map and graph
data, supply and demand by category, and market gaps.

Kept apart from the views so the API, the weekly report or a notebook can reuse it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from sqlalchemy import func, select

from matcher.geo import haversine_km
from matcher.market import Market

from ...charts import MapLabel, MapLine, MapPoint
from ...market_io import build_market
from ...models import (
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
    return db.session.scalar(
        select(MatchRound)
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


def _live_legs(round_id: int | None) -> Any:
    """Legs of the latest round's standing proposals, plus every reserving proposal's legs."""
    condition = Proposal.state.in_(RESERVING_STATES)
    if round_id is not None:
        condition = condition | ((Proposal.round_id == round_id) & Proposal.state.in_(LIVE_STATES))
    return select(ProposalLeg, Proposal.state, Proposal.kind).join(Proposal).where(condition)


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


def map_data(limit: int = 250) -> MapData:
    """Every pesantren, regency capitals, every confirmed trade and the ``limit`` most
    valuable proposed ones (thousands of lines would hide each other)."""
    points = [
        MapPoint(p.id, p.name, p.latitude, p.longitude, p.region_types[0] if p.region_types else "")
        for p in db.session.scalars(select(Pesantren).order_by(Pesantren.id))
    ]
    latest = latest_round()
    condition = Proposal.state.in_(RESERVING_STATES)
    if latest is not None:
        condition = condition | ((Proposal.round_id == latest.id) & Proposal.state.in_(LIVE_STATES))
    rows = db.session.execute(
        select(
            ProposalLeg.giver_id,
            ProposalLeg.receiver_id,
            Proposal.state,
            Proposal.kind,
            Proposal.value_idr,
        )
        .join(Proposal)
        .where(condition)
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


def category_totals(market: Market | None = None) -> list[tuple[str, float, float]]:
    """(category, supply value, demand value) in rupiah per month, largest first.

    Demand is valued at the buyer's ceiling, or the catalogue's top price when it has none.
    """
    market = market if market is not None else build_market(db.session)
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


def market_gaps(market: Market | None = None, limit_producers: int = 3) -> pd.DataFrame:
    """Unmet demand by product × region type × kabupaten, with the nearest possible producers.

    Unmet = what active needs ask for (after confirmed reservations) minus what the latest
    round's standing proposals plan for them. Producers are the nearest pesantren offering the
    product; when none does, the nearest pesantren in a region type that typically produces
    it (``produced_in``), marked as potential.
    """
    market = market if market is not None else build_market(db.session)
    needs, offers, people = market.needs, market.offers, market.pesantren
    if needs.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    latest = latest_round()
    planned: dict[int, float] = {}
    if latest is not None:
        for need_id, qty in db.session.execute(
            select(ProposalLeg.need_id, func.sum(ProposalLeg.quantity))
            .join(Proposal)
            .where(
                Proposal.round_id == latest.id,
                Proposal.state.in_(LIVE_STATES),
                ~Proposal.state.in_(RESERVING_STATES),
            )
            .group_by(ProposalLeg.need_id)
        ):
            planned[int(need_id)] = float(qty)
    unmet = needs.assign(
        unmet=(needs["quantity"] - needs["listing_id"].map(planned).fillna(0.0)).clip(lower=0.0)
    )
    unmet = unmet[unmet["unmet"] > 1e-6]
    if unmet.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    cat = market.catalogue.set_index("product")
    who = people.set_index("pesantren_id")
    unmet = unmet.assign(
        region_type=unmet["pesantren_id"].map(who["region_types"]).str.split(";").str[0],
        regency_code=unmet["pesantren_id"].map(who["regency_code"]),
        kabupaten=unmet["pesantren_id"].map(who["kabupaten"]),
        lat=unmet["pesantren_id"].map(who["lat"]),
        lon=unmet["pesantren_id"].map(who["lon"]),
        price=unmet["max_price"].fillna(unmet["product"].map(cat["price_max"])),
    )
    grouped = (
        unmet.assign(value=unmet["unmet"] * unmet["price"])
        .groupby(["product", "region_type", "regency_code", "kabupaten"], as_index=False)
        .agg(
            unmet_quantity=("unmet", "sum"),
            unmet_value=("value", "sum"),
            needs=("listing_id", "count"),
            lat=("lat", "mean"),
            lon=("lon", "mean"),
        )
        .sort_values(["unmet_value", "product"], ascending=[False, True])
    )
    produced_in = dict(db.session.execute(select(Product.slug, Product.produced_in)).all())
    makers = offers.merge(people[["pesantren_id", "name", "lat", "lon"]], on="pesantren_id")
    by_product = {slug: frame for slug, frame in makers.groupby("product")}  # noqa: C416
    regions_of = people["region_types"].str.split(";").map(set)
    potential_cache: dict[str, pd.DataFrame] = {}

    def possible(product: str) -> tuple[pd.DataFrame, bool]:
        """Who makes it; else who lives where it is typically made (potential)."""
        if product in by_product:
            return by_product[product], False
        if product not in potential_cache:
            regions = {r for r in str(produced_in.get(product, "")).split(";") if r}
            potential_cache[product] = people[regions_of.map(regions.intersection).astype(bool)]
        return potential_cache[product], True

    producers: list[str] = []
    for row in grouped.itertuples():
        candidates, potential = possible(str(row.product))
        if candidates.empty:
            producers.append("")
            continue
        dist = haversine_km(
            row.lat, row.lon, candidates["lat"].to_numpy(float), candidates["lon"].to_numpy(float)
        )
        order = np.argsort(dist, kind="stable")[:limit_producers]
        names = candidates["name"].to_numpy()
        mark = "*" if potential else ""
        producers.append("; ".join(f"{names[i]}{mark} ({dist[i]:.0f} km)" for i in order))
    return grouped.assign(
        producers=producers,
        product_name=grouped["product"].map(cat["name_id"]),
        base_unit=grouped["product"].map(cat["base_unit"]),
    )[GAP_COLUMNS].reset_index(drop=True)
