"""Market gaps: demand no plan serves, supply nobody buys, and who could fill the gaps.

This is the list an OPOP facilitator reads to decide which new product to help which
pesantren start: unmet demand by product × region type × kabupaten, with its value, and
for each such gap the nearest pesantren that already make the product (too far, too dear
or uncertified for this round) and the nearest that *could* (their region type is one the
product is produced in, catalogue ``produced_in``; without that column, the region types
of the product's current producers).

>>> from matcher.synthetic import synthetic_market
>>> m = synthetic_market(80, seed=1)
>>> g = market_gaps(m, [], None)
>>> round(float(g.unmet["unmet_qty"].sum()), 3) == round(float(m.needs["quantity"].sum()), 3)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from matcher.config import EngineConfig
from matcher.geo import EARTH_RADIUS_KM, unit_xyz
from matcher.market import REGION_TYPES, Market
from matcher.results import Plan

__all__ = ["Gaps", "market_gaps"]


@dataclass(frozen=True)
class Gaps:
    """Frames describing what the round left undone.

    Attributes
    ----------
    unmet
        One row per product × region type × kabupaten with unmet demand: ``product``,
        ``region_type`` (the buyers' dominant type), ``kabupaten``, ``regency_code``,
        ``needs``, ``unmet_qty`` (base units/month), ``value`` (rupiah/month, at the buyers'
        ceilings or the catalogue's mid price), ``no_supplier`` (needs without a single
        candidate), ``lat`` / ``lon`` (the buyers' centre). Largest value first.
    unmet_needs
        The same per need: ``need_id``, ``buyer_id``, ``product``, ``quantity``, ``served``,
        ``unmet_qty``, ``value``, ``has_candidate``, ...
    unsold
        Per product: ``offers``, ``offered_qty``, ``committed_qty``, ``unsold_qty``,
        ``unsold_value``. Largest value first.
    producers
        Per gap (``product``, ``region_type``, ``kabupaten``): nearest ``pesantren_id``,
        ``name``, ``kabupaten_of_producer``, ``distance_km`` and ``kind`` — ``existing``
        (offers the product already) or ``potential`` (region type fits).
    """

    unmet: pd.DataFrame
    unmet_needs: pd.DataFrame
    unsold: pd.DataFrame
    producers: pd.DataFrame


def market_gaps(
    market: Market,
    plans: Sequence[Plan],
    candidates: pd.DataFrame | None,
    config: EngineConfig | None = None,
) -> Gaps:
    """Unmet demand and unsold supply after ``plans``, with possible producers per gap.

    Parameters
    ----------
    market
        The market the plans were made for.
    plans
        Trades and barters of the round (their legs' quantities count as served/committed).
    candidates
        The round's candidates; a need with none is flagged ``no_supplier``. ``None``: no
        need had any.
    config
        ``gap_producers`` sets how many producers are suggested per gap and kind.

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> m = synthetic_market(80, seed=1)
    >>> g = market_gaps(m, [], None)
    >>> set(g.producers["kind"]) <= {"existing", "potential"}
    True
    """
    cfg = config or EngineConfig()
    served_by_need: dict[int, float] = {}
    committed_by_offer: dict[int, float] = {}
    for plan in plans:
        for leg in plan.legs:
            served_by_need[leg.need_id] = served_by_need.get(leg.need_id, 0.0) + leg.quantity
            committed_by_offer[leg.offer_id] = (
                committed_by_offer.get(leg.offer_id, 0.0) + leg.quantity
            )

    pes = market.pesantren.set_index("pesantren_id")
    cat = market.catalogue.set_index("product")
    mid_price = (cat["price_min"] + cat["price_max"]) / 2.0

    n = market.needs
    served = n["listing_id"].map(served_by_need).fillna(0.0).to_numpy(float)
    unmet_qty = np.maximum(n["quantity"].to_numpy(float) - served, 0.0)
    price = n["max_price"].fillna(n["product"].map(mid_price)).to_numpy(float)
    has_candidate = (
        n["listing_id"].isin(candidates["need_id"]).to_numpy()
        if candidates is not None and len(candidates)
        else np.zeros(len(n), dtype=bool)
    )
    buyers = pes.reindex(n["pesantren_id"])
    needs = pd.DataFrame(
        {
            "need_id": n["listing_id"].to_numpy(),
            "buyer_id": n["pesantren_id"].to_numpy(),
            "product": n["product"].to_numpy(),
            "region_type": buyers["region_types"].str.split(";").str[0].to_numpy(),
            "kabupaten": buyers["kabupaten"].to_numpy(),
            "regency_code": buyers["regency_code"].to_numpy(),
            "lat": buyers["lat"].to_numpy(),
            "lon": buyers["lon"].to_numpy(),
            "quantity": n["quantity"].to_numpy(float),
            "served": served,
            "unmet_qty": unmet_qty,
            "value": unmet_qty * price,
            "has_candidate": has_candidate,
        }
    )
    needs = needs[needs["unmet_qty"] > 1e-9 * np.maximum(needs["quantity"], 1.0)]
    needs = needs.sort_values("need_id", kind="stable").reset_index(drop=True)

    keys = ["product", "region_type", "kabupaten"]
    unmet = (
        needs.assign(no_supplier=~needs["has_candidate"])
        .groupby(keys, sort=True)
        .agg(
            regency_code=("regency_code", "first"),
            needs=("need_id", "size"),
            unmet_qty=("unmet_qty", "sum"),
            value=("value", "sum"),
            no_supplier=("no_supplier", "sum"),
            lat=("lat", "mean"),
            lon=("lon", "mean"),
        )
        .reset_index()
        .sort_values(["value", *keys], ascending=[False, True, True, True], kind="stable")
        .reset_index(drop=True)
    )

    o = market.offers
    committed = o["listing_id"].map(committed_by_offer).fillna(0.0).to_numpy(float)
    left = np.maximum(o["quantity"].to_numpy(float) - committed, 0.0)
    unsold = (
        pd.DataFrame(
            {
                "product": o["product"].to_numpy(),
                "offered_qty": o["quantity"].to_numpy(float),
                "committed_qty": committed,
                "unsold_qty": left,
                "unsold_value": left * o["price"].to_numpy(float),
            }
        )
        .groupby("product", sort=True)
        .agg(
            offers=("offered_qty", "size"),
            offered_qty=("offered_qty", "sum"),
            committed_qty=("committed_qty", "sum"),
            unsold_qty=("unsold_qty", "sum"),
            unsold_value=("unsold_value", "sum"),
        )
        .reset_index()
        .sort_values(["unsold_value", "product"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    producers = _producers(market, unmet, cfg.gap_producers)
    return Gaps(unmet=unmet, unmet_needs=needs, unsold=unsold, producers=producers)


def _produced_in(market: Market) -> dict[str, set[str]]:
    """Region types each product is made in: the catalogue's ``produced_in`` if present,
    else the dominant types of at least a fifth of its current producers."""
    cat = market.catalogue
    if "produced_in" in cat.columns:
        return {
            str(p): {t.strip() for t in str(v).split(";") if t.strip()}
            for p, v in zip(cat["product"], cat["produced_in"], strict=True)
        }
    dominant = market.pesantren.set_index("pesantren_id")["region_types"].str.split(";").str[0]
    types = market.offers.assign(t=market.offers["pesantren_id"].map(dominant))
    share = types.groupby("product")["t"].value_counts(normalize=True)
    out: dict[str, set[str]] = {str(p): set() for p in cat["product"]}
    for key, value in share.items():
        pair: tuple[str, str] = key  # type: ignore[assignment]
        if value >= 0.2:
            out[str(pair[0])].add(str(pair[1]))
    return out


def _producers(market: Market, unmet: pd.DataFrame, k: int) -> pd.DataFrame:
    columns = [
        "product",
        "region_type",
        "kabupaten",
        "kind",
        "rank",
        "pesantren_id",
        "name",
        "kabupaten_of_producer",
        "distance_km",
    ]
    if not len(unmet) or k < 1:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    pes = market.pesantren.sort_values("pesantren_id", kind="stable").reset_index(drop=True)
    xyz = unit_xyz(np.radians(pes["lat"].to_numpy(float)), np.radians(pes["lon"].to_numpy(float)))
    types = pes["region_types"].str.split(";")
    bits = np.array(
        [sum(1 << REGION_TYPES.index(t) for t in ts if t in REGION_TYPES) for ts in types],
        dtype=np.int64,
    )
    offerers = market.offers.groupby("product")["pesantren_id"].apply(lambda s: set(s.tolist()))
    produced = _produced_in(market)
    ids = pes["pesantren_id"].to_numpy()
    frames: list[pd.DataFrame] = []
    for product, gaps in unmet.groupby("product", sort=True):
        centre = unit_xyz(np.radians(gaps["lat"].to_numpy()), np.radians(gaps["lon"].to_numpy()))
        makers = offerers.get(product, set())
        is_maker = np.isin(ids, list(makers))
        want = sum(1 << REGION_TYPES.index(t) for t in produced.get(str(product), set()))
        could = ~is_maker & ((bits & want) != 0)
        for kind, mask in (("existing", is_maker), ("potential", could)):
            pool = np.flatnonzero(mask)
            if not len(pool):
                continue
            kk = min(k, len(pool))
            chord, pos = cKDTree(xyz[pool]).query(centre, k=kk)
            chord, pos = np.reshape(chord, (len(gaps), kk)), np.reshape(pos, (len(gaps), kk))
            rows = pool[pos]
            km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord, 0.0, 2.0) / 2.0)
            frames.append(
                pd.DataFrame(
                    {
                        "product": np.repeat(gaps["product"].to_numpy(), kk),
                        "region_type": np.repeat(gaps["region_type"].to_numpy(), kk),
                        "kabupaten": np.repeat(gaps["kabupaten"].to_numpy(), kk),
                        "kind": kind,
                        "rank": np.tile(np.arange(1, kk + 1), len(gaps)),
                        "pesantren_id": ids[rows].ravel(),
                        "name": pes["name"].to_numpy()[rows].ravel(),
                        "kabupaten_of_producer": pes["kabupaten"].to_numpy()[rows].ravel(),
                        "distance_km": km.ravel(),
                    }
                )
            )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return (
        pd.concat(frames, ignore_index=True)
        .sort_values(["product", "region_type", "kabupaten", "kind", "rank"], kind="stable")
        .reset_index(drop=True)[columns]
    )
