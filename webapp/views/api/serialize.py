"""Model → JSON dicts for the API (the shapes the OpenAPI document describes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_login import current_user

from ...models import (
    ApiToken,
    Listing,
    MatchRound,
    PairingDecision,
    Pesantren,
    Product,
    Proposal,
    utcnow,
)

__all__ = [
    "decision_json",
    "listing_json",
    "pesantren_json",
    "product_json",
    "proposal_json",
    "round_json",
    "token_json",
]


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def product_json(p: Product) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "name_id": p.name_id,
        "name_en": p.name_en,
        "category": p.category,
        "base_unit": p.base_unit,
        "alt_units": [u for u in p.alt_units.split("|") if u],
        "shelf_life_class": p.shelf_life_class,
        "price_min": float(p.price_min),
        "price_max": float(p.price_max),
        "aliases": p.aliases,
    }


def pesantren_json(p: Pesantren, *, with_contact: bool | None = None) -> dict[str, Any]:
    if with_contact is None:
        with_contact = bool(current_user.is_authenticated)
    out: dict[str, Any] = {
        "id": p.id,
        "name": p.name,
        "nspp": p.nspp,
        "regency_code": p.regency_code,
        "kabupaten": p.regency.name if p.regency else "",
        "region_types": p.region_types,
        "latitude": p.latitude,
        "longitude": p.longitude,
        "santri_count": p.santri_count,
        "curation_status": p.curation_status,
    }
    if with_contact:
        out["contact"] = {
            "name": p.contact_name,
            "whatsapp": p.whatsapp,
            "email": p.email,
            "address": p.address,
        }
    return out


def listing_json(li: Listing) -> dict[str, Any]:
    return {
        "id": li.id,
        "pesantren_id": li.pesantren_id,
        "kind": li.kind,
        "product": li.product.slug,
        "quantity": float(li.quantity),
        "unit": li.unit,
        "unit_size": _num(li.unit_size),
        "period": li.period,
        "price": _num(li.price),
        "min_lot": float(li.min_lot or 0),
        "required_certs": li.required_cert_list,
        "available_from": _when(li.available_from),
        "available_until": _when(li.available_until),
        "status": li.status,
        "note": li.note,
        "last_confirmed_at": _when(li.last_confirmed_at),
    }


def proposal_json(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "round_id": p.round_id,
        "kind": p.kind,
        "state": p.state,
        "score": float(p.score),
        "value_idr": float(p.value_idr),
        "reasons": p.reasons or {},
        "version": p.version,
        "legs": [
            {
                "id": leg.id,
                "giver_id": leg.giver_id,
                "giver": leg.giver.name,
                "receiver_id": leg.receiver_id,
                "receiver": leg.receiver.name,
                "offer_id": leg.offer_id,
                "need_id": leg.need_id,
                "product": leg.product.slug,
                "quantity": float(leg.quantity),
                "delivered_quantity": (
                    float(leg.delivered_quantity) if leg.delivered_quantity is not None else None
                ),
                "base_unit": leg.product.base_unit,
                "unit_price": float(leg.unit_price),
                "value_idr": float(leg.value_idr),
                "distance_km": float(leg.distance_km),
            }
            for leg in p.legs
        ],
        "parties": [
            {
                "pesantren_id": party.pesantren_id,
                "name": party.pesantren.name,
                "response": party.response,
                "decline_reason": party.decline_reason,
            }
            for party in p.parties
        ],
    }


def round_json(r: MatchRound, counts: dict[str, int] | None = None) -> dict[str, Any]:
    return {
        "id": r.id,
        "status": r.status,
        "as_of": _when(r.as_of),
        "progress": r.progress,
        "error": r.error,
        "created_at": _when(r.created_at),
        "published_at": _when(r.published_at),
        "summary": r.summary or {},
        "proposals": counts or {},
    }


def token_json(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "created_at": _when(t.created_at),
        "last_used_at": _when(t.last_used_at),
        "revoked_at": _when(t.revoked_at),
    }


def decision_json(d: PairingDecision) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind,
        "offer_id": d.offer_id,
        "need_id": d.need_id,
        "product": d.offer.product.slug,
        "giver_id": d.offer.pesantren_id,
        "receiver_id": d.need.pesantren_id,
        "quantity": _num(d.quantity),
        "reason": d.reason,
        "proposal_id": d.proposal_id,
        "created_by": d.created_by.name if d.created_by is not None else None,
        "created_at": _when(d.created_at),
        "expires_at": _when(d.expires_at),
        "lifted_at": _when(d.lifted_at),
        "active": d.active_at(utcnow()),
    }
