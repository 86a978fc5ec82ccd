"""The buyer's surplus: what trades and barters are chosen by (one rule, used everywhere).

A buyer values each base unit of what it needs at its **buyer value**: the price ceiling it
gave (``max_price``), or, where it gave none, the top of the catalogue's reference range
for the product it needs (``price_max``: the most the usual market asks, so a buyer who
named no ceiling is assumed to pay at most that). Buying one unit from an offer, it gains
that value minus the offer's price minus the cost of carrying it
(``transport_cost_per_kg_km × km``). The engine weighs this gain by the pair's fit (the
candidate score in [0, 1]): a perfectly fitting offer counts its whole gain, a substitute
from far away with a poor track record a part of it. So, per base unit::

    surplus = score × (buyer_value − price − transport_cost_per_kg_km × distance_km)

Between two offers equal but for price the cheaper has the larger surplus (and, as the
score's price component rewards a low price, a score at least as high); equal but for
distance, the nearer. The trade allocation maximises the sum of ``surplus × quantity``
(:mod:`matcher.allocation`), the barter clearing the same sum over the legs of its
value-balanced cycles (:mod:`matcher.barter`), and the candidate stage picks the
allocation's arcs by it (:func:`matcher.candidates.candidate_frames`).

>>> float(unit_surplus(0.8, 40_000.0, 30_000.0, 50.0, 2.0))
7920.0
>>> buyer_values(np.array([45_000.0, np.nan]), np.array([50_000.0, 50_000.0])).tolist()
[45000.0, 50000.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["buyer_values", "unit_surplus"]

#: A number or an array of numbers (they broadcast).
Numbers = float | npt.NDArray[Any]


def buyer_values(max_price: npt.NDArray[Any], reference: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Each need's value per base unit: its ceiling, else its product's ``reference`` price.

    ``max_price`` holds NaN where the buyer gave no ceiling; ``reference`` is the catalogue's
    ``price_max`` of the product the need asks for (not of a substitute offered for it).
    """
    return np.where(np.isfinite(max_price), max_price, reference)


def unit_surplus(
    score: Numbers,
    buyer_value: Numbers,
    price: Numbers,
    distance_km: Numbers,
    transport_cost_per_kg_km: float,
) -> Any:
    """Fit-weighted gain of the buyer per base unit (see the module notes); arrays broadcast.

    >>> unit_surplus(np.array([0.9, 0.9]), 40_000.0, np.array([30_000.0, 44_000.0]), 0.0, 2.0)
    array([ 9000., -3600.])
    """
    gain = buyer_value - price - transport_cost_per_kg_km * distance_km
    return score * gain
