"""Generate the ILLUSTRATIVE East Java network: pesantren, offers, needs, certificates.

Every pesantren, name, contact, NSPP, listing and certificate written by this script is
**made up** (illustrative, not real data). Only the regencies, the product catalogue and the
name stems come from sourced reference data (see ``SOURCES.md``).

Run from anywhere; it rebuilds the four CSVs byte for byte::

    python seed_data/generate.py            # writes next to this file
    python seed_data/generate.py --out DIR  # writes elsewhere (the tests do this)

Deterministic: one seeded ``numpy`` generator, inputs read in file order, every choice made
over sorted or ordered sequences; standard library + numpy only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from network_profile import (  # a sibling file: generate.py runs as a script
    ANCHORS,
    CERT_KINDS_BY_PRODUCT,
    CURATION,
    FAMILY,
    FISH,
    HIGHLAND_GOODS,
    INPUTS,
    KITCHEN,
    MEN,
    NEED_NOTES,
    NEVER_OFFERED,
    OFFER_NOTES,
    PIRT_FOOD_CODE,
    PLACEMENT,
    SEASONAL,
    SHOP,
    SNI_NUMBER,
    SPECIALTIES,
    VILLAGE_HEADS,
    VILLAGE_TAILS,
    WOMEN,
)

HERE = Path(__file__).resolve().parent
SEED = 20261123
AS_OF = dt.date(2026, 11, 23)
TOTAL_PESANTREN = 720
MIN_PER_REGENCY = 3

PESANTREN_COLUMNS = [
    "nspp", "name", "regency_code", "address", "latitude", "longitude", "region_types",
    "santri_count", "contact_name", "whatsapp", "email", "language", "curation_status",
]  # fmt: skip
LISTING_COLUMNS = [
    "nspp", "product", "quantity", "unit", "unit_size", "period", "price", "min_lot",
    "required_certs", "available_from", "available_until", "status", "last_confirmed", "note",
]  # fmt: skip
CERTIFICATE_COLUMNS = ["nspp", "product", "kind", "number", "issued_on", "expires_on"]


def read_csv(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)


def fmt(value: float) -> str:
    """A number as a spreadsheet shows it: no trailing zeros, at most 3 decimals."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def nice(value: float) -> float:
    """Round to two significant figures, as people state quantities (1,234 → 1,200)."""
    if value <= 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(value)))
    return float(round(value, digits))


def pick(
    rng: np.random.Generator, items: Sequence[str], weights: Sequence[float] | None = None
) -> str:
    if weights is None:
        return items[int(rng.integers(len(items)))]
    p = np.asarray(weights, dtype=float)
    return items[int(rng.choice(len(items), p=p / p.sum()))]


def allocate(regencies: list[dict[str, str]]) -> dict[str, int]:
    """Pesantren per regency in proportion to the PDPP counts (largest remainder), min 3."""
    counts = {r["code"]: int(r["pesantren_count"]) for r in regencies}
    floor = dict.fromkeys(counts, MIN_PER_REGENCY)
    spare = TOTAL_PESANTREN - sum(floor.values())
    total = sum(counts.values())
    share = {
        code: max(0.0, counts[code] / total * TOTAL_PESANTREN - MIN_PER_REGENCY) for code in counts
    }
    scale = spare / sum(share.values())
    exact = {code: share[code] * scale for code in counts}
    result = {code: floor[code] + int(exact[code]) for code in counts}
    left = TOTAL_PESANTREN - sum(result.values())
    by_remainder = sorted(counts, key=lambda c: (-(exact[c] - int(exact[c])), c))
    for code in by_remainder[:left]:
        result[code] += 1
    return result


def place(rng: np.random.Generator, regency: dict[str, str]) -> tuple[float, float]:
    lat0, lon0, cap = PLACEMENT[regency["code"]]
    radius = min(cap, 0.4 * math.sqrt(float(regency["area_km2"])))
    distance = radius * float(rng.random()) ** 0.75  # denser towards the centre
    bearing = float(rng.random()) * 2 * math.pi
    lat = lat0 + distance * math.cos(bearing) / 111.0
    lon = lon0 + distance * math.sin(bearing) / (111.0 * math.cos(math.radians(lat0)))
    return round(lat, 5), round(lon, 5)


