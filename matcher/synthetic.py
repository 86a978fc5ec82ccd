"""Synthetic markets for tests and the benchmark: realistic in shape, deterministic by seed.

They are drawn from the seed's own reference tables (``seed_data/regencies.csv``,
``products.csv``, ``name_stems.csv``, found by :func:`matcher.seed_files.find_seed_dir`), so
a benchmark market has the seed market's products, regencies and names. Pesantren are spread
over East Java's 38 regencies in proportion to their pesantren counts, around each regency's
capital; each carries its regency's region types (one of them dominant). Production follows
region type (highland pesantren offer potatoes, apples, coffee; coastal ones salted fish,
terasi, kerupuk), needs lean towards kitchen staples and towards what the pesantren's own
region does not make. Some certificates are expired, a tenth of the listings rest (not
confirmed for over 60 days), a few have availability windows and price ceilings — enough for
every hard rule to bite. Everything is drawn from one ``numpy.random.Generator(seed)``.

>>> m = synthetic_market(50, seed=7)
>>> m.size["pesantren"], m.size["offers"], m.size["needs"]
(50, 250, 250)
>>> synthetic_market(50, seed=7).offers.equals(m.offers)
True
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher.market import CERT_KINDS, Market
from matcher.seed_files import find_seed_dir
from matcher.units import unit_dimension

__all__ = ["builtin_catalogue", "name_stems", "regencies", "synthetic_market"]

#: A 400-santri pesantren's typical monthly need, per dimension of the product's base unit
#: (:func:`matcher.units.unit_dimension`); offers and needs scale from it.
_BASE_NEED = {
    "mass": 120.0,  # kg
    "volume": 80.0,  # liter, galon
    "count": 60.0,  # pcs, butir, ekor, pasang, eksemplar
    "package": 30.0,  # dus, pack
    "service": 30.0,  # porsi: about one a day
    "trip": 30.0,  # rit: about one a day
    "length": 60.0,  # m of cloth
    "area": 60.0,  # m2
}
_PROCESSED = {"processed food", "fish & seafood", "beverages"}
#: builtin_catalogue's columns: the Market catalogue's, plus ``produced_in`` and
#: ``kitchen_staple`` (``slug`` in products.csv is ``product`` here).
_CATALOGUE = [
    "product",
    "name_id",
    "name_en",
    "category",
    "base_unit",
    "shelf_life_class",
    "price_min",
    "price_max",
    "produced_in",
    "kitchen_staple",
    "substitutes",
    "aliases",
]


def builtin_catalogue() -> pd.DataFrame:
    """The seed's product catalogue (``seed_data/products.csv``) in Market columns plus
    ``produced_in`` and ``kitchen_staple``: the products of the seed market.

    >>> cat = builtin_catalogue()
    >>> len(cat), cat.set_index("product").loc["ikan-asin", "produced_in"]
    (137, 'coastal_fisheries;island')
    """
    return _catalogue(find_seed_dir()).copy()


def regencies() -> pd.DataFrame:
    """East Java's 38 regencies (``seed_data/regencies.csv``): ``code``, ``name``, ``latitude``,
    ``longitude`` of the capital, ``pesantren_count`` and ``region_types`` (dominant first).

    >>> r = regencies()
    >>> len(r), int(r["pesantren_count"].sum())
    (38, 4692)
    """
    return _regencies(find_seed_dir()).copy()


def name_stems() -> pd.DataFrame:
    """The commonest pesantren name stems (``seed_data/name_stems.csv``): ``name_stem`` and
    ``count`` (pesantren so named in East Java), most frequent first.

    >>> first = name_stems().iloc[0]
    >>> first["name_stem"], int(first["count"])
    ('Miftahul Ulum', 189)
    """
    return _stems(find_seed_dir()).copy()


@lru_cache(maxsize=4)
def _catalogue(folder: Path) -> pd.DataFrame:
    raw = _read(folder / "products.csv")
    frame = raw.rename(columns={"slug": "product"})[_CATALOGUE]
    return frame.assign(
        price_min=frame["price_min"].astype(float),
        price_max=frame["price_max"].astype(float),
        kitchen_staple=frame["kitchen_staple"].str.strip().str.lower().eq("true"),
    )


@lru_cache(maxsize=4)
def _regencies(folder: Path) -> pd.DataFrame:
    raw = _read(folder / "regencies.csv")
    columns = ["code", "name", "latitude", "longitude", "pesantren_count", "region_types"]
    return raw[columns].astype({"latitude": float, "longitude": float, "pesantren_count": int})


@lru_cache(maxsize=4)
def _stems(folder: Path) -> pd.DataFrame:
    raw = _read(folder / "name_stems.csv")
    return raw[["name_stem", "count"]].astype({"count": int})


def _read(path: Path) -> pd.DataFrame:
    """A seed CSV as text cells (``""`` where empty): the columns' types are set by the caller."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def synthetic_market(
    n_pesantren: int,
    seed: int = 0,
    offers_per: int = 5,
    needs_per: int = 5,
    as_of: dt.date = dt.date(2026, 11, 23),
    catalogue: pd.DataFrame | None = None,
) -> Market:
    """A random but realistic Market of ``n_pesantren`` pesantren in East Java.

    Parameters
    ----------
    n_pesantren
        Number of pesantren (ids ``1..n``).
    seed
        Seed of the only random generator used: same arguments, same market.
    offers_per, needs_per
        Listings per pesantren (distinct products; a pesantren never needs what it offers).
    as_of
        Market date; certificate expiry and listing confirmation dates are relative to it.
    catalogue
        Product catalogue in Market columns (e.g. one read from the database); ``produced_in`` and
        ``kitchen_staple`` columns are used when present. Defaults to :func:`builtin_catalogue`.

    Returns
    -------
    Market
        Validated; its catalogue keeps ``produced_in`` for :func:`matcher.market_gaps`.
    """
    if n_pesantren < 1:
        raise ValueError(f"n_pesantren must be at least 1, not {n_pesantren}")
    cat = (builtin_catalogue() if catalogue is None else catalogue).reset_index(drop=True)
    n_products = len(cat)
    if offers_per + needs_per > n_products:
        raise ValueError(
            f"offers_per + needs_per ({offers_per + needs_per}) exceeds the catalogue "
            f"({n_products} products)"
        )
    rng = np.random.default_rng(seed)
    pesantren = _pesantren(rng, n_pesantren)

    produced_in = (
        cat["produced_in"].fillna("").astype(str)
        if "produced_in" in cat
        else pd.Series([""] * n_products)
    )
    staple = (
        cat["kitchen_staple"].astype(bool).to_numpy()
        if "kitchen_staple" in cat
        else np.zeros(n_products, dtype=bool)
    )
    dominant = pesantren["region_types"].str.split(";").str[0].to_numpy()
    all_types = pesantren["region_types"].to_numpy()
    made_here = np.array(
        [[d in str(pi).split(";") for pi in produced_in] for d in dominant], dtype=bool
    )
    made_nearby = np.array(
        [
            [bool(set(str(t).split(";")) & set(str(pi).split(";"))) for pi in produced_in]
            for t in all_types
        ],
        dtype=bool,
    )
    offer_w = 0.15 + 6.0 * made_here + 1.5 * made_nearby
    offer_pick = _pick(rng, offer_w, offers_per)
    need_w = (1.0 + 3.0 * staple)[None, :] * np.where(made_here, 0.3, 1.0)
    taken = np.zeros_like(need_w, dtype=bool)
    np.put_along_axis(taken, offer_pick, True, axis=1)
    need_w = np.where(taken, 0.0, need_w).astype(np.float64)
    need_pick = _pick(rng, np.asarray(need_w, dtype=np.float64), needs_per)

    as_of_ts = pd.Timestamp(as_of)
    offers = _listings(rng, pesantren, cat, offer_pick, first_id=1, as_of=as_of_ts, kind="offer")
    needs = _listings(
        rng, pesantren, cat, need_pick, first_id=len(offers) + 1, as_of=as_of_ts, kind="need"
    )
    certificates = _certificates(rng, offers, cat, as_of_ts)
    market = Market.from_frames(
        pesantren=pesantren,
        offers=offers,
        needs=needs,
        catalogue=cat,
        certificates=certificates,
        as_of=as_of,
    )
    return market.with_frames(catalogue=market.catalogue.assign(produced_in=produced_in.values))


