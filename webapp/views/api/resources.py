"""API resources: catalogue, pesantren, listings and supplier search."""

from __future__ import annotations

import math
from typing import Any

from flask import Response, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from matcher.vocabulary import CERT_KINDS, REGION_TYPES

from ...listings import FIELDS, ListingInput, check_listing, referenced
from ...market_io import reserved_quantities
from ...models import Listing, Pesantren, Product, ProductAlias, db, utcnow
from ...security import can_act_for
from . import bp
from .auth import require_user
from .common import curation_arg, int_arg, json_body, paginate, str_arg
from .errors import ApiError
from .serialize import listing_json, pesantren_json, product_json

# -- catalogue ---------------------------------------------------------------------------


@bp.get("/catalogue")
def catalogue() -> Any:
    query = select(Product).order_by(Product.category, Product.slug)
    if category := str_arg("category"):
        query = query.where(Product.category == category)
    if q := str_arg("q"):
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                Product.slug.ilike(like),
                Product.name_id.ilike(like),
                Product.name_en.ilike(like),
                Product.id.in_(
                    select(ProductAlias.product_id).where(ProductAlias.alias.ilike(like))
                ),
            )
        )
    return jsonify(paginate(query, product_json))


@bp.get("/catalogue/<slug>")
def product(slug: str) -> Any:
    row = db.session.scalar(select(Product).where(Product.slug == slug))
    if row is None:
        raise ApiError(404, f"No product with slug '{slug}'.")
    return jsonify(product_json(row))


# -- pesantren ---------------------------------------------------------------------------


@bp.get("/pesantren")
def pesantren_list() -> Any:
    query = select(Pesantren).order_by(Pesantren.name, Pesantren.id)
    if regency := str_arg("regency", max_length=4):
        query = query.where(Pesantren.regency_code == regency)
    if curation := curation_arg():
        query = query.where(Pesantren.curation_status.in_(curation))
    return jsonify(paginate(query, pesantren_json))


@bp.get("/pesantren/<int:pesantren_id>")
def pesantren_detail(pesantren_id: int) -> Any:
    row = db.session.get(Pesantren, pesantren_id)
    if row is None:
        raise ApiError(404, f"No pesantren with id {pesantren_id}.")
    return jsonify(pesantren_json(row))


# -- listings ----------------------------------------------------------------------------


def _visible_listing(listing_id: int) -> Listing:
    row = db.session.get(Listing, listing_id)
    if row is None or (row.status != "active" and not can_act_for(row.pesantren_id)):
        raise ApiError(404, f"No listing with id {listing_id}.")
    return row


@bp.get("/listings")
def listings() -> Any:
    user = require_user()
    query = select(Listing).join(Listing.product).order_by(Listing.id)
    if kind := str_arg("kind", ("offer", "need")):
        query = query.where(Listing.kind == kind)
    if slug := str_arg("product"):
        query = query.where(Product.slug == slug)
    if (pid := int_arg("pesantren_id")) is not None:
        query = query.where(Listing.pesantren_id == pid)
    mine = user.pesantren_id if user.role == "officer" else None
    if user.role == "officer":
        query = query.where(or_(Listing.status == "active", Listing.pesantren_id == mine))
    elif user.role not in ("facilitator", "admin"):
        query = query.where(Listing.status == "active")
    if status := str_arg("status", ("active", "paused", "archived")):
        query = query.where(Listing.status == status)
    return jsonify(paginate(query, listing_json))


@bp.get("/listings/<int:listing_id>")
def listing_detail(listing_id: int) -> Any:
    require_user()
    return jsonify(listing_json(_visible_listing(listing_id)))


def _own_listing(listing_id: int) -> Listing:
    user = require_user()
    row = _visible_listing(listing_id)
    if user.role != "officer" or user.pesantren_id != row.pesantren_id:
        raise ApiError(403, "Only an officer of the listing's pesantren may change it.")
    return row


def _language() -> str:
    """The API answers in English unless the client asks for Indonesian (``Accept-Language``
    or ``?lang=id``); the listing rules' messages come in that language."""
    chosen = request.args.get("lang")
    if chosen in ("id", "en"):
        return chosen
    return request.accept_languages.best_match(("en", "id"), default="en") or "en"


@bp.post("/listings")
def listing_create() -> Any:
    user = require_user()
    if user.role != "officer" or user.pesantren_id is None:
        raise ApiError(403, "Only a pesantren's officer may create its listings.")
    body = json_body()
    errors: dict[str, str] = {}
    kind = body.get("kind")
    if kind not in ("offer", "need"):
        errors["kind"] = "must be 'offer' or 'need'"
    product = None
    slug = body.get("product")
    if not isinstance(slug, str) or not slug:
        errors["product"] = "required: a product slug from /catalogue"
    else:
        product = db.session.scalar(select(Product).where(Product.slug == slug))
        if product is None:
            errors["product"] = f"unknown product '{slug}'"
    listing = Listing(pesantren_id=user.pesantren_id, kind=kind or "offer", status="active")
    if product is not None:
        listing.product_id = product.id
        listing.product = product
    default_unit = {"unit": product.base_unit} if product is not None else {}
    _apply(listing, {**default_unit, **body}, errors, product)
    if errors:
        raise ApiError(422, "The listing has invalid fields.", details=_field_errors(errors))
    db.session.add(listing)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(
            409,
            "This pesantren already has a listing of this kind for this product; "
            "update it instead.",
        ) from None
    response = jsonify(listing_json(listing))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/listings/{listing.id}"
    return response