def make_pesantren(
    rng: np.random.Generator, regencies: list[dict[str, str]]
) -> list[dict[str, str]]:
    stems = read_csv("name_stems.csv")
    stem_names = [s["name_stem"] for s in stems]
    stem_weights = [float(s["count"]) for s in stems]
    per_regency = allocate(regencies)
    used_names: set[str] = set()
    rows: list[dict[str, str]] = []
    for regency in regencies:
        code = regency["code"]
        n = per_regency[code]
        serials = sorted(int(s) for s in rng.choice(np.arange(1, 1200), size=n, replace=False))
        types = regency["region_types"].split(";")
        for serial in serials:
            while True:
                stem = pick(rng, stem_names, stem_weights)
                village = pick(rng, VILLAGE_HEADS) + pick(rng, VILLAGE_TAILS)
                name = f"Pondok Pesantren {stem} {village}"
                if name not in used_names:
                    used_names.add(name)
                    break
            nspp = f"51{'03' if rng.random() < 0.1 else '00'}{code}{serial:04d}"
            weights = [0.6 if i == 0 else 0.4 / max(1, len(types) - 1) for i in range(len(types))]
            primary = pick(rng, types, weights)
            chosen = {primary}
            for other in types:
                if other != primary and rng.random() < 0.35:
                    chosen.add(other)
            region_types = ";".join(t for t in types if t in chosen)
            lat, lon = place(rng, regency)
            santri = int(np.clip(round(float(rng.lognormal(math.log(380), 0.85)), -1), 50, 5000))
            if rng.random() < 0.25:
                contact = (
                    f"{pick(rng, ['Ustadzah', 'Hj.', ''])} {pick(rng, WOMEN)} {pick(rng, FAMILY)}"
                )
            else:
                contact = (
                    f"{pick(rng, ['Ust.', 'H.', 'K.H.', ''])} {pick(rng, MEN)} {pick(rng, FAMILY)}"
                )
            handle = re.sub(r"[^a-z]", "", stem.lower())
            desa = "Kelurahan" if regency["kind"] == "kota" else "Desa"
            rows.append(
                {
                    "nspp": nspp,
                    "name": name,
                    "regency_code": code,
                    "address": f"{desa} {village}, {regency['name']} (alamat ilustratif)",
                    "latitude": f"{lat:.5f}",
                    "longitude": f"{lon:.5f}",
                    "region_types": region_types,
                    "santri_count": str(santri),
                    "contact_name": contact.strip(),
                    "whatsapp": f"62812{len(rows) + 1000:04d}{int(rng.integers(10000)):04d}",
                    "email": f"kopontren.{handle}.{village.lower()}@example.org",
                    "language": "en" if rng.random() < 0.1 else "id",
                    "curation_status": pick(rng, CURATION),
                }
            )
    return rows


def unit_options(product: dict[str, str], quantity: float) -> list[tuple[str, float | None, float]]:
    """(unit, unit_size, base units per unit) a seller or buyer might state ``quantity`` in."""
    base = product["base_unit"]
    options: list[tuple[str, float | None, float]] = [(base, None, 1.0)]
    sized_default = {"karung": ("kg", 50.0), "peti": ("kg", 20.0), "jerigen": ("liter", 20.0)}
    for alt in (a.strip().lower() for a in product["alt_units"].split("|") if a.strip()):
        unit = re.split(r"[\s(]", alt, maxsplit=1)[0]
        stated = re.search(r"(\d+(?:\.\d+)?)\s*(kg|pcs|l)\b", alt)
        if unit in sized_default and sized_default[unit][0] == base:
            size = float(stated.group(1)) if stated else sized_default[unit][1]
            options.append((unit, size, size))
        elif unit == "dus" and base == "pcs" and stated:
            options.append(("dus", float(stated.group(1)), float(stated.group(1))))
        elif alt.startswith("milk can") and base == "liter":
            options.append(("milk-can", None, 40.0))
    fixed = {"kg": [("kwintal", 100.0), ("ton", 1000.0)], "pcs": [("lusin", 12.0)]}
    options.extend((unit, None, factor) for unit, factor in fixed.get(base, []))
    if base == "pcs" and product["parent_category"] == "non-food":
        options.append(("kodi", None, 20.0))
    unique: dict[str, tuple[str, float | None, float]] = {}
    for option in options:
        unique.setdefault(option[0], option)
    return [o for o in unique.values() if o[2] == 1.0 or quantity / o[2] >= 2]


