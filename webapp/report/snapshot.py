"""The engine's view of the network, computed once per report run and shared by every email.

Matches come from :func:`matcher.candidates.find_candidates` over
:func:`webapp.market_io.build_market` (confirmed reservations already taken out), so a report
shows the same suppliers as the officer's search page. Gaps here are *needs with no
candidate supplier at all* (the engine found nobody who passes the hard rules), grouped by
product and the buyer's dominant region type: the signal for where OPOP should help someone
start producing (DESIGN §5.7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import pandas as pd
from sqlalchemy.orm import Session

__all__ = ["NetworkSnapshot", "network_snapshot"]

#: Best matches listed per need (suppliers) and per offer (buyers).
MATCHES_PER_LISTING = 3


@dataclass(frozen=True)
class NetworkSnapshot:
    """The market and its candidate pairs, with lookups the report needs."""

    market: object  # matcher.market.Market
    candidates: pd.DataFrame

    @cached_property
    def best_suppliers(self) -> pd.DataFrame:
        """Per need, its best ``MATCHES_PER_LISTING`` offers."""
        return _top(self.candidates, "need_id")

    @cached_property
    def best_buyers(self) -> pd.DataFrame:
        """Per offer, its best ``MATCHES_PER_LISTING`` needs."""
        return _top(self.candidates, "offer_id")

    @cached_property
    def suppliers_by_buyer(self) -> dict[int, pd.DataFrame]:
        """``best_suppliers`` split by buying pesantren: one lookup per recipient."""
        return {
            int(cast(int, k)): g for k, g in self.best_suppliers.groupby("buyer_id", sort=False)
        }

    @cached_property
    def buyers_by_supplier(self) -> dict[int, pd.DataFrame]:
        return {
            int(cast(int, k)): g for k, g in self.best_buyers.groupby("supplier_id", sort=False)
        }

    @cached_property
    def people(self) -> dict[int, tuple[str, str]]:
        """Pesantren id → (name, kabupaten)."""
        frame: pd.DataFrame = self.market.pesantren  # type: ignore[attr-defined]
        return {
            int(i): (str(name), str(kab))
            for i, name, kab in zip(
                frame["pesantren_id"], frame["name"], frame["kabupaten"], strict=True
            )
        }

    @cached_property
    def products(self) -> dict[str, tuple[str, str, str]]:
        """Slug → (name_id, name_en, base_unit), from the market's catalogue."""
        cat: pd.DataFrame = self.market.catalogue  # type: ignore[attr-defined]
        return {
            str(slug): (str(name_id), str(name_en), str(unit))
            for slug, name_id, name_en, unit in zip(
                cat["product"], cat["name_id"], cat["name_en"], cat["base_unit"], strict=True
            )
        }

    def product_name(self, slug: str, language: str) -> tuple[str, str]:
        """(name in ``language``, base unit) of a product slug."""
        name_id, name_en, unit = self.products.get(slug, (slug, slug, ""))
        return (name_en if language == "en" else name_id), unit

    def gaps(self, limit: int = 8) -> pd.DataFrame:
        """Needs without any candidate: ``product, region_type, pesantren, quantity``.

        The per-need rows (buyer's dominant region type, whether any candidate exists)
        come from the engine's :func:`matcher.market_gaps`, with no plan served yet.
        """
        from matcher.gaps import market_gaps
        from matcher.market import Market

        needs = market_gaps(cast(Market, self.market), [], self.candidates).unmet_needs
        unmet = needs.loc[~needs["has_candidate"]]
        if unmet.empty:
            return pd.DataFrame(columns=["product", "region_type", "pesantren", "quantity"])
        return (
            unmet.assign(region_type=unmet["region_type"].fillna(""))
            .groupby(["product", "region_type"], as_index=False)
            .agg(pesantren=("buyer_id", "nunique"), quantity=("quantity", "sum"))
            .sort_values(["pesantren", "quantity", "product"], ascending=[False, False, True])
            .head(limit)
            .reset_index(drop=True)
        )


def _top(candidates: pd.DataFrame, by: str) -> pd.DataFrame:
    return (
        candidates.sort_values(
            [by, "score", "need_id", "offer_id"], ascending=[True, False, True, True]
        )
        .groupby(by, sort=False)
        .head(MATCHES_PER_LISTING)
        .reset_index(drop=True)
    )


def network_snapshot(session: Session, as_of: dt.date) -> NetworkSnapshot:
    """Build the market as of ``as_of`` and find every candidate pair once."""
    from matcher.candidates import find_candidates

    from ..engine_settings import engine_config
    from ..market_io import build_market

    market = build_market(session, as_of=as_of)
    return NetworkSnapshot(market=market, candidates=find_candidates(market, engine_config()))
