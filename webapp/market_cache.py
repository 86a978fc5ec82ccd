"""The process's cached market, behind the officer pages and the API's supplier search.

Building a :class:`~matcher.market.Market` and a supplier index costs far more than a page, so
both are kept per process and rebuilt only when the *market version* changes: a counter that
every commit changing what a market is built from bumps (:mod:`webapp.models.market_state`),
read with one primary-key select. A market describes a day (certificate expiry, availability
windows), so a new day builds a new one too.

Products typed as free text resolve through the same snapshot (:func:`resolve_product`).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

import pandas as pd
from sqlalchemy import select

from .engine_settings import engine_config
from .models import Product, db, has_market_change, market_version

__all__ = [
    "MarketSnapshot",
    "per_market_version",
    "Resolved",
    "buyers_for_offers",
    "matched_needs",
    "resolve_product",
    "snapshot",
    "suggest_products",
    "supplier_page",
    "suppliers_for",
]


@dataclass
class MarketSnapshot:
    #: The market version and the day the market describes.
    version: tuple[int, dt.date]
    market: Any
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _index: Any = None
    _candidates: pd.DataFrame | None = None
    _resolver: Any = None
    _derived: dict[Hashable, Any] = field(default_factory=dict)

    def derived(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()``, once per snapshot: what a page derives from this market and the
        tables behind it (the facilitator's figures, map, graph and gaps). Built outside
        the lock (a slow build does not hold up the search); the first result is kept."""
        with self._lock:
            if key in self._derived:
                return self._derived[key]
        value = build()
        with self._lock:
            return self._derived.setdefault(key, value)

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
    """The market as the database holds it now, built once per version per process.

    A session that has changed the market and not committed yet gets a market of its own
    (with its changes), never shared: other sessions do not see them yet."""
    from .market_io import build_market

    today = dt.date.today()
    version = (market_version(db.session), today)  # autoflushes: pending changes are noted
    if has_market_change(db.session):
        return MarketSnapshot(version=version, market=build_market(db.session, today))
    key = str(db.engine.url)
    with _cache_lock:
        current = _cache.get(key)
        if current is not None and current.version == version:
            return current
    built = MarketSnapshot(version=version, market=build_market(db.session, today))
    with _cache_lock:
        current = _cache.get(key)
        if current is None or current.version < built.version:  # a slower build lost
            _cache[key] = built
    return built


P = ParamSpec("P")
R = TypeVar("R")


def per_market_version(
    also: Callable[[], Hashable] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache ``fn(*args)`` per market version (and day) in this process.

    For figures computed from the tables a market is built from (any write to them bumps the
    version): the facilitator's dashboard and gap page then cost a lookup, not seconds of
    queries and pandas, until something changes. ``also`` names what else the result
    depends on (a cheap query: the latest round's id), part of the key. Calls with
    unhashable arguments (an explicit market) are not cached. Callers must not mutate what
    they get.
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            key: tuple[Any, ...] = (
                fn.__module__,
                fn.__qualname__,
                args,
                tuple(sorted(kwargs.items())),
            )
            try:
                hash(key)
            except TypeError:
                return fn(*args, **kwargs)
            if also is not None:
                key = (*key, also())
            result: R = snapshot().derived(key, lambda: fn(*args, **kwargs))
            return result

        return cached

    return decorate


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
    (statuses, :func:`webapp.curation.parse_filter`) only suppliers at one of them (the
    engine's own filter, :class:`matcher.search.SupplierQuery`'s ``curation``)."""
    index = snapshot().index()
    return index.search(query, k, curation=curation) if curation else index.search(query, k)


def supplier_page(query: Any, order: str, page: int | None, per_page: int | None) -> Any:
    """A :class:`matcher.search.SearchPage` of every supplier for ``query`` (see
    :meth:`matcher.search.SupplierIndex.page`)."""
    return snapshot().index().page(query, order=order, page=page, per_page=per_page)


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
