"""The Market as aligned numpy arrays: built once per market, shared by the candidate join
(:mod:`matcher.candidates`) and the supplier index (:mod:`matcher.search`).

Resting listings (:meth:`matcher.market.Market.without_resting`) are left out here, so no
candidate, search result or allocation arc ever uses one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.arraytypes import FloatArray, IntArray
from matcher.config import EngineConfig
from matcher.geo import unit_xyz
from matcher.market import Market
from matcher.rules import OPEN_END, OPEN_START
from matcher.scoring import CERT_BITS, cert_mask_of, region_code
from matcher.surplus import buyer_values

__all__ = ["NS_PER_DAY", "MarketArrays", "market_arrays"]


@dataclass(frozen=True)
class MarketArrays:
    """A Market as aligned numpy arrays, built once and shared by candidates and search.

    Pesantren arrays are indexed by pesantren row; offers and needs carry the row of their
    pesantren (``*_prow``) and the catalogue index of their product (``*_prod``).
    """

    products: tuple[str, ...]
    prod_limit: FloatArray
    prod_ref_min: FloatArray
    prod_ref_max: FloatArray
    related: tuple[IntArray, ...]  # per product: itself first, then its substitutes
    pes_id: IntArray
    pes_lat: FloatArray  # radians
    pes_lon: FloatArray  # radians
    pes_cos: FloatArray
    pes_xyz: FloatArray  # unit vectors, for distances by matrix product
    pes_region: IntArray
    pes_track: FloatArray
    o_id: IntArray
    o_prow: IntArray
    o_prod: IntArray
    o_qty: FloatArray
    o_price: FloatArray
    o_from: IntArray
    o_until: IntArray
    o_age: FloatArray
    o_certs: IntArray  # valid certificates for (supplier, offered product)
    n_id: IntArray
    n_prow: IntArray
    n_prod: IntArray
    n_qty: FloatArray
    n_max: FloatArray
    n_cap: FloatArray  # max_price × (1 + tolerance), inf when no ceiling
    n_value: FloatArray  # buyer value per base unit (matcher.surplus.buyer_values)
    n_req: IntArray
    n_from: IntArray
    n_until: IntArray
    offers_by_product: tuple[IntArray, ...]  # offer rows per product, by offer id
    needs_by_product: tuple[IntArray, ...]

    def pesantren_row(self, pesantren_id: int) -> int:
        """Row of a pesantren id; raises ``KeyError`` naming it when unknown."""
        pos = int(np.searchsorted(self.pes_id, pesantren_id))
        if pos >= len(self.pes_id) or self.pes_id[pos] != pesantren_id:
            raise KeyError(f"unknown pesantren_id {pesantren_id}")
        return pos


def market_arrays(market: Market, config: EngineConfig | None = None) -> MarketArrays:
    """Convert a Market to :class:`MarketArrays` (vectorised; no row loops over listings).

    Resting listings (not confirmed for ``config.stale_days``: :meth:`Market.without_resting`)
    are left out, so no candidate, search result or allocation arc ever uses one.
    """
    cfg = config or EngineConfig()
    market = market.without_resting(cfg.stale_days)
    cat = market.catalogue.sort_values("product", kind="stable")
    products = tuple(str(p) for p in cat["product"])
    prod_pos = {p: i for i, p in enumerate(products)}
    limit = np.array(
        [cfg.max_distance_km.get(str(c), np.inf) for c in cat["shelf_life_class"]], dtype=float
    )
    related = _related_products(cat, prod_pos)

    pes = market.pesantren.sort_values("pesantren_id", kind="stable")
    pes_id = pes["pesantren_id"].to_numpy(dtype=np.int64)
    lat = np.radians(pes["lat"].to_numpy(dtype=float))
    lon = np.radians(pes["lon"].to_numpy(dtype=float))
    region_codes = {v: region_code(v) for v in pes["region_types"].unique()}

    as_of_ns = np.datetime64(market.as_of, "ns").astype(np.int64)
    offers = market.offers.sort_values("listing_id", kind="stable")
    needs = market.needs.sort_values("listing_id", kind="stable")
    o_prod = _codes(offers["product"], prod_pos)
    n_prod = _codes(needs["product"], prod_pos)
    o_prow = np.searchsorted(pes_id, offers["pesantren_id"].to_numpy(dtype=np.int64))
    n_prow = np.searchsorted(pes_id, needs["pesantren_id"].to_numpy(dtype=np.int64))

    last = _ns(offers["last_confirmed"], np.iinfo(np.int64).min)
    age = np.where(last == np.iinfo(np.int64).min, np.nan, (as_of_ns - last) / NS_PER_DAY).astype(
        float
    )
    n_max = needs["max_price"].to_numpy(dtype=float)
    req_codes = {v: cert_mask_of(v) for v in needs["required_certs"].unique()}

    return MarketArrays(
        products=products,
        prod_limit=limit,
        prod_ref_min=cat["price_min"].to_numpy(dtype=float),
        prod_ref_max=cat["price_max"].to_numpy(dtype=float),
        related=related,
        pes_id=pes_id,
        pes_lat=lat,
        pes_lon=lon,
        pes_cos=np.cos(lat),
        pes_xyz=unit_xyz(lat, lon),
        pes_region=pes["region_types"].map(region_codes).to_numpy(dtype=np.int64),
        pes_track=pes["track_record"].to_numpy(dtype=float),
        o_id=offers["listing_id"].to_numpy(dtype=np.int64),
        o_prow=o_prow.astype(np.int64),
        o_prod=o_prod,
        o_qty=offers["quantity"].to_numpy(dtype=float),
        o_price=offers["price"].to_numpy(dtype=float),
        o_from=_ns(offers["available_from"], OPEN_START),
        o_until=_ns(offers["available_until"], OPEN_END),
        o_age=age,
        o_certs=_offer_certs(market, offers, pes_id, prod_pos, int(as_of_ns)),
        n_id=needs["listing_id"].to_numpy(dtype=np.int64),
        n_prow=n_prow.astype(np.int64),
        n_prod=n_prod,
        n_qty=needs["quantity"].to_numpy(dtype=float),
        n_max=n_max,
        n_cap=np.where(np.isnan(n_max), np.inf, n_max * (1.0 + cfg.price_tolerance)),
        n_value=buyer_values(n_max, cat["price_max"].to_numpy(dtype=float)[n_prod]),
        n_req=needs["required_certs"].map(req_codes).to_numpy(dtype=np.int64),
        n_from=_ns(needs["available_from"], OPEN_START),
        n_until=_ns(needs["available_until"], OPEN_END),
        offers_by_product=_group_rows(o_prod, len(products)),
        needs_by_product=_group_rows(n_prod, len(products)),
    )


def _related_products(cat: pd.DataFrame, pos: dict[str, int]) -> tuple[IntArray, ...]:
    subs: list[set[int]] = [set() for _ in pos]
    for product, text in zip(cat["product"], cat["substitutes"], strict=True):
        i = pos[str(product)]
        for token in str(text).split(";"):
            j = pos.get(token.strip())
            if j is not None and j != i:
                subs[i].add(j)
                subs[j].add(i)  # substitution is read in both directions
    return tuple(np.array([i, *sorted(s)], dtype=np.int64) for i, s in enumerate(subs))


def _codes(values: pd.Series, pos: dict[str, int]) -> IntArray:
    return np.asarray(values.map(pos).to_numpy(dtype=np.int64), dtype=np.int64)


def _ns(values: pd.Series, fill: int) -> IntArray:
    stamps = values.to_numpy(dtype="datetime64[ns]")
    raw = stamps.view(np.int64).copy()
    raw[np.isnat(stamps)] = fill
    return raw


def _group_rows(codes: IntArray, n: int) -> tuple[IntArray, ...]:
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n + 1))
    return tuple(order[bounds[i] : bounds[i + 1]].astype(np.int64) for i in range(n))


def _offer_certs(
    market: Market, offers: pd.DataFrame, pes_id: IntArray, pos: dict[str, int], as_of_ns: int
) -> IntArray:
    """Bitmask of certificates valid at ``as_of`` for each offer's (pesantren, product)."""
    certs = market.certificates
    if not len(certs) or not len(offers):
        return np.zeros(len(offers), dtype=np.int64)
    expires = certs["expires"].to_numpy(dtype="datetime64[ns]")
    valid = np.isnat(expires) | (expires.view(np.int64) >= as_of_ns)
    c = certs.loc[valid & certs["product"].isin(list(pos)).to_numpy()]
    n_prod = len(pos)
    key = c["pesantren_id"].to_numpy(dtype=np.int64) * n_prod + _codes(c["product"], pos)
    bits = c["kind"].map(CERT_BITS).fillna(0).to_numpy(dtype=np.int64)
    frame = pd.DataFrame({"key": key, "bit": bits}).drop_duplicates()
    by_key = frame.groupby("key")["bit"].sum()
    okey = offers["pesantren_id"].to_numpy(dtype=np.int64) * n_prod + _codes(offers["product"], pos)
    return by_key.reindex(okey).fillna(0).to_numpy(dtype=np.int64)


NS_PER_DAY = 86_400 * 10**9