def listing(
    rng: np.random.Generator,
    product: dict[str, str],
    monthly: float,
    price: float | None,
    *,
    offer: bool,
) -> dict[str, str]:
    options = unit_options(product, monthly)
    weights = [0.45 if i == 0 else 0.55 / max(1, len(options) - 1) for i in range(len(options))]
    unit, unit_size, factor = options[
        int(rng.choice(len(options), p=np.asarray(weights) / sum(weights)))
    ]
    per_unit = max(1.0, nice(monthly / factor))
    period = pick(rng, ["month", "week", "day", "year"], [0.8, 0.12, 0.05, 0.03])
    share = {"month": 1.0, "week": 12 / 52, "day": 12 / 365, "year": 12.0}[period]
    quantity = nice(per_unit * share)
    if unit not in ("kg", "liter"):
        quantity = float(round(quantity))  # nobody offers 2.7 kodi or half a karung
    if quantity < 1:
        period, share, quantity = "month", 1.0, max(1.0, float(round(per_unit)))
    base_monthly = quantity / share * factor
    if abs(base_monthly / monthly - 1) > 0.15:
        # "1 kwintal per day" for 2,600 kg a month: too coarse, say it in the base unit.
        unit, unit_size, factor, period, share = product["base_unit"], None, 1.0, "month", 1.0
        quantity = max(1.0, nice(monthly))
        base_monthly = quantity
    min_lot = ""
    if rng.random() < 0.25:
        min_lot = fmt(nice(base_monthly * float(rng.uniform(0.05, 0.25))))
    days_ago = int(rng.integers(0, 60)) if rng.random() < 0.75 else int(rng.integers(61, 121))
    available_from = available_until = ""
    if offer and product["slug"] in SEASONAL and rng.random() < 0.5:
        start = AS_OF + dt.timedelta(days=int(rng.integers(-30, 40)))
        available_from = start.isoformat()
        available_until = (start + dt.timedelta(days=int(rng.integers(60, 180)))).isoformat()
    status = pick(rng, ["active", "paused", "archived"], [0.9, 0.07, 0.03])
    return {
        "product": product["slug"],
        "quantity": fmt(quantity),
        "unit": unit,
        "unit_size": "" if unit_size is None else fmt(unit_size),
        "period": period,
        "price": "" if price is None else fmt(price),
        "min_lot": min_lot,
        "required_certs": "",
        "available_from": available_from,
        "available_until": available_until,
        "status": status,
        "last_confirmed": (AS_OF - dt.timedelta(days=days_ago)).isoformat(),
        "note": pick(rng, OFFER_NOTES if offer else NEED_NOTES),
        "_monthly": repr(base_monthly),  # not written: lets buyers of inputs size their needs
    }


def round_price(value: float, low: float, high: float) -> float:
    step = 1000 if value >= 100_000 else 100 if value >= 5_000 else 50 if value >= 1_000 else 5
    return float(min(high, max(low, round(value / step) * step)))


