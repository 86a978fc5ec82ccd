"""Synthetic markets are drawn from the seed's own tables (seed_data/*.csv)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matcher.seed_files import find_seed_dir
from matcher.synthetic import builtin_catalogue, name_stems, regencies, synthetic_market


def test_the_catalogue_is_the_seeds_products_csv() -> None:
    seed = pd.read_csv(find_seed_dir() / "products.csv")
    cat = builtin_catalogue()
    assert cat["product"].tolist() == seed["slug"].tolist()
    assert cat["kitchen_staple"].tolist() == seed["kitchen_staple"].tolist()
    assert cat["price_min"].tolist() == seed["price_min"].astype(float).tolist()
    assert cat["substitutes"].tolist() == seed["substitutes"].fillna("").tolist()


def test_callers_get_copies_and_cannot_change_the_tables() -> None:
    for table in (builtin_catalogue, regencies, name_stems):
        first = table()
        first.iloc[0, 0] = "changed"
        assert table().iloc[0, 0] != "changed"


def test_pesantren_follow_the_seed_regencies_and_name_stems() -> None:
    m = synthetic_market(400, seed=3)
    reg = regencies().set_index("code")
    assert set(m.pesantren["regency_code"]) <= set(reg.index)
    assert (m.pesantren["kabupaten"] == m.pesantren["regency_code"].map(reg["name"])).all()
    stems = tuple(name_stems()["name_stem"])
    assert m.pesantren["name"].str.removeprefix("PP ").str.rsplit(" ", n=1).str[0].isin(stems).all()


def test_every_seed_product_can_be_listed_with_a_quantity() -> None:
    # 137 products, several base units (kg, liter, galon, pcs, ekor, porsi, rit ...)
    m = synthetic_market(600, seed=1)
    units = m.catalogue.set_index("product")["base_unit"]
    listed = pd.concat([m.offers, m.needs])
    assert set(units[listed["product"]]) == set(units)
    assert np.isfinite(listed["quantity"]).all()
    assert (listed["quantity"] > 0).all()