@bp.patch("/listings/<int:listing_id>")
def listing_update(listing_id: int) -> Any:
    listing = _own_listing(listing_id)
    body = json_body()
    errors: dict[str, str] = {}
    unknown = sorted(set(body) - _EDITABLE - {"status"})
    if unknown:
        errors.update(dict.fromkeys(unknown, "cannot be changed"))
    if "status" in body:
        if body["status"] not in ("active", "paused", "archived"):
            errors["status"] = "must be active, paused or archived"
        else:
            listing.status = body["status"]
    stored = {name: getattr(listing, name) for name in FIELDS}
    committed = reserved_quantities(db.session, [listing.id]).get(listing.id, 0.0)
    _apply(listing, {**stored, **{k: v for k, v in body.items() if k in FIELDS}}, errors,
           listing.product, committed)  # fmt: skip
    if "required_certs" in body:
        _certs(listing, body["required_certs"], errors)
    if errors:
        db.session.rollback()
        raise ApiError(422, "The listing has invalid fields.", details=_field_errors(errors))
    listing.last_confirmed_at = utcnow()
    db.session.commit()
    return jsonify(listing_json(listing))


@bp.delete("/listings/<int:listing_id>")
def listing_delete(listing_id: int) -> Response:
    listing = _own_listing(listing_id)
    if not referenced(listing.id):
        db.session.delete(listing)
        try:
            db.session.commit()
            return Response(status=204)
        except IntegrityError:  # a round stored proposals on it meanwhile
            db.session.rollback()
    with force_locale(_language()):
        message = _(
            "The listing is part of proposals, which keep their history: it cannot be "
            "deleted. Pause or archive it instead (status 'paused' or 'archived')."
        )
    raise ApiError(409, message)


_EDITABLE = {*FIELDS, "required_certs"}


def _apply(
    listing: Listing,
    fields: dict[str, Any],
    errors: dict[str, str],
    product: Product | None,
    committed: float = 0.0,
) -> None:
    """Check ``fields`` (the whole listing) against the listing rules; set them when they
    pass, else add each problem under its field. ``required_certs`` on creation too.
    ``committed``: what confirmed proposals hold of the listing (the quantity's floor)."""
    verdict = check_listing(
        ListingInput(kind=listing.kind, **{name: fields.get(name) for name in FIELDS}),
        product,
        _language(),
        committed=committed,
    )
    errors.update(verdict.by_field())
    if verdict.ok:
        for name, value in verdict.values.items():
            setattr(listing, name, value)
    if listing.id is None:
        listing.required_certs = ""
        if "required_certs" in fields:
            _certs(listing, fields["required_certs"], errors)


def _certs(listing: Listing, certs: Any, errors: dict[str, str]) -> None:
    if not isinstance(certs, list) or any(c not in CERT_KINDS for c in certs):
        errors["required_certs"] = f"must be a list of {', '.join(CERT_KINDS)}"
    else:
        listing.required_certs = ";".join(dict.fromkeys(certs))


def _field_errors(errors: dict[str, str]) -> list[dict[str, str]]:
    return [{"field": name, "message": message} for name, message in sorted(errors.items())]


# -- supplier search ---------------------------------------------------------------------


@bp.get("/suppliers")
def suppliers() -> Any:
    """The engine's ranked supplier search (as on the officer's search page): active offers
    of a product that pass the hard rules, best score first, each with its reasons."""
    from matcher.search import SupplierQuery

    from ... import market_cache

    user = require_user()
    text = str_arg("product")
    if not text:
        raise ApiError(
            400, "Query parameter 'product' is required.", details={"parameter": "product"}
        )
    radius = int_arg("radius_km", None, minimum=1, maximum=2000)
    quantity = int_arg("quantity", None, minimum=1, maximum=10**9)
    region = str_arg("region_type", REGION_TYPES)
    certs = [c for c in str_arg("certs").split(",") if c]
    if any(c not in CERT_KINDS for c in certs):
        raise ApiError(
            400,
            f"Query parameter 'certs' takes {', '.join(CERT_KINDS)}.",
            details={"parameter": "certs"},
        )
    limit = int_arg("limit", 10, maximum=50) or 10
    curation = curation_arg()
    resolved = market_cache.resolve_product(text)
    if resolved.product is None:
        raise ApiError(
            404,
            f"No product matches '{text}'.",
            code="unknown_product",
            details={"candidates": [p.slug for p in resolved.choices[:5]]},
        )
    product = resolved.product
    query = SupplierQuery(
        product=product.slug,
        quantity=float(quantity) if quantity else None,
        pesantren_id=user.pesantren_id,
        radius_km=float(radius) if radius and user.pesantren_id else None,
        required_certs=tuple(certs),
        region_type=region or None,
    )
    frame = market_cache.suppliers_for(query, k=limit, curation=curation)
    offers = {
        li.id: li
        for li in db.session.scalars(
            select(Listing).where(Listing.id.in_([int(i) for i in frame.get("offer_id", [])]))
        )
    }
    rows: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        offer = offers.get(int(record["offer_id"]))
        if offer is None:
            continue
        distance = record.get("distance_km")
        rows.append(
            {
                "offer": listing_json(offer),
                "pesantren": pesantren_json(offer.pesantren, with_contact=True),
                "distance_km": None
                if distance is None or not math.isfinite(float(distance))
                else round(float(distance), 1),
                "certificates": _cert_list(record.get("certs")),
                "score": round(float(record.get("score", 0.0)), 4),
                "why": {"id": str(record.get("why_id", "")), "en": str(record.get("why_en", ""))},
            }
        )
    return jsonify({"product": product_json(product), "data": rows})


def _cert_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [c for c in value.replace(",", ";").split(";") if c]
    try:
        return sorted(str(c) for c in value)
    except TypeError:  # None or NaN: no certificates
        return []
