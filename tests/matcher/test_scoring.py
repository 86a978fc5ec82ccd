"""Score components: each in [0, 1], each moving the way a buyer expects."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.config import EngineConfig
from matcher.scoring import cert_mask_of, combine, component_scores, mask_to_kinds, region_code


def scores(**over: object) -> dict[str, float]:
    base: dict[str, object] = {
        "exact": np.array([True]),
        "offer_qty": np.array([600.0]),
        "need_qty": np.array([300.0]),
        "price": np.array([40000.0]),
        "max_price": np.array([np.nan]),
        "ref_min": np.array([25000.0]),
        "ref_max": np.array([60000.0]),
        "distance_km": np.array([42.0]),
        "limit_km": np.array([np.inf]),
        "supplier_region": np.array([0]),
        "buyer_region": np.array([1]),
        "held_mask": np.array([1]),
        "required_mask": np.array([1]),
        "age_days": np.array([0.0]),
        "track_record": np.array([0.5]),
    }
    base.update({k: np.array([v]) for k, v in over.items()})
    out = component_scores(**base)  # type: ignore[arg-type]
    return {k: float(v[0]) for k, v in out.items()}


def test_an_offer_covering_half_the_need_scores_half_on_quantity() -> None:
    assert scores(offer_qty=150.0)["quantity"] == pytest.approx(0.5)
    assert scores(offer_qty=900.0)["quantity"] == 1.0


def test_nearer_and_cheaper_score_higher() -> None:
    assert scores(distance_km=10.0)["distance"] > scores(distance_km=200.0)["distance"]
    assert scores(price=30000.0)["price"] > scores(price=55000.0)["price"]


def test_a_price_at_the_edge_of_the_tolerance_scores_zero_on_price() -> None:
    assert scores(price=44000.0, max_price=40000.0)["price"] == pytest.approx(0.0)


def test_stale_listings_and_extra_certificates_move_their_components() -> None:
    assert scores(age_days=120.0)["freshness"] == 0.0
    assert scores(age_days=float("nan"))["freshness"] == 0.5
    assert scores(held_mask=1 | 2 | 4 | 8)["certification"] == 1.0
    assert scores(held_mask=1)["certification"] == 0.0


def test_same_region_scores_lowest_and_unknown_is_neutral() -> None:
    same = scores(supplier_region=1, buyer_region=1)["region"]
    assert same < scores()["region"]
    assert scores(supplier_region=-1)["region"] == 0.5


def test_combine_rejects_unknown_components() -> None:
    with pytest.raises(ValueError, match="unknown score components"):
        combine({"product": np.ones(1)}, {"charm": 1.0})


def test_weights_must_sum_to_one() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        EngineConfig(weights={"product": 0.5})


def test_certificate_masks_and_region_codes_round_trip() -> None:
    assert mask_to_kinds(cert_mask_of("halal;sni")) == ["halal", "sni"]
    assert region_code("coastal_fisheries;island") == 1
    assert region_code("") == -1