def make_offers(
    rng: np.random.Generator,
    pesantren: list[dict[str, str]],
    products: list[dict[str, str]],
) -> list[dict[str, str]]:
    by_slug = {p["slug"]: p for p in products}
    offerable = [p for p in products if p["slug"] not in NEVER_OFFERED]
    anchors_left = {code: list(lists) for code, lists in ANCHORS.items()}
    rows: list[dict[str, str]] = []
    for school in pesantren:
        code = school["regency_code"]
        types = set(school["region_types"].split(";"))
        specialties = [s for s in SPECIALTIES.get(code, []) if s in by_slug]
        if anchors_left.get(code):
            chosen = anchors_left[code].pop(0)
        else:
            weights = []
            for product in offerable:
                produced = set(product["produced_in"].split(";"))
                weight = 1.0 if produced & types else 0.0
                if product["kitchen_staple"] == "true":
                    weight *= 2.0  # what every kitchen buys is what pesantren farms grow
                weight += 10.0 * specialties.count(product["slug"])
                if product["parent_category"] == "services":
                    weight *= 0.3
                weights.append(weight)
            k = min(
                int(pick(rng, ["1", "2", "3", "4"], [0.3, 0.35, 0.23, 0.12])),
                sum(w > 0 for w in weights),
            )
            p = np.asarray(weights) / sum(weights)
            chosen = [
                offerable[int(i)]["slug"]
                for i in rng.choice(len(offerable), size=k, replace=False, p=p)
            ]
        for slug in sorted(chosen):
            product = by_slug[slug]
            low, high = float(product["price_min"]), float(product["price_max"])
            price = round_price(low + float(rng.uniform(0.0, 0.8)) * (high - low), low, high)
            scale = (int(school["santri_count"]) / 500) ** 0.3
            value = float(np.clip(rng.lognormal(math.log(12e6), 0.8), 2e6, 1.5e8)) * scale
            monthly = max(1.0, value / ((low + high) / 2))
            row = listing(rng, product, monthly, price, offer=True)
            rows.append({"nspp": school["nspp"], **row})
    return rows


def make_needs(
    rng: np.random.Generator,
    pesantren: list[dict[str, str]],
    products: list[dict[str, str]],
    offers: list[dict[str, str]],
) -> list[dict[str, str]]:
    by_slug = {p["slug"]: p for p in products}
    offered_by: dict[str, set[str]] = {}
    offers_of: dict[str, list[dict[str, str]]] = {}
    for offer in offers:
        offered_by.setdefault(offer["nspp"], set()).add(offer["product"])
        if offer["status"] == "active":
            offers_of.setdefault(offer["nspp"], []).append(offer)
    rows: list[dict[str, str]] = []
    for school in pesantren:
        types = set(school["region_types"].split(";"))
        own = offered_by.get(school["nspp"], set())
        santri = int(school["santri_count"])
        wanted: dict[str, float] = {}
        rice = "beras-premium" if rng.random() < 0.2 else "beras-medium"
        if rice not in own and "beras-medium" not in own:
            wanted[rice] = KITCHEN["beras-medium"] * santri * 365 / 12
        kitchen = [s for s in KITCHEN if s not in ("beras-medium",) and s not in own]
        weights = []
        for slug in kitchen:
            weight = 1.0
            if (
                slug in FISH
                and ("highland_agriculture" in types or "lowland_farming" in types)
                and not types & {"coastal_fisheries", "island"}
            ):
                weight = 3.0  # inland kitchens buy fish from the coast
            if (
                slug in HIGHLAND_GOODS
                and types & {"coastal_fisheries", "island", "urban"}
                and "highland_agriculture" not in types
            ):
                weight = 3.0  # coastal kitchens buy vegetables from the highlands
            weights.append(weight)
        k = int(rng.integers(3, 8))
        for i in rng.choice(
            len(kitchen), size=k, replace=False, p=np.asarray(weights) / sum(weights)
        ):
            slug = kitchen[int(i)]
            wanted[slug] = KITCHEN[slug] * santri * 365 / 12
        shop = [s for s in SHOP if s not in own]
        for i in rng.choice(len(shop), size=int(rng.integers(1, 4)), replace=False):
            slug = shop[int(i)]
            wanted[slug] = SHOP[slug] * santri
        for offer in offers_of.get(school["nspp"], []):
            for slug, ratio in INPUTS.get(offer["product"], []):
                if slug not in own and slug not in wanted and rng.random() < 0.6:
                    wanted[slug] = float(offer["_monthly"]) * ratio
        for slug in sorted(wanted):
            product = by_slug[slug]
            high = float(product["price_max"])
            ceiling: float | None = round_price(high * float(rng.uniform(0.9, 1.1)), 0, high * 1.1)
            if rng.random() < 0.1:
                ceiling = None
            monthly = max(1.0, wanted[slug] * float(rng.uniform(0.7, 1.3)))
            row = listing(rng, product, monthly, ceiling, offer=False)
            kinds = CERT_KINDS_BY_PRODUCT.get(slug, ())
            required: list[str] = []
            if "halal" in kinds and rng.random() < 0.45:
                required.append("halal")
            if "pirt" in kinds and rng.random() < 0.2:
                required.append("pirt")
            if "bpom_md" in kinds and rng.random() < 0.35:
                required.append("bpom_md")
            row["required_certs"] = ";".join(required)
            rows.append({"nspp": school["nspp"], **row})
    return rows


