"""The officer pages' window on the engine: one cached market snapshot per process.

Building a :class:`~matcher.market.Market` and a supplier index costs far more than a page, so
both are kept per process and rebuilt only when the *market version* changes: a cheap query
over the tables a market is built from (counts, highest ids and last update times), so any
insert, edit, delete, or confirmed proposal gives a new version.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from ...engine_settings import engine_config
from ...models import Certificate, Listing, Pesantren, Product, Proposal, ProposalParty, db

__all__ = [
    "MarketSnapshot",
    "Resolved",
    "buyers_for_offers",
    "market_version",
    "matched_needs",
    "resolve_product",
    "snapshot",
    "suggest_products",
    "suppliers_for",
]


def market_version() -> tuple[Any, ...]:
    """A value that changes whenever anything a Market is built from changes."""
    parts: list[Any] = []
    for model in (Listing, Pesantren, Certificate, Product, Proposal):
        parts.append(func.count(model.id))
        parts.append(func.max(model.id))
        if hasattr(model, "updated_at"):
            parts.append(func.max(model.updated_at))
    row = db.session.execute(
        select(*[select(p).scalar_subquery() for p in parts]).add_columns(
            select(func.max(ProposalParty.responded_at)).scalar_subquery()
        )
    ).one()
    return tuple(str(v) for v in row)


@dataclass
class MarketSnapshot:
    version: tuple[Any, ...]
    market: Any
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _index: Any = None
    _candidates: pd.DataFrame | None = None
    _resolver: Any = None

    def index(self) -> Any:
        with self._lock:
            if self._index is None:
                from matcher.search import SupplierIndex

                self._index = SupplierIndex(self.market, engine_config())
            return self._index

    def candidates(self) -> pd.DataFrame:
        with self._lock:
            if self._candidates is None:
                from matcher.candidates import find_candidates

                self._candidates = find_candidates(self.market, engine_config())
            return self._candidates

    def resolver(self) -> Any:
        with self._lock:
            if self._resolver is None:
                from matcher.catalogue import ProductResolver

                self._resolver = ProductResolver(self.market.catalogue)
            return self._resolver


_cache: dict[str, MarketSnapshot] = {}
_cache_lock = threading.Lock()


def snapshot() -> MarketSnapshot:
    """The market as the database holds it now, built once per version per process."""
    from ...market_io import build_market

    version = market_version()
    key = str(db.engine.url)
    with _cache_lock:
        current = _cache.get(key)
        if current is not None and current.version == version:
            return current
    built = MarketSnapshot(version=version, market=build_market(db.session))
    with _cache_lock:
        _cache[key] = built
    return built


# -- products and units ------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """What a typed product text resolved to: a product, or choices (tied or near misses)."""

    product: Product | None
    choices: list[Product]
    ambiguous: bool = False


def _products_by_slug(slugs: list[str]) -> dict[str, Product]:
    if not slugs:
        return {}
    rows = db.session.scalars(select(Product).where(Product.slug.in_(slugs))).all()
    return {p.slug: p for p in rows}


def resolve_product(text: str) -> Resolved:
    """Resolve free text (slug, name, alias, typo) to a catalogue product via the engine."""
    text = text.strip()
    if not text:
        return Resolved(None, [])
    resolution = snapshot().resolver().resolve(text)
    if resolution.product:
        return Resolved(_products_by_slug([resolution.product]).get(resolution.product), [])
    return Resolved(
        None, _ordered(list(resolution.candidates)), ambiguous=resolution.method == "ambiguous"
    )


def _ordered(candidates: list[Any]) -> list[Product]:
    slugs = [c if isinstance(c, str) else getattr(c, "product", None) or c[0] for c in candidates]
    found = _products_by_slug(slugs)
    return [found[s] for s in slugs if s in found]


def suggest_products(text: str, limit: int = 8) -> list[Product]:
    if not text.strip():
        return []
    suggestions = snapshot().resolver().suggest(text, limit)
    return _ordered(list(suggestions))


# -- engine queries ----------------------------------------------------------------------


def matched_needs(need_ids: list[int]) -> set[int]:
    """Which of these needs the engine matches: a need rests, or is wholly taken by open
    or confirmed proposals (the market holds what is left), and then has no suppliers."""
    index = snapshot().index()
    return {i for i in need_ids if index.has_need(i)}


def suppliers_for(query: Any, k: int = 10, curation: tuple[str, ...] = ()) -> pd.DataFrame:
    """Ranked suppliers for a need id or a :class:`matcher.SupplierQuery`; with ``curation``
    (statuses, :func:`webapp.curation.parse_filter`) only suppliers at one of them.

    The engine's query has no curation filter, so the ranking is read further down until
    ``k`` suppliers pass (or every candidate was seen)."""
    current = snapshot()
    if not curation:
        return current.index().search(query, k)
    pesantren = current.market.pesantren
    allowed = set(pesantren.loc[pesantren["curation"].isin(curation), "pesantren_id"].tolist())
    wanted = k
    while True:
        frame = current.index().search(query, wanted)
        kept = frame[frame["pesantren_id"].isin(allowed)]
        if len(kept) >= k or len(frame) < wanted:
            return kept.head(k).reset_index(drop=True)
        wanted *= 4


def buyers_for_offers(offer_ids: list[int], per_offer: int = 3) -> pd.DataFrame:
    """The best-scoring candidate needs for each of these offers."""
    candidates = snapshot().candidates()
    if candidates.empty or not offer_ids:
        return candidates.iloc[0:0]
    mine = candidates[candidates["offer_id"].isin(offer_ids)]
    return (
        mine.sort_values(["offer_id", "score"], ascending=[True, False])
        .groupby("offer_id", sort=False)
        .head(per_offer)
    )
