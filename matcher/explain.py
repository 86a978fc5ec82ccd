"""Reasons in a sentence, in Indonesian (``"id"``) and English (``"en"``).

Numbers follow each language: ``55.000`` and ``3,5`` in Indonesian, ``55,000`` and ``3.5``
in English. A candidate reads like the listing a procurement officer would want to see:

>>> from matcher.synthetic import synthetic_market
>>> m = synthetic_market(40, seed=2)
>>> format_number(55000, "id"), format_number(55000, "en"), format_number(3.25, "id", 1)
('55.000', '55,000', '3,2')
>>> format_rupiah(1250000.0, "id")
'Rp 1.250.000'
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from matcher.market import Market
from matcher.results import Leg, Plan
from matcher.scoring import mask_to_kinds

__all__ = [
    "CERT_LABELS",
    "REGION_LABELS",
    "Lang",
    "explain_above",
    "explain_candidate",
    "explain_candidates",
    "explain_plan",
    "format_number",
    "format_rupiah",
    "plan_reasons",
]

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")

#: How certificate kinds are written in a sentence.
CERT_LABELS: dict[str, str] = {
    "halal": "halal",
    "pirt": "P-IRT",
    "bpom_md": "BPOM MD",
    "sni": "SNI",
}

#: Region types in each language (short, as a facilitator says them).
REGION_LABELS: dict[Lang, dict[str, str]] = {
    "id": {
        "highland_agriculture": "dataran tinggi",
        "coastal_fisheries": "pesisir",
        "lowland_farming": "dataran rendah",
        "urban": "perkotaan",
        "island": "kepulauan",
    },
    "en": {
        "highland_agriculture": "highland",
        "coastal_fisheries": "coastal",
        "lowland_farming": "lowland",
        "urban": "urban",
        "island": "island",
    },
}

_WORDS: dict[Lang, dict[str, str]] = {
    "id": {
        "month": "bulan",
        "produces": "memproduksi",
        "at": "dengan harga",
        "substitute": "pengganti",
        "supplies": "memasok",
        "to": "ke",
        "worth": "senilai",
        "barter": "Barter",
        "gives": "memberi",
        "each_way": "masing-masing senilai",
        "cycle": "Barter berantai {n} pondok",
        "each_leg": "setiap kaki senilai",
    },
    "en": {
        "month": "month",
        "produces": "produces",
        "at": "at",
        "substitute": "substitute for",
        "supplies": "supplies",
        "to": "to",
        "worth": "for",
        "barter": "Barter",
        "gives": "gives",
        "each_way": "each way worth",
        "cycle": "Barter cycle of {n} pondok",
        "each_leg": "each leg worth",
    },
}


def format_number(value: float, lang: Lang = "id", decimals: int = 0) -> str:
    """Group thousands and mark decimals as the language does (``id``: ``1.250,5``)."""
    if lang == "id":
        return f"{float(value):,.{decimals}f}".translate(_ID_MARKS)
    _check_lang(lang)
    return f"{float(value):,.{decimals}f}"


#: English grouping and decimal marks to Indonesian (``1,250.5`` → ``1.250,5``).
_ID_MARKS = str.maketrans(",.", ".,")


def format_rupiah(value: float, lang: Lang = "id") -> str:
    """Rupiah, rounded to whole rupiah: ``Rp 55.000`` / ``Rp 55,000``."""
    return "Rp " + format_number(round(float(value)), lang)


def format_quantity(value: float, lang: Lang = "id") -> str:
    """Whole numbers from 10 up, one decimal below."""
    return format_number(value, lang, 0 if abs(value) >= 10 else 1)


def format_km(value: float, lang: Lang = "id") -> str:
    """``42 km``; one decimal under 10 km."""
    return format_number(value, lang, 0 if value >= 10 else 1) + " km"


@dataclass(frozen=True)
class _Lookup:
    name: Mapping[int, str]
    region: Mapping[int, str]
    product_id: Mapping[str, str]
    product_en: Mapping[str, str]
    unit: Mapping[str, str]


_LOOKUPS: dict[int, _Lookup] = {}


def _lookup(market: Market) -> _Lookup:
    key = id(market)
    found = _LOOKUPS.get(key)
    if found is None:
        p, c = market.pesantren, market.catalogue
        ids = p["pesantren_id"].astype(int)
        found = _Lookup(
            name=dict(zip(ids, p["name"].astype(str), strict=True)),
            region=dict(zip(ids, p["region_types"].astype(str).str.split(";").str[0], strict=True)),
            product_id=dict(zip(c["product"], c["name_id"].astype(str), strict=True)),
            product_en=dict(
                zip(c["product"], c["name_en"].astype(str).map(_lower_first), strict=True)
            ),
            unit=dict(zip(c["product"], c["base_unit"].astype(str), strict=True)),
        )
        _LOOKUPS[key] = found
        weakref.finalize(market, _LOOKUPS.pop, key, None)
    return found


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _product(look: _Lookup, product: str, lang: Lang) -> str:
    names = look.product_id if lang == "id" else look.product_en
    return names.get(product, product)


def _region_pair(look: _Lookup, a: int, b: int, lang: Lang) -> str:
    ra, rb = look.region.get(a, ""), look.region.get(b, "")
    labels = REGION_LABELS[lang]
    if ra == rb or ra not in labels or rb not in labels:
        return ""
    return f"{labels[ra]} ↔ {labels[rb]}"


def explain_candidate(row: Mapping[str, Any], market: Market, lang: Lang = "id") -> str:
    """One sentence for one candidate (a row of :func:`matcher.find_candidates` or of
    :func:`matcher.find_suppliers`).

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> m = synthetic_market(40, seed=2)
    >>> row = {"supplier_id": 1, "buyer_id": 2, "product": "ikan-asin",
    ...        "need_product": "ikan-asin", "distance_km": 42.0, "price": 55000.0,
    ...        "offer_qty": 600.0, "cert_mask": 1}
    >>> explain_candidate(row, m, "id").split(";")[0].split(", ", 1)[1]
    '42 km, halal, memproduksi 600 kg/bulan Ikan asin dengan harga Rp 55.000/kg'
    >>> explain_candidate(row, m, "en").split(";")[0].split(", ", 1)[1]
    '42 km, halal, produces 600 kg/month salted dried fish at Rp 55,000/kg'
    """
    _check_lang(lang)
    look = _lookup(market)
    w = _WORDS[lang]
    supplier = int(row["supplier_id"])
    product = str(row["product"])
    unit = look.unit.get(product, "")
    parts = [look.name.get(supplier, f"#{supplier}")]
    if pd.notna(row.get("distance_km")):
        parts.append(format_km(float(row["distance_km"]), lang))
    certs = [CERT_LABELS[k] for k in mask_to_kinds(int(row.get("cert_mask", 0) or 0))]
    if certs:
        parts.append(" + ".join(certs))
    what = _product(look, product, lang)
    need_product = str(row.get("need_product", product) or product)
    if need_product != product:
        what += f" ({w['substitute']} {_product(look, need_product, lang)})"
    parts.append(
        f"{w['produces']} {format_quantity(float(row['offer_qty']), lang)} {unit}/{w['month']} "
        f"{what} {w['at']} {format_rupiah(float(row['price']), lang)}/{unit}"
    )
    sentence = ", ".join(parts)
    buyer = row.get("buyer_id")
    if buyer is not None and pd.notna(buyer):
        pair = _region_pair(look, supplier, int(buyer), lang)
        if pair:
            sentence += f"; {pair}"
    return sentence


#: What put a result above a nearer or cheaper one, per score component and language.
_ABOVE: dict[Lang, dict[str, str]] = {
    "id": {
        "head": "Peringkat di atas {other} ({what}) karena {why}",
        "nearer": "lebih dekat: {km}",
        "cheaper": "lebih murah: {price}",
        "and": " dan ",
        "product": "produknya persis yang dicari",
        "quantity": "jumlahnya lebih banyak",
        "enough": "jumlahnya mencukupi",
        "price": "harganya lebih baik",
        "distance": "jaraknya lebih dekat",
        "region": "wilayahnya saling melengkapi",
        "certification": "sertifikatnya lebih lengkap",
        "certs": "sertifikat {certs}",
        "freshness": "datanya baru dikonfirmasi",
        "track_record": "rekam jejaknya lebih baik",
    },
    "en": {
        "head": "Ranked above {other} ({what}) for {why}",
        "nearer": "nearer: {km}",
        "cheaper": "cheaper: {price}",
        "and": " and ",
        "product": "being the exact product",
        "quantity": "a larger quantity",
        "enough": "enough quantity",
        "price": "a better price",
        "distance": "being nearer",
        "region": "complementary regions",
        "certification": "more certificates",
        "certs": "a {certs} certificate",
        "freshness": "a recently confirmed listing",
        "track_record": "a better track record",
    },
}


def explain_above(
    *,
    other: str,
    nearer_km: float | None,
    cheaper_price: float | None,
    unit: str,
    reasons: Sequence[str],
    enough: bool = False,
    extra_certs: Sequence[str] = (),
    lang: Lang = "id",
) -> str:
    """Why a result ranks above ``other``, which is nearer (``nearer_km`` away) or cheaper
    (``cheaper_price`` per ``unit``): ``reasons`` are the score components it gains most on.
    ``enough``: its quantity covers the need; ``extra_certs``: certificates ``other`` lacks.

    >>> explain_above(other="PP Al-Ikhlas", nearer_km=15.0, cheaper_price=None, unit="kg",
    ...               reasons=["quantity", "certification"], enough=True,
    ...               extra_certs=["halal"], lang="id")
    'Peringkat di atas PP Al-Ikhlas (lebih dekat: 15 km) karena jumlahnya mencukupi dan sertifikat halal'
    >>> explain_above(other="PP Al-Ikhlas", nearer_km=None, cheaper_price=30000.0, unit="kg",
    ...               reasons=["track_record"], lang="en")
    'Ranked above PP Al-Ikhlas (cheaper: Rp 30,000/kg) for a better track record'
    """
    _check_lang(lang)
    words = _ABOVE[lang]
    what = []
    if nearer_km is not None:
        what.append(words["nearer"].format(km=format_km(nearer_km, lang)))
    if cheaper_price is not None:
        what.append(words["cheaper"].format(price=f"{format_rupiah(cheaper_price, lang)}/{unit}"))
    why = []
    for reason in reasons:
        if reason == "quantity" and enough:
            why.append(words["enough"])
        elif reason == "certification" and extra_certs:
            certs = " + ".join(CERT_LABELS.get(c, c) for c in extra_certs)
            why.append(words["certs"].format(certs=certs))
        else:
            why.append(words[reason])
    return words["head"].format(other=other, what=", ".join(what), why=words["and"].join(why))


def explain_candidates(candidates: pd.DataFrame, market: Market, lang: Lang = "id") -> pd.Series:
    """:func:`explain_candidate` for each row, aligned with ``candidates``' index.

    Meant for what a person reads (a page of results, a round's legs), not for every
    candidate of a national market.
    """
    records = candidates.to_dict("records")
    return pd.Series(
        [explain_candidate({str(k): v for k, v in r.items()}, market, lang) for r in records],
        index=candidates.index,
        dtype=object,
    )


def _leg_text(look: _Lookup, leg: Leg, lang: Lang) -> str:
    unit = look.unit.get(leg.product, "")
    return (
        f"{format_quantity(leg.quantity, lang)} {unit}/{_WORDS[lang]['month']} "
        f"{_product(look, leg.product, lang)}"
    )


def explain_plan(plan: Plan, market: Market, lang: Lang = "id") -> str:
    """One sentence for a trade, a barter pair or a barter cycle.

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> m = synthetic_market(40, seed=2)
    >>> leg = Leg(giver_id=1, receiver_id=2, offer_id=1, need_id=300, product="ikan-asin",
    ...           quantity=300.0, unit_price=55000.0, distance_km=42.0, score=0.8)
    >>> explain_plan(Plan(kind="trade", legs=(leg,), score=0.8), m, "en").split(" to ")[0]
    'PP Nurul Hidayah 1 supplies 300 kg/month salted dried fish'
    """
    _check_lang(lang)
    look = _lookup(market)
    w = _WORDS[lang]
    name = look.name
    month = w["month"]
    if not plan.legs:
        return ""
    if plan.kind == "trade":
        parts = []
        for leg in plan.legs:
            parts.append(
                f"{name.get(leg.giver_id, leg.giver_id)} {w['supplies']} "
                f"{_leg_text(look, leg, lang)} {w['to']} {name.get(leg.receiver_id, leg.receiver_id)} "
                f"({format_km(leg.distance_km, lang)}) {w['worth']} "
                f"{format_rupiah(leg.value, lang)}/{month}"
            )
        text = "; ".join(parts)
        pair = _region_pair(look, plan.legs[0].giver_id, plan.legs[0].receiver_id, lang)
        return text + (f"; {pair}" if pair else "")
    per_leg = plan.value / len(plan.legs)
    if plan.kind == "barter_pair" and len(plan.legs) == 2:
        a, b = plan.legs
        pair = _region_pair(look, a.giver_id, b.giver_id, lang)
        text = (
            f"{w['barter']}: {name.get(a.giver_id, a.giver_id)} {w['gives']} "
            f"{_leg_text(look, a, lang)} ⇄ {name.get(b.giver_id, b.giver_id)} {w['gives']} "
            f"{_leg_text(look, b, lang)}, {w['each_way']} {format_rupiah(per_leg, lang)}/{month}"
        )
        return text + (f"; {pair}" if pair else "")
    steps = "; ".join(
        f"{name.get(leg.giver_id, leg.giver_id)} → {name.get(leg.receiver_id, leg.receiver_id)}: "
        f"{_leg_text(look, leg, lang)}"
        for leg in plan.legs
    )
    head = w["cycle"].format(n=len(plan.participants))
    return f"{head}: {steps}; {w['each_leg']} {format_rupiah(per_leg, lang)}/{month}"


def plan_reasons(plan: Plan, market: Market) -> dict[str, str]:
    """``{"id": ..., "en": ...}`` for a plan, the shape of :attr:`Plan.reasons`."""
    return {lang: explain_plan(plan, market, lang) for lang in LANGS}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {list(LANGS)}")
