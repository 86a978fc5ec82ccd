"""From database rows to a :class:`matcher.Market`: the snapshot a match round runs on.

:func:`build_market` reads the network in a handful of set-based queries (one per frame,
never one per listing) and converts every active listing to the product's base unit per
month, so the engine never sees a *karung* or a weekly quantity. Quantities that confirmed
proposals already reserve are taken out first: the engine plans only around what is still
free, and a listing that is fully reserved is not in the market at all.

:func:`reserved_quantities` and :func:`listing_capacities` are the same arithmetic for a
few listings, used by :mod:`webapp.proposals` when it checks a confirmation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Executable, case, func, literal, select, union_all

from matcher.market import EAST_JAVA_BOUNDS, Market

from .listings.rules import unusable_listings
from .models import (
    HOLDING_STATES,
    RESERVING_STATES,
    Certificate,
    DbSession,
    Listing,
    Pesantren,
    PesantrenRegionType,
    Product,
    ProductAlias,
    Proposal,
    ProposalEvent,
    ProposalLeg,
    ProposalParty,
    Regency,
    db,
    product_substitute,
)

__all__ = [
    "Snapshot",
    "build_market",
    "listing_capacities",
    "remaining_quantities",
    "reserved_quantities",
    "snapshot_market",
]


#: Left-over quantities below this (base units per month) count as fully reserved.
_EPSILON = 1e-6


@dataclass(frozen=True)
class Snapshot:
    """A Market plus what was left out of it and why (for the round's summary)."""

    market: Market
    skipped: list[dict[str, Any]] = field(default_factory=list)
    reserved: dict[int, float] = field(default_factory=dict)
    fully_reserved: list[int] = field(default_factory=list)


def build_market(session: DbSession | None = None, as_of: dt.date | None = None) -> Market:
    """The active network as a Market, with confirmed reservations taken out.

    Parameters
    ----------
    session
        SQLAlchemy session (default ``db.session``).
    as_of
        The date the market describes (default today); the engine uses it for certificate
        expiry and availability windows.
    """
    return snapshot_market(session, as_of).market


def snapshot_market(session: DbSession | None = None, as_of: dt.date | None = None) -> Snapshot:
    """Like :func:`build_market`, also reporting listings left out (unconvertible unit,
    offer without a price, pesantren outside East Java) and the reservations applied."""
    session = session if session is not None else db.session
    as_of = as_of or dt.date.today()
    skipped: list[dict[str, Any]] = []

    pesantren = _pesantren_frame(session)
    lat_min, lat_max, lon_min, lon_max = EAST_JAVA_BOUNDS
    inside = pesantren["lat"].between(lat_min, lat_max) & pesantren["lon"].between(lon_min, lon_max)
    for pid in pesantren.loc[~inside, "pesantren_id"]:
        skipped.append(
            {"pesantren_id": int(pid), "code": "outside", "reason": "coordinates outside East Java"}
        )
    pesantren = pesantren.loc[inside].reset_index(drop=True)

    listings = _listing_frame(session, select(Listing.id).where(Listing.status == "active"))
    listings = listings[listings["pesantren_id"].isin(pesantren["pesantren_id"])]
    listings, bad = _to_base_per_month(listings)
    skipped.extend({**b, "code": "unit"} for b in bad)
    # A value past the listing rules' limits (planted in the database, or older than a
    # limit) could overflow what the round stores: the round leaves the listing out.
    beyond = unusable_listings(listings)
    skipped.extend(
        {"listing_id": i, "code": "limit", "field": name, "reason": f"{name} beyond the limits"}
        for i, name in beyond
    )
    listings = listings.loc[~listings["listing_id"].isin([i for i, _name in beyond])]
    no_price = (listings["kind"] == "offer") & listings["price"].isna()
    skipped.extend(
        {"listing_id": int(i), "code": "no_price", "reason": "offer without a price"}
        for i in listings.loc[no_price, "listing_id"]
    )
    listings = listings.loc[~no_price]

    # Confirmed deals and the standing (published, unanswered) proposals: the engine plans
    # around both. All listings at once: cheaper than a long IN list.
    reserved = reserved_quantities(session, states=HOLDING_STATES)
    taken = listings["listing_id"].map(reserved).fillna(0.0)
    listings = listings.assign(quantity=listings["quantity"] - taken)
    full = listings["quantity"] <= _EPSILON
    fully_reserved = [int(i) for i in listings.loc[full, "listing_id"]]
    listings = listings.loc[~full]

    offers = listings[listings["kind"] == "offer"].rename(
        columns={"last_confirmed_at": "last_confirmed"}
    )
    needs = listings[listings["kind"] == "need"].rename(
        columns={"price": "max_price", "last_confirmed_at": "last_confirmed"}
    )
    market = Market.from_frames(
        pesantren=pesantren,
        offers=offers,
        needs=needs,
        catalogue=_catalogue_frame(session),
        certificates=_certificate_frame(session),
        as_of=as_of,
    )
    return Snapshot(market, skipped, reserved, fully_reserved)


def reserved_quantities(
    session: DbSession | None = None,
    listing_ids: Collection[int] | None = None,
    *,
    exclude_proposal_id: int | None = None,
    states: Collection[str] = RESERVING_STATES,
) -> dict[int, float]:
    """Base units per month held by proposals in ``states`` (default: confirmed and
    completed ones), per listing id.

    An offer is held by the legs that take from it, a need by the legs that fill it. A
    confirmed leg holds its agreed quantity; a completed one only what was delivered (the
    rest is free again). Only ``listing_ids`` when given; ``exclude_proposal_id`` leaves one
    proposal out (the one being confirmed).
    """
    session = session if session is not None else db.session
    held = select(Proposal.id).where(Proposal.state.in_(list(states)))
    if exclude_proposal_id is not None:
        held = held.where(Proposal.id != exclude_proposal_id)
    holds = case(
        (
            Proposal.state == "completed",
            func.coalesce(ProposalLeg.delivered_quantity, ProposalLeg.quantity),
        ),
        else_=ProposalLeg.quantity,
    )
    parts = []
    for column in (ProposalLeg.offer_id, ProposalLeg.need_id):
        part = (
            select(column.label("listing_id"), holds.label("quantity"))
            .join(Proposal, Proposal.id == ProposalLeg.proposal_id)
            .where(ProposalLeg.proposal_id.in_(held))
        )
        if listing_ids is not None:
            part = part.where(column.in_(list(listing_ids)))
        parts.append(part)
    legs = union_all(*parts).subquery()
    rows = session.execute(
        select(legs.c.listing_id, func.sum(legs.c.quantity)).group_by(legs.c.listing_id)
    ).all()
    return {int(lid): float(qty) for lid, qty in rows}


def remaining_quantities(session: DbSession, listing_ids: Iterable[int]) -> dict[int, float]:
    """What is still free of each listing, base unit per month: its quantity minus what
    :func:`reserved_quantities` holds (never below 0). Listings whose unit cannot be
    converted are left out."""
    ids = list(listing_ids)
    if not ids:
        return {}
    frame = _listing_frame(session, select(Listing.id).where(Listing.id.in_(ids)))
    converted, _bad = _to_base_per_month(frame)
    held = reserved_quantities(session, ids)
    return {
        int(lid): max(float(qty) - held.get(int(lid), 0.0), 0.0)
        for lid, qty in zip(converted["listing_id"], converted["quantity"], strict=True)
    }


def listing_capacities(session: DbSession, listing_ids: Iterable[int]) -> dict[int, float]:
    """Each listing's quantity in its product's base unit per month (whatever its status).

    Raises ``matcher.units.UnitError`` for a listing whose unit cannot be converted.
    """
    frame = _listing_frame(session, select(Listing.id).where(Listing.id.in_(list(listing_ids))))
    converted, bad = _to_base_per_month(frame)
    if bad:
        from matcher.units import UnitError

        raise UnitError("; ".join(f"listing {b['listing_id']}: {b['reason']}" for b in bad))
    return dict(zip(converted["listing_id"].astype(int), converted["quantity"], strict=True))


# -- frames ------------------------------------------------------------------------------


def _frame(session: DbSession, stmt: Executable) -> pd.DataFrame:
    result = session.execute(stmt)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _pesantren_frame(session: DbSession) -> pd.DataFrame:
    base = _frame(
        session,
        select(
            Pesantren.id.label("pesantren_id"),
            Pesantren.name,
            Pesantren.regency_code,
            Regency.name.label("kabupaten"),
            Pesantren.latitude.label("lat"),
            Pesantren.longitude.label("lon"),
            Pesantren.santri_count.label("santri"),
            Pesantren.curation_status.label("curation"),
        ).join(Regency, Regency.code == Pesantren.regency_code),
    )
    regions = _frame(
        session,
        select(PesantrenRegionType.pesantren_id, PesantrenRegionType.region_type).order_by(
            PesantrenRegionType.pesantren_id, PesantrenRegionType.rank
        ),
    )
    joined = regions.groupby("pesantren_id", sort=False)["region_type"].agg(";".join)
    return base.assign(
        region_types=joined.reindex(base["pesantren_id"], fill_value="").to_numpy(),
        track_record=base["pesantren_id"].map(_track_records(session)).fillna(0.5),
    )


def _track_records(session: DbSession) -> pd.Series:
    """Each pesantren's track record in [0, 1]: how far it keeps its deals.

    ``(completed + 1) / (completed + broken + 2)``, where ``completed`` counts the completed
    proposals it was a party to and ``broken`` the proposals it declined plus the deals it
    cancelled itself (a cancel event naming it). Laplace smoothing keeps a pesantren
    without history at the neutral 0.5 (as are the ones missing here), lets each completed
    trade raise the record and each decline or cancellation lower it, and keeps a single
    outcome from jumping to 0 or 1.
    """
    completed = (
        select(ProposalParty.pesantren_id, literal(1).label("kept"), literal(0).label("broken"))
        .join(Proposal, Proposal.id == ProposalParty.proposal_id)
        .where(Proposal.state == "completed")
    )
    declined = select(
        ProposalParty.pesantren_id, literal(0).label("kept"), literal(1).label("broken")
    ).where(ProposalParty.response == "declined")
    cancelled = select(
        ProposalEvent.pesantren_id, literal(0).label("kept"), literal(1).label("broken")
    ).where(ProposalEvent.action == "cancel", ProposalEvent.pesantren_id.is_not(None))
    outcomes = union_all(completed, declined, cancelled).subquery()
    rows = _frame(
        session,
        select(
            outcomes.c.pesantren_id,
            func.sum(outcomes.c.kept).label("kept"),
            func.sum(outcomes.c.broken).label("broken"),
        ).group_by(outcomes.c.pesantren_id),
    )
    if rows.empty:
        return pd.Series(dtype=float)
    kept = rows["kept"].astype(float)
    share = (kept + 1.0) / (kept + rows["broken"].astype(float) + 2.0)
    return pd.Series(share.to_numpy(), index=rows["pesantren_id"].to_numpy())


def _listing_frame(session: DbSession, ids: Any) -> pd.DataFrame:
    return _frame(
        session,
        select(
            Listing.id.label("listing_id"),
            Listing.pesantren_id,
            Listing.kind,
            Product.slug.label("product"),
            Product.base_unit,
            Listing.quantity,
            Listing.unit,
            Listing.unit_size,
            Listing.period,
            Listing.price,
            Listing.min_lot,
            Listing.required_certs,
            Listing.available_from,
            Listing.available_until,
            Listing.last_confirmed_at,
        )
        .join(Product, Product.id == Listing.product_id)
        .where(Listing.id.in_(ids))
        .order_by(Listing.id),
    )


def _to_base_per_month(listings: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Convert ``quantity`` to base units per month and type the columns for the Market.

    Units are converted once per distinct (unit, base unit, unit size) and period, then
    applied as a vectorised factor: the conversions are linear.
    """
    from matcher.units import UnitError, per_month, to_base

    # -1 stands for "no unit size": NaN keys would never match in a dict
    size = pd.to_numeric(listings["unit_size"], errors="coerce").astype(float).fillna(-1.0)
    keys = pd.DataFrame(
        {"unit": listings["unit"], "base_unit": listings["base_unit"], "size": size}
    )
    factors: dict[tuple[Any, ...], float] = {}
    problems: dict[tuple[Any, ...], str] = {}
    for key in keys.drop_duplicates().itertuples(index=False, name=None):
        unit, base_unit, unit_size = key
        try:
            factors[key] = float(
                to_base(1.0, unit, base_unit, None if unit_size < 0 else float(unit_size))
            )
        except (UnitError, ValueError) as exc:
            problems[key] = str(exc)
    period_factor = {p: float(per_month(1.0, p)) for p in listings["period"].unique()}

    key_series = pd.Series(list(keys.itertuples(index=False, name=None)), index=listings.index)
    unit_factor = key_series.map(lambda k: factors.get(k, np.nan)).astype(float)
    bad_mask = unit_factor.isna()
    bad = [
        {"listing_id": int(lid), "reason": problems[k]}
        for lid, k in zip(listings.loc[bad_mask, "listing_id"], key_series[bad_mask], strict=True)
    ]
    ok = listings.loc[~bad_mask]
    quantity = (
        ok["quantity"].astype(float)
        * unit_factor[~bad_mask]
        * ok["period"].map(period_factor).astype(float)
    )
    converted = ok.assign(
        quantity=quantity,
        price=pd.to_numeric(ok["price"], errors="coerce").astype(float),
        min_lot=ok["min_lot"].astype(float),
        available_from=pd.to_datetime(ok["available_from"]),
        available_until=pd.to_datetime(ok["available_until"]),
        last_confirmed_at=_naive_utc(ok["last_confirmed_at"]),
    ).drop(columns=["base_unit", "unit", "unit_size", "period"])
    return converted.reset_index(drop=True), bad


def _naive_utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True).dt.tz_localize(None)


def _catalogue_frame(session: DbSession) -> pd.DataFrame:
    products = _frame(
        session,
        select(
            Product.id,
            Product.slug.label("product"),
            Product.name_id,
            Product.name_en,
            Product.category,
            Product.base_unit,
            Product.shelf_life_class,
            Product.price_min,
            Product.price_max,
        ).order_by(Product.slug),
    )
    aliases = _frame(
        session, select(ProductAlias.product_id, ProductAlias.alias).order_by(ProductAlias.alias)
    )
    substitute = Product.__table__.alias("substitute")
    substitutes = _frame(
        session,
        select(product_substitute.c.product_id, substitute.c.slug)
        .join(substitute, substitute.c.id == product_substitute.c.substitute_id)
        .order_by(substitute.c.slug),
    )
    alias_map = aliases.groupby("product_id")["alias"].agg("|".join)
    substitute_map = substitutes.groupby("product_id")["slug"].agg(";".join)
    return products.assign(
        aliases=alias_map.reindex(products["id"], fill_value="").to_numpy(),
        substitutes=substitute_map.reindex(products["id"], fill_value="").to_numpy(),
    ).drop(columns=["id"])


def _certificate_frame(session: DbSession) -> pd.DataFrame:
    certs = _frame(
        session,
        select(
            Certificate.pesantren_id,
            Product.slug.label("product"),
            Certificate.kind,
            Certificate.number,
            Certificate.expires_on.label("expires"),
        ).join(Product, Product.id == Certificate.product_id),
    )
    return certs.assign(expires=pd.to_datetime(certs["expires"]))