def _pesantren(rng: np.random.Generator, n: int) -> pd.DataFrame:
    reg_frame = regencies()
    counts = reg_frame["pesantren_count"].to_numpy(dtype=float)
    reg = rng.choice(len(reg_frame), size=n, p=counts / counts.sum())
    lat = reg_frame["latitude"].to_numpy()[reg] + rng.normal(0, 0.08, n)
    lon = reg_frame["longitude"].to_numpy()[reg] + rng.normal(0, 0.10, n)
    types = [str(t).split(";") for t in reg_frame["region_types"].to_numpy()[reg]]
    # dominant type: the regency's first with probability 0.6, otherwise another of its types
    pick = [
        t[0] if len(t) == 1 or u < 0.6 else t[1 + int(v * (len(t) - 1))]
        for t, u, v in zip(types, rng.random(n), rng.random(n), strict=True)
    ]
    region_types = [
        ";".join([d, *[x for x in t if x != d]]) for d, t in zip(pick, types, strict=True)
    ]
    stems = name_stems()
    weight = stems["count"].to_numpy(dtype=float)
    stem = stems["name_stem"].to_numpy()[rng.choice(len(stems), size=n, p=weight / weight.sum())]
    return pd.DataFrame(
        {
            "pesantren_id": np.arange(1, n + 1),
            "name": [f"PP {s} {i}" for i, s in enumerate(stem, start=1)],
            "regency_code": reg_frame["code"].to_numpy()[reg],
            "kabupaten": reg_frame["name"].to_numpy()[reg],
            "lat": np.clip(lat, -8.85, -5.05),
            "lon": np.clip(lon, 110.85, 116.35),
            "region_types": region_types,
            "santri": np.maximum(30, rng.lognormal(5.6, 0.8, n)).astype(int),
            "curation": "registered",
            "track_record": np.round(rng.beta(4, 4, n), 3),
        }
    )


