"""Score components of a candidate (offer → need), each in [0, 1], and their weighted sum.

The components are named by the keys of :attr:`EngineConfig.weights`:

``product``
    1 for the exact product, :attr:`EngineConfig.substitute_fit` for a declared substitute.
``quantity``
    Share of the need that the offer covers (``min(offer / need, 1)``).
``price``
    Cheaper within the product's reference range scores higher (bottom of the range 1, top
    0, 0.5 without a range); above the buyer's ceiling (still within the tolerance) the score
    shrinks linearly to 0 at the edge of the tolerance.
``distance``
    ``1 - km / limit``, where the limit is the shelf-life class's maximum distance or, for
    products that travel anywhere, :attr:`EngineConfig.distance_reference_km`.
``region``
    Complementarity of the supplier's and the buyer's dominant region types
    (:attr:`EngineConfig.region_complementarity`; highland ↔ coastal highest).
``certification``
    Valid certificates held beyond those the buyer requires, as a share of the kinds that
    could still be added (all four held: 1).
``freshness``
    ``1 - age / (2 × stale_days)`` of the offer's last confirmation (unknown: 0.5).
``track_record``
    The supplier's track record in [0, 1] as the market carries it (the web app counts
    completed deals up and the pesantren's declines and cancellations down; 0.5 without
    history).

>>> import numpy as np
>>> s = component_scores(
...     exact=np.array([True]), offer_qty=np.array([600.0]), need_qty=np.array([300.0]),
...     price=np.array([40000.0]), max_price=np.array([np.nan]),
...     ref_min=np.array([25000.0]), ref_max=np.array([60000.0]),
...     distance_km=np.array([42.0]), limit_km=np.array([np.inf]),
...     supplier_region=np.array([0]), buyer_region=np.array([1]),
...     held_mask=np.array([1]), required_mask=np.array([1]),
...     age_days=np.array([0.0]), track_record=np.array([0.5]))
>>> float(s["quantity"][0]), float(s["region"][0])
(1.0, 1.0)
>>> 0.0 <= float(combine(s)[0]) <= 1.0
True
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from matcher.arraytypes import FloatArray, IntArray
from matcher.config import DEFAULT_REGION_SCORE, EngineConfig
from matcher.market import CERT_KINDS, REGION_TYPES

__all__ = [
    "CERT_BITS",
    "COMPONENTS",
    "combine",
    "cert_mask_of",
    "certification_score",
    "component_scores",
    "mask_to_kinds",
    "region_code",
    "region_matrix",
]

BoolArray = npt.NDArray[np.bool_]

#: Every component the engine knows; ``EngineConfig.weights`` may use any subset.
COMPONENTS: tuple[str, ...] = (
    "product",
    "quantity",
    "price",
    "distance",
    "region",
    "certification",
    "freshness",
    "track_record",
)

#: One bit per certificate kind, in :data:`matcher.market.CERT_KINDS` order.
CERT_BITS: dict[str, int] = {kind: 1 << i for i, kind in enumerate(CERT_KINDS)}
_POPCOUNT = np.array([bin(i).count("1") for i in range(1 << len(CERT_KINDS))], dtype=np.int64)
_ALL_CERTS = (1 << len(CERT_KINDS)) - 1


def cert_mask_of(text: str) -> int:
    """Bitmask of a ``;``-joined list of certificate kinds (unknown kinds are ignored).

    >>> cert_mask_of("halal;pirt")
    3
    """
    return sum(CERT_BITS.get(t.strip(), 0) for t in set(str(text).split(";")))


def mask_to_kinds(mask: int) -> list[str]:
    """The kinds in a bitmask, in :data:`CERT_KINDS` order.

    >>> mask_to_kinds(5)
    ['halal', 'bpom_md']
    """
    return [kind for kind, bit in CERT_BITS.items() if int(mask) & bit]


def region_code(region_types: str) -> int:
    """Index in :data:`REGION_TYPES` of the dominant (first) region type, -1 if unknown.

    >>> region_code("coastal_fisheries;island")
    1
    """
    first = str(region_types).split(";")[0].strip()
    return REGION_TYPES.index(first) if first in REGION_TYPES else -1


def region_matrix(config: EngineConfig) -> FloatArray:
    """(supplier, buyer) region score matrix; the last row/column is "unknown"."""
    n = len(REGION_TYPES)
    out = np.full((n + 1, n + 1), DEFAULT_REGION_SCORE, dtype=float)
    for (a, b), value in config.region_complementarity.items():
        if a in REGION_TYPES and b in REGION_TYPES:
            i, j = REGION_TYPES.index(a), REGION_TYPES.index(b)
            out[i, j] = out[j, i] = float(value)
    return out


def certification_score(held_mask: IntArray, required_mask: IntArray | int) -> FloatArray:
    """Valid certificates held beyond the required ones, as a share of those that could be.

    >>> float(certification_score(np.array([0b0111]), 0b0001)[0])
    0.6666666666666666
    """
    extra = _POPCOUNT[held_mask & ~required_mask & _ALL_CERTS]
    room = len(CERT_KINDS) - _POPCOUNT[np.asarray(required_mask) & _ALL_CERTS]
    return np.asarray(np.where(room > 0, extra / np.maximum(room, 1), 1.0), dtype=float)


def component_scores(
    *,
    exact: BoolArray,
    offer_qty: FloatArray,
    need_qty: FloatArray,
    price: FloatArray,
    max_price: FloatArray,
    ref_min: FloatArray,
    ref_max: FloatArray,
    distance_km: FloatArray,
    limit_km: FloatArray,
    supplier_region: IntArray,
    buyer_region: IntArray,
    held_mask: IntArray,
    required_mask: IntArray,
    age_days: FloatArray,
    track_record: FloatArray,
    config: EngineConfig | None = None,
) -> dict[str, FloatArray]:
    """Every component of :data:`COMPONENTS` for aligned 1-d arrays of candidates.

    ``max_price`` NaN means no ceiling, ``need_qty`` NaN means "any quantity" (scores 1),
    region codes are :func:`region_code` values, masks are certificate bitmasks
    (``held_mask`` counts only certificates valid at the market date).
    """
    cfg = config or EngineConfig()
    with np.errstate(divide="ignore", invalid="ignore"):
        product = np.where(exact, 1.0, cfg.substitute_fit)
        quantity = np.where(np.isnan(need_qty), 1.0, np.minimum(offer_qty / need_qty, 1.0))

        span = ref_max - ref_min
        in_range = 1.0 - np.clip((price - ref_min) / span, 0.0, 1.0)
        price_s = np.where(np.isfinite(in_range) & (span > 0), in_range, 0.5)
        over = price / max_price - 1.0
        tol = cfg.price_tolerance
        penalty = np.where(
            np.isfinite(over) & (over > 0),
            np.clip(1.0 - over / tol, 0.0, 1.0) if tol > 0 else 0.0,
            1.0,
        )
        price_s = price_s * penalty

        reference = np.where(np.isfinite(limit_km), limit_km, cfg.distance_reference_km)
        distance = np.clip(1.0 - distance_km / reference, 0.0, 1.0)

        matrix = region_matrix(cfg)
        region = matrix[supplier_region, buyer_region]  # -1 indexes the "unknown" row

        certification = certification_score(held_mask, required_mask)

        freshness = np.where(
            np.isnan(age_days),
            0.5,
            np.clip(1.0 - age_days / (2.0 * max(cfg.stale_days, 1)), 0.0, 1.0),
        )
    return {
        "product": product.astype(float),
        "quantity": np.clip(quantity, 0.0, 1.0).astype(float),
        "price": np.clip(price_s, 0.0, 1.0).astype(float),
        "distance": distance.astype(float),
        "region": region.astype(float),
        "certification": certification.astype(float),
        "freshness": freshness.astype(float),
        "track_record": np.clip(np.nan_to_num(track_record, nan=0.5), 0.0, 1.0).astype(float),
    }


def combine(
    components: Mapping[str, FloatArray], weights: Mapping[str, float] | None = None
) -> FloatArray:
    """Weighted sum of components (weights sum to 1, so the score stays in [0, 1])."""
    w = weights if weights is not None else EngineConfig().weights
    unknown = set(w) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown score components in weights: {sorted(unknown)}")
    total: FloatArray | None = None
    for name, weight in w.items():
        part = components[name] * float(weight)
        total = part if total is None else total + part
    if total is None:
        raise ValueError("weights are empty")
    return np.clip(total, 0.0, 1.0)
