"""The hard matching rules, written once: what an offer must satisfy to serve a need at all.

A hard rule is never traded for score. Beside the product (the same product or a declared
substitute: the callers pair offers and needs by product first) and the listing's freshness
(resting listings are left out of the market: :meth:`matcher.market.Market.without_resting`),
an offer may serve a need only if

- it is another pesantren's (nobody trades with itself);
- its price is within the buyer's ceiling, tolerance included (``cap``: ``inf`` for none);
- its pesantren holds a valid certificate of every kind the buyer requires (bitmasks:
  :func:`matcher.scoring.cert_mask_of`);
- its availability window overlaps the need's (open ends are :data:`OPEN_START` and
  :data:`OPEN_END`, in ns);
- it is within the product's shelf-life distance of the buyer (:func:`within_reach`).

The candidate join (:func:`matcher.candidates.find_candidates`, on whole blocks of offers ×
needs), the supplier index (:class:`matcher.search.SupplierIndex`, one buyer against a
product's offers) and the benchmark's naive baseline (one pair at a time) all call these
predicates. Each works element-wise on numpy arrays, broadcasting, and on plain scalars.

>>> import numpy as np
>>> bool(listing_rules_hold(buyer=1, supplier=2, price=9000.0, cap=10000.0, held=3,
...      required=1, offer_from=OPEN_START, offer_until=OPEN_END, need_from=0, need_until=9))
True
>>> listing_rules_hold(buyer=np.array([[1], [2]]), supplier=np.array([2, 3]), price=9000.0,
...      cap=np.inf, held=0, required=0, offer_from=0, offer_until=5, need_from=6,
...      need_until=9).tolist()
[[False, False], [False, False]]
>>> within_reach(np.array([40.0, 160.0]), 150.0).tolist()
[True, False]
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["OPEN_END", "OPEN_START", "listing_rules_hold", "within_reach"]

#: An availability window open at its start or end (ns since the epoch, int64).
OPEN_START = int(np.iinfo(np.int64).min)
OPEN_END = int(np.iinfo(np.int64).max)


def listing_rules_hold(
    *,
    buyer: Any,
    supplier: Any,
    price: Any,
    cap: Any,
    held: Any,
    required: Any,
    offer_from: Any,
    offer_until: Any,
    need_from: Any,
    need_until: Any,
) -> Any:
    """Whether the offer may serve the need on every rule but distance (see the module).

    Parameters are pesantren (ids or rows: anything comparable), the offer's price and the
    need's ``cap`` (rupiah per base unit), the supplier's valid certificates and the need's
    required ones (bitmasks), and both windows (ns). Arrays broadcast; scalars give a bool.
    """
    return (
        (buyer != supplier)
        & (price <= cap)
        & ((held & required) == required)
        & (offer_from <= need_until)
        & (need_from <= offer_until)
    )


def within_reach(distance_km: Any, limit_km: Any) -> Any:
    """Whether a supplier ``distance_km`` from the buyer is within the product's shelf-life
    distance ``limit_km`` (``inf`` for durable goods). Road or straight-line: the caller's."""
    return distance_km <= limit_km