def _pick(
    rng: np.random.Generator, weights: npt.NDArray[np.float64], k: int
) -> npt.NDArray[np.int64]:
    """``k`` distinct columns per row, drawn without replacement by weight (Gumbel top-k)."""
    with np.errstate(divide="ignore"):
        keys = np.log(weights) - np.log(-np.log(rng.random(weights.shape)))
    top = np.argpartition(-keys, k - 1, axis=1)[:, :k]
    return np.sort(top, axis=1).astype(np.int64)


def _listings(
    rng: np.random.Generator,
    pes: pd.DataFrame,
    cat: pd.DataFrame,
    pick: npt.NDArray[np.int64],
    *,
    first_id: int,
    as_of: pd.Timestamp,
    kind: str,
) -> pd.DataFrame:
    n, k = pick.shape
    prod = pick.ravel()
    owner = np.repeat(np.arange(n), k)
    lo = cat["price_min"].to_numpy(dtype=float)[prod]
    hi = cat["price_max"].to_numpy(dtype=float)[prod]
    base = _base_need(cat["base_unit"])[prod]
    santri = pes["santri"].to_numpy(dtype=float)[owner]
    size = len(prod)
    # 90 % confirmed in the last 60 days (0-59), 10 % long ago (135-149 days): those rest
    # (EngineConfig.stale_days) until confirmed, as in an active programme
    days = rng.integers(0, 150, size)
    days = np.where(days < 135, days * 59 // 134, days)
    confirmed = as_of - pd.to_timedelta(days, unit="D")
    windowed = rng.random(size) < (0.10 if kind == "offer" else 0.05)
    start = as_of + pd.to_timedelta(rng.integers(-60, 60, size), unit="D")
    end = start + pd.to_timedelta(rng.integers(14, 120, size), unit="D")
    frame = pd.DataFrame(
        {
            "listing_id": np.arange(first_id, first_id + size),
            "pesantren_id": pes["pesantren_id"].to_numpy()[owner],
            "product": cat["product"].to_numpy()[prod],
            "min_lot": 0.0,
            "available_from": pd.Series(start).where(windowed),
            "available_until": pd.Series(end).where(windowed),
            "last_confirmed": confirmed,
        }
    )
    if kind == "offer":
        quantity = base * rng.lognormal(1.2, 0.6, size)
        return frame.assign(quantity=np.round(quantity, 1), price=np.round(rng.uniform(lo, hi), -1))
    quantity = base * (santri / 400.0) * rng.lognormal(0.0, 0.4, size)
    ceiling = rng.uniform(lo + 0.3 * (hi - lo), hi * 1.05)
    no_ceiling = rng.random(size) < 0.2
    draw = rng.random(size)
    required = np.where(draw < 0.08, "halal;pirt", np.where(draw < 0.3, "halal", ""))
    return frame.assign(
        quantity=np.round(np.maximum(quantity, 1.0), 1),
        max_price=np.where(no_ceiling, np.nan, np.round(ceiling, -1)),
        required_certs=required,
    )


def _base_need(base_units: pd.Series) -> npt.NDArray[np.float64]:
    """Per product, :data:`_BASE_NEED` of its base unit's dimension (a unit outside
    :mod:`matcher.units` raises its :class:`~matcher.units.UnitError`)."""
    scale = {u: _BASE_NEED[unit_dimension(u)] for u in base_units.astype(str).unique()}
    return base_units.astype(str).map(scale).to_numpy(dtype=np.float64)


def _certificates(
    rng: np.random.Generator, offers: pd.DataFrame, cat: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    category = offers["product"].map(cat.set_index("product")["category"]).to_numpy()
    food = np.isin(category, list(_PROCESSED) + ["staples & groceries", "agricultural produce"])
    processed = np.isin(category, list(_PROCESSED))
    chance = {
        "halal": np.where(food, 0.65, 0.05),
        "pirt": np.where(processed, 0.45, 0.0),
        "bpom_md": np.where(processed, 0.08, 0.0),
        "sni": np.where(food, 0.03, 0.08),
    }
    frames = []
    for kind in CERT_KINDS:
        has = rng.random(len(offers)) < chance[kind]
        held = offers.loc[has, ["pesantren_id", "product"]]
        expired = rng.random(len(held)) < 0.1
        days = np.where(expired, -rng.integers(1, 365, len(held)), rng.integers(30, 900, len(held)))
        frames.append(
            held.assign(
                kind=kind,
                number=[f"{kind.upper()}-{i:07d}" for i in range(len(held))],
                expires=as_of + pd.to_timedelta(days, unit="D"),
            )
        )
    return pd.concat(frames, ignore_index=True)
