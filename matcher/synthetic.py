"""Synthetic markets for tests and the benchmark: realistic in shape, deterministic by seed.

Pesantren are spread over East Java's 38 regencies in proportion to their pesantren counts,
around each regency's capital; each carries its regency's region types (one of them
dominant). Production follows region type (highland pesantren offer potatoes, apples, coffee;
coastal ones salted fish, terasi, kerupuk), needs lean towards kitchen staples and towards
what the pesantren's own region does not make. Some certificates are expired, a tenth of the
listings rest (not confirmed for over 60 days), a few have availability windows and price ceilings — enough for every hard rule to
bite. Everything is drawn from one ``numpy.random.Generator(seed)``.

>>> m = synthetic_market(50, seed=7)
>>> m.size["pesantren"], m.size["offers"], m.size["needs"]
(50, 250, 250)
>>> synthetic_market(50, seed=7).offers.equals(m.offers)
True
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher.market import CERT_KINDS, Market

__all__ = ["REGENCIES", "builtin_catalogue", "synthetic_market"]

#: (BPS code, kabupaten, lat, lon, pesantren count 2021, region types dominant first).
REGENCIES: tuple[tuple[str, str, float, float, int, str], ...] = (
    ("3501", "Pacitan", -8.1945, 111.1013, 36, "coastal_fisheries;highland_agriculture"),
    ("3502", "Ponorogo", -7.8713, 111.4602, 94, "lowland_farming;highland_agriculture"),
    ("3503", "Trenggalek", -8.0495, 111.7093, 58, "coastal_fisheries;highland_agriculture"),
    ("3504", "Tulungagung", -8.0647, 111.8998, 40, "lowland_farming;coastal_fisheries"),
    (
        "3505",
        "Blitar",
        -8.1298,
        112.2178,
        133,
        "lowland_farming;highland_agriculture;coastal_fisheries",
    ),
    ("3506", "Kediri", -7.8193, 112.0415, 277, "lowland_farming;highland_agriculture"),
    (
        "3507",
        "Malang",
        -8.14,
        112.5618,
        71,
        "highland_agriculture;lowland_farming;coastal_fisheries",
    ),
    (
        "3508",
        "Lumajang",
        -8.1347,
        113.2233,
        145,
        "highland_agriculture;lowland_farming;coastal_fisheries",
    ),
    (
        "3509",
        "Jember",
        -8.1685,
        113.7005,
        611,
        "lowland_farming;highland_agriculture;coastal_fisheries",
    ),
    (
        "3510",
        "Banyuwangi",
        -8.2095,
        114.3727,
        113,
        "coastal_fisheries;lowland_farming;highland_agriculture",
    ),
    ("3511", "Bondowoso", -7.9127, 113.8208, 132, "highland_agriculture;lowland_farming"),
    ("3512", "Situbondo", -7.707, 114.0043, 186, "coastal_fisheries;lowland_farming"),
    (
        "3513",
        "Probolinggo",
        -7.7603,
        113.4153,
        78,
        "lowland_farming;highland_agriculture;coastal_fisheries",
    ),
    (
        "3514",
        "Pasuruan",
        -7.5975,
        112.7833,
        189,
        "lowland_farming;highland_agriculture;coastal_fisheries;urban",
    ),
    ("3515", "Sidoarjo", -7.4458, 112.7163, 139, "urban;coastal_fisheries"),
    ("3516", "Mojokerto", -7.5203, 112.5592, 122, "lowland_farming;highland_agriculture"),
    ("3517", "Jombang", -7.5568, 112.2322, 91, "lowland_farming"),
    ("3518", "Nganjuk", -7.6025, 111.9, 118, "lowland_farming"),
    ("3519", "Madiun", -7.5483, 111.6607, 88, "lowland_farming;highland_agriculture"),
    ("3520", "Magetan", -7.656, 111.3272, 43, "highland_agriculture;lowland_farming"),
    ("3521", "Ngawi", -7.4028, 111.4432, 156, "lowland_farming"),
    ("3522", "Bojonegoro", -7.1493, 111.8808, 262, "lowland_farming"),
    ("3523", "Tuban", -6.895, 112.064, 101, "coastal_fisheries;lowland_farming"),
    ("3524", "Lamongan", -7.1202, 112.4143, 160, "coastal_fisheries;lowland_farming"),
    ("3525", "Gresik", -7.1665, 112.6138, 95, "urban;coastal_fisheries;island"),
    ("3526", "Bangkalan", -7.0292, 112.7463, 130, "island;coastal_fisheries;lowland_farming"),
    ("3527", "Sampang", -7.1948, 113.2518, 361, "island;coastal_fisheries"),
    ("3528", "Pamekasan", -7.1603, 113.4815, 226, "island;coastal_fisheries;lowland_farming"),
    ("3529", "Sumenep", -7.008, 113.8588, 205, "island;coastal_fisheries"),
    ("3571", "Kota Kediri", -7.827, 112.01, 42, "urban"),
    ("3572", "Kota Blitar", -8.098, 112.164, 14, "urban"),
    ("3573", "Kota Malang", -7.9823, 112.6297, 48, "urban"),
    ("3574", "Kota Probolinggo", -7.744, 113.2148, 14, "urban;coastal_fisheries"),
    ("3575", "Kota Pasuruan", -7.6413, 112.9057, 31, "urban;coastal_fisheries"),
    ("3576", "Kota Mojokerto", -7.4632, 112.4308, 11, "urban"),
    ("3577", "Kota Madiun", -7.6292, 111.5153, 8, "urban"),
    ("3578", "Kota Surabaya", -7.3365, 112.715, 27, "urban;coastal_fisheries"),
    ("3579", "Kota Batu", -7.8702, 112.5263, 37, "highland_agriculture;urban"),
)

# slug, name_id, name_en, category, base_unit, shelf_life_class, price_min, price_max,
# produced_in, kitchen staple, substitutes, aliases
_PRODUCTS: tuple[tuple[str, str, str, str, str, str, int, int, str, bool, str, str], ...] = (
    (
        "beras-medium",
        "Beras medium",
        "Rice, medium grade",
        "staples & groceries",
        "kg",
        "dry_months",
        11500,
        13000,
        "lowland_farming",
        True,
        "beras-premium",
        "beras|rice",
    ),
    (
        "beras-premium",
        "Beras premium",
        "Rice, premium grade",
        "staples & groceries",
        "kg",
        "dry_months",
        13000,
        15000,
        "lowland_farming",
        True,
        "",
        "beras pulen",
    ),
    (
        "telur-ayam-ras",
        "Telur ayam ras",
        "Chicken eggs (layer)",
        "staples & groceries",
        "kg",
        "fresh_weeks",
        24000,
        28000,
        "lowland_farming",
        True,
        "",
        "telur|eggs",
    ),
    (
        "daging-ayam-ras",
        "Daging ayam ras (karkas)",
        "Broiler chicken meat",
        "staples & groceries",
        "kg",
        "chilled",
        30000,
        36000,
        "lowland_farming",
        True,
        "",
        "",
    ),
    (
        "minyak-goreng",
        "Minyak goreng sawit",
        "Palm cooking oil",
        "staples & groceries",
        "liter",
        "dry_months",
        15500,
        19500,
        "urban",
        True,
        "",
        "minyak|cooking oil",
    ),
    (
        "gula-pasir",
        "Gula pasir (gula kristal putih)",
        "White sugar",
        "staples & groceries",
        "kg",
        "dry_months",
        15500,
        17000,
        "lowland_farming",
        True,
        "gula-merah",
        "",
    ),
    (
        "garam-konsumsi",
        "Garam konsumsi beryodium",
        "Iodised table salt",
        "staples & groceries",
        "kg",
        "dry_months",
        4000,
        8000,
        "island;coastal_fisheries",
        True,
        "",
        "garam|salt",
    ),
    (
        "bawang-merah",
        "Bawang merah",
        "Shallots",
        "staples & groceries",
        "kg",
        "fresh_weeks",
        28000,
        40000,
        "lowland_farming",
        True,
        "",
        "",
    ),
    (
        "cabai-rawit",
        "Cabai rawit",
        "Bird's-eye chilli",
        "staples & groceries",
        "kg",
        "fresh_days",
        20000,
        60000,
        "lowland_farming;highland_agriculture",
        True,
        "",
        "",
    ),
    (
        "kentang",
        "Kentang",
        "Potatoes",
        "agricultural produce",
        "kg",
        "fresh_weeks",
        8000,
        14000,
        "highland_agriculture",
        True,
        "",
        "potato",
    ),
    (
        "kubis",
        "Kubis",
        "Cabbage",
        "agricultural produce",
        "kg",
        "fresh_days",
        2000,
        6000,
        "highland_agriculture",
        True,
        "",
        "",
    ),
    (
        "wortel",
        "Wortel",
        "Carrots",
        "agricultural produce",
        "kg",
        "fresh_weeks",
        4000,
        10000,
        "highland_agriculture",
        True,
        "",
        "",
    ),
    (
        "apel",
        "Apel (Batu/Poncokusumo/Nongkojajar)",
        "Apples",
        "agricultural produce",
        "kg",
        "fresh_weeks",
        5000,
        15000,
        "highland_agriculture",
        False,
        "",
        "",
    ),
    (
        "jeruk",
        "Jeruk (keprok/siam/pamelo)",
        "Citrus: tangerines, oranges, pomelo",
        "agricultural produce",
        "kg",
        "fresh_weeks",
        6000,
        15000,
        "highland_agriculture;lowland_farming",
        False,
        "",
        "",
    ),
    (
        "kopi-arabika-green",
        "Kopi arabika biji mentah (green bean)",
        "Arabica green coffee beans",
        "agricultural produce",
        "kg",
        "dry_months",
        60000,
        120000,
        "highland_agriculture",
        False,
        "kopi-robusta-green",
        "",
    ),
    (
        "kopi-robusta-green",
        "Kopi robusta biji kering (ose)",
        "Robusta green/dry coffee beans",
        "agricultural produce",
        "kg",
        "dry_months",
        45000,
        80000,
        "highland_agriculture",
        False,
        "",
        "",
    ),
    (
        "susu-sapi-segar",
        "Susu sapi segar",
        "Raw cow milk",
        "agricultural produce",
        "liter",
        "chilled",
        6500,
        8000,
        "highland_agriculture",
        False,
        "",
        "susu|milk",
    ),
    (
        "madu",
        "Madu",
        "Honey",
        "agricultural produce",
        "kg",
        "dry_months",
        80000,
        200000,
        "highland_agriculture",
        False,
        "",
        "",
    ),
    (
        "ikan-tongkol-segar",
        "Ikan tongkol segar",
        "Fresh little tuna / frigate tuna",
        "fish & seafood",
        "kg",
        "chilled",
        25000,
        40000,
        "coastal_fisheries",
        True,
        "ikan-kembung-segar",
        "tongkol|tuna",
    ),
    (
        "ikan-kembung-segar",
        "Ikan kembung segar",
        "Fresh Indian mackerel",
        "fish & seafood",
        "kg",
        "chilled",
        28000,
        42000,
        "coastal_fisheries",
        True,
        "",
        "",
    ),
    (
        "ikan-bandeng-segar",
        "Ikan bandeng segar",
        "Fresh milkfish",
        "fish & seafood",
        "kg",
        "chilled",
        25000,
        38000,
        "coastal_fisheries;urban",
        True,
        "",
        "",
    ),
    (
        "ikan-lele",
        "Ikan lele",
        "Catfish (farmed)",
        "fish & seafood",
        "kg",
        "live",
        18000,
        26000,
        "lowland_farming",
        True,
        "",
        "",
    ),
    (
        "ikan-asin",
        "Ikan asin",
        "Salted dried fish",
        "fish & seafood",
        "kg",
        "dry_months",
        25000,
        60000,
        "coastal_fisheries;island",
        True,
        "teri-asin",
        "gereh|grih|ikan kering|salted fish",
    ),
    (
        "teri-asin",
        "Ikan teri asin (jengki/nilon)",
        "Salted dried anchovy (common)",
        "fish & seafood",
        "kg",
        "dry_months",
        45000,
        95000,
        "coastal_fisheries;island",
        True,
        "",
        "teri|anchovy",
    ),
    (
        "ikan-pindang",
        "Ikan pindang",
        "Boiled-salted fish (pindang)",
        "fish & seafood",
        "kg",
        "chilled",
        20000,
        40000,
        "coastal_fisheries",
        True,
        "",
        "",
    ),
    (
        "terasi",
        "Terasi",
        "Shrimp/fish paste",
        "fish & seafood",
        "kg",
        "dry_months",
        30000,
        80000,
        "coastal_fisheries;island",
        True,
        "",
        "shrimp paste",
    ),
    (
        "petis",
        "Petis",
        "Petis (black fish/shrimp paste sauce)",
        "fish & seafood",
        "kg",
        "dry_months",
        25000,
        70000,
        "coastal_fisheries;island",
        True,
        "",
        "",
    ),
    (
        "kerupuk-ikan-mentah",
        "Kerupuk ikan/udang mentah",
        "Raw fish/prawn crackers",
        "fish & seafood",
        "kg",
        "dry_months",
        25000,
        60000,
        "coastal_fisheries",
        True,
        "",
        "",
    ),
    (
        "abon-ikan",
        "Abon ikan",
        "Shredded fried fish floss",
        "fish & seafood",
        "kg",
        "dry_months",
        120000,
        220000,
        "coastal_fisheries",
        False,
        "",
        "",
    ),
    (
        "rumput-laut-kering",
        "Rumput laut kering",
        "Dried seaweed (Eucheuma cottonii)",
        "fish & seafood",
        "kg",
        "dry_months",
        12000,
        25000,
        "island;coastal_fisheries",
        False,
        "",
        "",
    ),
    (
        "keripik-singkong",
        "Keripik singkong",
        "Cassava chips",
        "processed food",
        "kg",
        "dry_months",
        25000,
        45000,
        "lowland_farming;highland_agriculture",
        False,
        "",
        "",
    ),
    (
        "keripik-buah",
        "Keripik buah (apel, nangka, salak)",
        "Vacuum-fried fruit chips",
        "processed food",
        "kg",
        "dry_months",
        100000,
        220000,
        "highland_agriculture",
        False,
        "",
        "",
    ),
    (
        "tempe",
        "Tempe",
        "Tempe",
        "processed food",
        "kg",
        "fresh_days",
        12000,
        18000,
        "lowland_farming;urban",
        True,
        "tahu",
        "",
    ),
    (
        "tahu",
        "Tahu",
        "Tofu",
        "processed food",
        "kg",
        "fresh_days",
        8000,
        14000,
        "lowland_farming;urban",
        True,
        "",
        "",
    ),
    (
        "gula-merah",
        "Gula merah (kelapa/aren)",
        "Coconut / palm sugar",
        "processed food",
        "kg",
        "dry_months",
        15000,
        30000,
        "coastal_fisheries;highland_agriculture",
        True,
        "",
        "",
    ),
    (
        "kopi-bubuk",
        "Kopi bubuk",
        "Ground roasted coffee",
        "beverages",
        "kg",
        "dry_months",
        80000,
        200000,
        "highland_agriculture",
        True,
        "",
        "kopi|coffee",
    ),
    (
        "minuman-sari-apel",
        "Minuman sari buah (apel dll.)",
        "Fruit juice drink (e.g. apple)",
        "beverages",
        "dus",
        "dry_months",
        25000,
        45000,
        "highland_agriculture",
        False,
        "",
        "",
    ),
    (
        "sarung-tenun-mesin",
        "Sarung tenun (ATM, pabrikan)",
        "Machine-woven sarong",
        "fashion & textile",
        "pcs",
        "durable",
        45000,
        120000,
        "urban;lowland_farming",
        True,
        "",
        "",
    ),
    (
        "batik-tulis",
        "Batik tulis",
        "Hand-drawn batik cloth (~2 m)",
        "fashion & textile",
        "pcs",
        "durable",
        200000,
        1500000,
        "island;lowland_farming",
        False,
        "",
        "",
    ),
    (
        "kopiah-peci",
        "Kopiah / peci",
        "Muslim cap (peci)",
        "fashion & textile",
        "pcs",
        "durable",
        15000,
        75000,
        "urban;lowland_farming",
        True,
        "",
        "peci|songkok",
    ),
    (
        "seragam-santri",
        "Seragam santri (jahit)",
        "Santri uniform (tailored)",
        "fashion & textile",
        "pcs",
        "durable",
        60000,
        150000,
        "urban",
        True,
        "",
        "",
    ),
    (
        "sabun-cair",
        "Sabun cair / deterjen cair",
        "Liquid soap / detergent",
        "household",
        "liter",
        "durable",
        8000,
        16000,
        "urban;lowland_farming",
        True,
        "",
        "sabun|detergent",
    ),
)

_STEMS = (
    "Miftahul Ulum",
    "Darul Ulum",
    "Nurul Huda",
    "Darussalam",
    "Nurul Jadid",
    "Al-Hikmah",
    "Raudlatul Ulum",
    "Hidayatul Mubtadi'in",
    "Al-Falah",
    "Sabilul Muttaqin",
    "Bahrul Ulum",
    "Mambaul Ulum",
)
_BASE_NEED = {"kg": 120.0, "liter": 80.0, "pcs": 60.0, "dus": 30.0}
_PROCESSED = {"processed food", "fish & seafood", "beverages"}
_DAY_NS = 86_400 * 10**9


def builtin_catalogue() -> pd.DataFrame:
    """The built-in 42-product catalogue (Market columns plus ``produced_in`` and
    ``kitchen_staple``), drawn from the reference product taxonomy.

    >>> cat = builtin_catalogue()
    >>> cat.set_index("product").loc["ikan-asin", "produced_in"]
    'coastal_fisheries;island'
    """
    cols = [
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
    frame = pd.DataFrame(list(_PRODUCTS), columns=cols)
    return frame.astype({"price_min": float, "price_max": float})


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
        Product catalogue in Market columns (e.g. the seed catalogue); ``produced_in`` and
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
    counts = np.array([r[4] for r in REGENCIES], dtype=float)
    reg = rng.choice(len(REGENCIES), size=n, p=counts / counts.sum())
    lat = np.array([r[2] for r in REGENCIES])[reg] + rng.normal(0, 0.08, n)
    lon = np.array([r[3] for r in REGENCIES])[reg] + rng.normal(0, 0.10, n)
    types = [REGENCIES[i][5].split(";") for i in reg]
    # dominant type: the regency's first with probability 0.6, otherwise another of its types
    pick = [
        t[0] if len(t) == 1 or u < 0.6 else t[1 + int(v * (len(t) - 1))]
        for t, u, v in zip(types, rng.random(n), rng.random(n), strict=True)
    ]
    region_types = [
        ";".join([d, *[x for x in t if x != d]]) for d, t in zip(pick, types, strict=True)
    ]
    stems = rng.integers(0, len(_STEMS), n)
    return pd.DataFrame(
        {
            "pesantren_id": np.arange(1, n + 1),
            "name": [f"PP {_STEMS[s]} {i}" for i, s in enumerate(stems, start=1)],
            "regency_code": [REGENCIES[i][0] for i in reg],
            "kabupaten": [REGENCIES[i][1] for i in reg],
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
    base = cat["base_unit"].map(_BASE_NEED).fillna(50.0).to_numpy(dtype=float)[prod]
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