def make_certificates(
    rng: np.random.Generator, offers: list[dict[str, str]]
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for offer in offers:
        kinds = CERT_KINDS_BY_PRODUCT.get(offer["product"], ())
        kab = offer["nspp"][6:8]
        for kind in kinds:
            if rng.random() > {"halal": 0.85, "pirt": 0.8, "bpom_md": 0.9, "sni": 0.9}[kind]:
                continue
            expired = rng.random() < 0.07
            if kind == "pirt" or kind == "bpom_md":
                # Valid five years: an expired one was issued more than five years ago.
                back = (
                    int(rng.integers(5 * 365 + 10, 7 * 365))
                    if expired
                    else int(rng.integers(30, 5 * 365 - 30))
                )
            else:
                back = (
                    int(rng.integers(4 * 365 + 10, 6 * 365))
                    if expired
                    else int(rng.integers(30, 4 * 365))
                )
            issued = AS_OF - dt.timedelta(days=back)
            if kind == "halal":
                # Post-2022 certificates stay valid; older ones carried four years.
                expires = (
                    "" if issued >= dt.date(2022, 11, 1) else _add_years(issued, 4).isoformat()
                )
                number = f"ID35{kab}{int(rng.integers(10**8, 10**9)):09d}{issued:%m%y}"
            elif kind == "pirt":
                expires_on = _add_years(issued, 5)
                food = PIRT_FOOD_CODE.get(offer["product"], 2)
                number = (
                    f"{int(rng.integers(1, 9))}{food:02d}35{kab}{int(rng.integers(1, 10)):02d}"
                    f"{int(rng.integers(1, 10000)):04d}-{expires_on.year % 100:02d}"
                )
                expires = expires_on.isoformat()
            elif kind == "bpom_md":
                expires = _add_years(issued, 5).isoformat()
                number = f"MD {int(rng.integers(10**11, 10**12)):012d}"
            else:
                expires = ""
                number = SNI_NUMBER[offer["product"]]
            rows.append(
                {
                    "nspp": offer["nspp"],
                    "product": offer["product"],
                    "kind": kind,
                    "number": number,
                    "issued_on": issued.isoformat(),
                    "expires_on": expires,
                }
            )
    return rows


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def generate(out: Path) -> dict[str, int]:
    """Write pesantren.csv, offers.csv, needs.csv and certificates.csv into ``out``."""
    rng = np.random.default_rng(SEED)
    regencies = read_csv("regencies.csv")
    products = read_csv("products.csv")
    pesantren = make_pesantren(rng, regencies)
    offers = make_offers(rng, pesantren, products)
    needs = make_needs(rng, pesantren, products, offers)
    certificates = make_certificates(rng, offers)
    out.mkdir(parents=True, exist_ok=True)
    key = lambda row: (row["nspp"], row["product"])  # noqa: E731
    write_csv(out / "pesantren.csv", PESANTREN_COLUMNS, sorted(pesantren, key=lambda r: r["nspp"]))
    write_csv(out / "offers.csv", LISTING_COLUMNS, sorted(offers, key=key))
    write_csv(out / "needs.csv", LISTING_COLUMNS, sorted(needs, key=key))
    write_csv(
        out / "certificates.csv",
        CERTIFICATE_COLUMNS,
        sorted(certificates, key=lambda r: (r["nspp"], r["product"], r["kind"])),
    )
    return {
        "pesantren": len(pesantren),
        "offers": len(offers),
        "needs": len(needs),
        "certificates": len(certificates),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write (default: here)")
    args = parser.parse_args(argv)
    counts = generate(args.out)
    print(", ".join(f"{n} {name}" for name, n in counts.items()))


if __name__ == "__main__":
    main()
