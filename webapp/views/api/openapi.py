"""The OpenAPI 3 document of ``/api/v1``, kept next to the views it describes.

Tests validate it (openapi-spec-validator) and run schemathesis against the app with it, so
a view that drifts from this document fails the suite.
"""

from __future__ import annotations

from typing import Any

from matcher.vocabulary import CERT_KINDS, REGION_TYPES

from ...curation import MAX_FILTER_LENGTH, filter_values
from ...models import (
    CURATION_STATUSES,
    DECLINE_REASONS,
    PERIODS,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
)
from ...plausible import MAX_TOKEN_NAME

__all__ = ["document"]

ERROR_STATUSES = {
    "400": "Bad request (a malformed parameter or body)",
    "401": "Not signed in, or the token is unknown or revoked",
    "403": "Signed in, but not allowed",
    "404": "Not found (or not visible to you)",
    "405": "Method not allowed",
    "409": "Conflict with the current state",
    "422": "Validation failed (see details)",
    "429": "Rate limit exceeded",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: {"$ref": f"#/components/responses/E{code}"} for code in codes}


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["data", "meta", "links"],
        "properties": {
            "data": {"type": "array", "items": _ref(item)},
            "meta": _ref("PageMeta"),
            "links": _ref("PageLinks"),
        },
    }


def _param(
    name: str,
    schema: dict[str, Any],
    where: str = "query",
    required: bool = False,
    description: str = "",
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "in": where, "required": required, "schema": schema}
    if description:
        out["description"] = description
    return out


PAGE = [
    _param("page", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "default": 1}),
    _param("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
]
_KINDS = "|".join(CERT_KINDS)
CERTS_PATTERN = f"^(({_KINDS})(,({_KINDS}))*)?$"
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
_CURATION = "|".join(filter_values())
CURATION = _param(
    "curation_status",
    {
        "type": "string",
        "maxLength": MAX_FILTER_LENGTH,
        "pattern": f"^(({_CURATION})(,({_CURATION}))*)?$",
    },
    description="comma-separated: "
    + ", ".join(filter_values())
    + " (every curated level); an unknown value is refused",
)
AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"cookieAuth": []}]
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}, {"cookieAuth": []}]
TOKEN_ONLY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def _op(
    op_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    params: list[Any] | None = None,
    security: list[Any] | None = None,
    body: dict[str, Any] | None = None,
    tags: tuple[str, ...] = (),
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "responses": {**responses, **_errors("400", "429")},
        "security": security if security is not None else AUTH,
    }
    if params:
        out["parameters"] = params
    if body is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if tags:
        out["tags"] = list(tags)
    return out


def _schemas() -> dict[str, Any]:
    nullable_num = {"type": "number", "nullable": True}
    nullable_str = {"type": "string", "nullable": True}
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "example": "not_found"},
                        "message": {"type": "string"},
                        "details": {},
                    },
                }
            },
        },
        "PageMeta": {
            "type": "object",
            "required": ["page", "per_page", "total", "pages"],
            "properties": {
                k: {"type": "integer", "minimum": 0} for k in ("page", "per_page", "total", "pages")
            },
        },
        "PageLinks": {
            "type": "object",
            "required": ["self", "first", "last", "next", "prev"],
            "properties": {
                "self": {"type": "string"},
                "first": {"type": "string"},
                "last": {"type": "string"},
                "next": nullable_str,
                "prev": nullable_str,
            },
        },
        "Product": {
            "type": "object",
            "required": ["slug", "name_id", "name_en", "category", "base_unit"],
            "properties": {
                "slug": {"type": "string"},
                "name_id": {"type": "string"},
                "name_en": {"type": "string"},
                "category": {"type": "string"},
                "base_unit": {"type": "string"},
                "alt_units": {"type": "array", "items": {"type": "string"}},
                "shelf_life_class": {"type": "string"},
                "price_min": {"type": "number"},
                "price_max": {"type": "number"},
                "aliases": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Pesantren": {
            "type": "object",
            "description": "Public fields; `contact` only for signed-in users.",
            "required": ["id", "name", "regency_code", "region_types", "latitude", "longitude"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "nspp": nullable_str,
                "regency_code": {"type": "string"},
                "kabupaten": {"type": "string"},
                "region_types": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(REGION_TYPES)},
                },
                "latitude": {"type": "number"},
                "longitude": {"type": "number"},
                "santri_count": {"type": "integer"},
                "curation_status": {"type": "string", "enum": list(CURATION_STATUSES)},
                "contact": {
                    "type": "object",
                    "properties": {
                        k: {"type": "string"} for k in ("name", "whatsapp", "email", "address")
                    },
                },
            },
        },
        "Listing": {
            "type": "object",
            "required": [
                "id",
                "pesantren_id",
                "kind",
                "product",
                "quantity",
                "unit",
                "period",
                "status",
            ],
            "properties": {
                "id": {"type": "integer"},
                "pesantren_id": {"type": "integer"},
                "kind": {"type": "string", "enum": ["offer", "need"]},
                "product": {"type": "string"},
                "quantity": {"type": "number"},
                "unit": {"type": "string"},
                "unit_size": nullable_num,
                "period": {"type": "string", "enum": list(PERIODS)},
                "price": nullable_num,
                "min_lot": {"type": "number"},
                "required_certs": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(CERT_KINDS)},
                },
                "status": {"type": "string", "enum": ["active", "paused", "archived"]},
                "available_from": nullable_str,
                "available_until": nullable_str,
                "note": {"type": "string"},
                "last_confirmed_at": nullable_str,
            },
        },
        "ListingWrite": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": ["offer", "need"]},
                "product": {"type": "string", "description": "a slug from /catalogue"},
                "quantity": {"type": "number", "exclusiveMinimum": True, "minimum": 0},
                "unit": {"type": "string"},
                "unit_size": {"type": "number"},
                "period": {"type": "string", "enum": list(PERIODS)},
                "price": nullable_num,
                "min_lot": {"type": "number", "minimum": 0},
                "required_certs": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(CERT_KINDS)},
                },
                "status": {"type": "string", "enum": ["active", "paused", "archived"]},
                "available_from": {
                    "type": "string",
                    "format": "date",
                    "nullable": True,
                    "description": "first day the listing holds (YYYY-MM-DD)",
                },
                "available_until": {
                    "type": "string",
                    "format": "date",
                    "nullable": True,
                    "description": "last day the listing holds; not before available_from",
                },
                "note": {"type": "string", "maxLength": 500},
            },
        },
        "ListingCreate": {
            "allOf": [_ref("ListingWrite")],
            "type": "object",
            "required": ["kind", "product", "quantity"],
            "description": "The rules are the officer form's and the spreadsheet import's: an "
            "offer needs a `price`; `unit` defaults to the product's base unit and must be one of "
            "its units; a unit whose size varies needs `unit_size` unless the catalogue states "
            "it; at most 1,000,000 base units a month. Numbers may be JSON numbers or text "
            "(read in the `Accept-Language`, English by default); messages come in that "
            "language too.",
        },
        "Leg": {
            "type": "object",
            "properties": {
                **{
                    k: {"type": "integer"}
                    for k in ("id", "giver_id", "receiver_id", "offer_id", "need_id")
                },
                **{k: {"type": "string"} for k in ("giver", "receiver", "product", "base_unit")},
                **{
                    k: {"type": "number"}
                    for k in ("quantity", "unit_price", "value_idr", "distance_km")
                },
                "delivered_quantity": {
                    **nullable_num,
                    "description": "what changed hands (base unit per month), once completed",
                },
            },
        },
        "Proposal": {
            "type": "object",
            "required": ["id", "round_id", "kind", "state", "legs", "parties"],
            "properties": {
                "id": {"type": "integer"},
                "round_id": {"type": "integer"},
                "kind": {"type": "string", "enum": list(PROPOSAL_KINDS)},
                "state": {"type": "string", "enum": list(PROPOSAL_STATES)},
                "score": {"type": "number"},
                "value_idr": {"type": "number"},
                "reasons": {"type": "object"},
                "version": {"type": "integer"},
                "legs": {"type": "array", "items": _ref("Leg")},
                "parties": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "pesantren_id": {"type": "integer"},
                            "name": {"type": "string"},
                            "response": {"type": "string"},
                            "decline_reason": nullable_str,
                        },
                    },
                },
            },
        },
        "Decline": {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "reason": {"type": "string", "enum": list(DECLINE_REASONS)},
                "note": {"type": "string", "maxLength": 500},
                "version": {"type": "integer"},
            },
        },
        "Completion": {
            "type": "object",
            "description": "What was delivered, per leg; a leg left out delivered as agreed.",
            "properties": {
                "legs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["leg_id", "delivered_quantity"],
                        "properties": {
                            "leg_id": ID,
                            "delivered_quantity": {
                                "type": "number",
                                "exclusiveMinimum": True,
                                "minimum": 0,
                                "description": "base unit per month, at most the agreed",
                            },
                        },
                    },
                },
                "version": {"type": "integer"},
            },
        },
        "Cancellation": {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "reason": {"type": "string", "minLength": 1, "maxLength": 500, "pattern": "\\S"},
                "version": {"type": "integer"},
            },
        },
        "Decision": {
            "type": "object",
            "required": ["id", "kind", "offer_id", "need_id", "active"],
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string", "enum": ["veto", "cap"]},
                "offer_id": {"type": "integer"},
                "need_id": {"type": "integer"},
                "product": {"type": "string"},
                "giver_id": {"type": "integer"},
                "receiver_id": {"type": "integer"},
                "quantity": {"type": "number", "nullable": True},
                "reason": {"type": "string"},
                "proposal_id": {"type": "integer", "nullable": True},
                "created_by": nullable_str,
                "created_at": {"type": "string"},
                "expires_at": nullable_str,
                "lifted_at": nullable_str,
                "active": {"type": "boolean"},
            },
        },
        "Round": {
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": {"type": "integer"},
                "status": {"type": "string"},
                "as_of": nullable_str,
                "progress": {"type": "string"},
                "error": {"type": "string"},
                "created_at": nullable_str,
                "published_at": nullable_str,
                "summary": {"type": "object"},
                "proposals": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
        },
        "Token": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "created_at": nullable_str,
                "last_used_at": nullable_str,
                "revoked_at": nullable_str,
                "token": {"type": "string", "description": "only in the creation response"},
            },
        },
        "Supplier": {
            "type": "object",
            "properties": {
                "offer": _ref("Listing"),
                "pesantren": _ref("Pesantren"),
                "distance_km": nullable_num,
                "certificates": {"type": "array", "items": {"type": "string"}},
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "why": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
                },
            },
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI 3.0 document (a fresh dict each call)."""
    ok = "OK"
    paths: dict[str, Any] = {
        "/catalogue": {
            "get": _op(
                "listProducts",
                "The product catalogue (public)",
                {"200": _json(_page_of("Product"), ok)},
                params=[
                    *PAGE,
                    _param("q", {"type": "string", "maxLength": 120}),
                    _param("category", {"type": "string", "maxLength": 120}),
                ],
                security=OPTIONAL_AUTH,
                tags=("catalogue",),
            )
        },
        "/catalogue/{slug}": {
            "get": _op(
                "getProduct",
                "One product",
                {"200": _json(_ref("Product"), ok), **_errors("404")},
                params=[_param("slug", {"type": "string"}, "path", True)],
                security=OPTIONAL_AUTH,
                tags=("catalogue",),
            )
        },
        "/pesantren": {
            "get": _op(
                "listPesantren",
                "The pesantren directory (contact only when signed in)",
                {"200": _json(_page_of("Pesantren"), ok)},
                params=[*PAGE, _param("regency", {"type": "string", "maxLength": 4}), CURATION],
                security=OPTIONAL_AUTH,
                tags=("pesantren",),
            )
        },
        "/pesantren/{pesantren_id}": {
            "get": _op(
                "getPesantren",
                "One pesantren",
                {"200": _json(_ref("Pesantren"), ok), **_errors("404")},
                params=[_param("pesantren_id", ID, "path", True)],
                security=OPTIONAL_AUTH,
                tags=("pesantren",),
            )
        },
        "/listings": {
            "get": _op(
                "listListings",
                "Offers and needs (active ones; your own in any status)",
                {"200": _json(_page_of("Listing"), ok), **_errors("401")},
                params=[
                    *PAGE,
                    _param("kind", {"type": "string", "enum": ["offer", "need"]}),
                    _param("product", {"type": "string", "maxLength": 120}),
                    _param("pesantren_id", ID),
                    _param("status", {"type": "string", "enum": ["active", "paused", "archived"]}),
                ],
                tags=("listings",),
            ),
            "post": _op(
                "createListing",
                "Create a listing for your pesantren (officers)",
                {"201": _json(_ref("Listing"), "Created"), **_errors("401", "403", "409", "422")},
                body=_ref("ListingWrite"),
                security=TOKEN_ONLY,
                tags=("listings",),
            ),
        },
        "/listings/{listing_id}": {
            "get": _op(
                "getListing",
                "One listing",
                {"200": _json(_ref("Listing"), ok), **_errors("401", "404")},
                params=[_param("listing_id", ID, "path", True)],
                tags=("listings",),
            ),
            "patch": _op(
                "updateListing",
                "Change your listing (its pesantren's officers)",
                {"200": _json(_ref("Listing"), ok), **_errors("401", "403", "404", "422")},
                params=[_param("listing_id", ID, "path", True)],
                body=_ref("ListingWrite"),
                security=TOKEN_ONLY,
                tags=("listings",),
            ),
            "delete": _op(
                "deleteListing",
                "Delete your listing",
                {"204": {"description": "Deleted"}, **_errors("401", "403", "404", "409")},
                params=[_param("listing_id", ID, "path", True)],
                security=TOKEN_ONLY,
                tags=("listings",),
            ),
        },
        "/suppliers": {
            "get": _op(
                "searchSuppliers",
                "Suppliers of a product ranked by the engine, with their reasons",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["product", "data"],
                            "properties": {
                                "product": _ref("Product"),
                                "data": {"type": "array", "items": _ref("Supplier")},
                            },
                        },
                        ok,
                    ),
                    **_errors("401", "404"),
                },
                params=[
                    _param(
                        "product",
                        {"type": "string", "minLength": 1, "maxLength": 120},
                        required=True,
                        description="slug, name or alias",
                    ),
                    _param("quantity", {"type": "integer", "minimum": 1, "maximum": 10**9}),
                    _param("radius_km", {"type": "integer", "minimum": 1, "maximum": 2000}),
                    _param(
                        "certs",
                        {"type": "string", "pattern": CERTS_PATTERN},
                        description="comma-separated: " + ", ".join(CERT_KINDS),
                    ),
                    _param("region_type", {"type": "string", "enum": list(REGION_TYPES)}),
                    CURATION,
                    _param("limit", {"type": "integer", "minimum": 1, "maximum": 50}),
                ],
                tags=("suppliers",),
            )
        },
        "/proposals": {
            "get": _op(
                "listProposals",
                "Proposals: your pesantren's published ones, or all (facilitators)",
                {"200": _json(_page_of("Proposal"), ok), **_errors("401")},
                params=[
                    *PAGE,
                    _param("state", {"type": "string", "enum": list(PROPOSAL_STATES)}),
                    _param("kind", {"type": "string", "enum": list(PROPOSAL_KINDS)}),
                    _param("round_id", ID),
                ],
                tags=("proposals",),
            )
        },
        "/proposals/{proposal_id}": {
            "get": _op(
                "getProposal",
                "One proposal",
                {"200": _json(_ref("Proposal"), ok), **_errors("401", "404")},
                params=[_param("proposal_id", ID, "path", True)],
                tags=("proposals",),
            )
        },
        "/proposals/{proposal_id}/accept": {
            "post": _op(
                "acceptProposal",
                "Accept for your pesantren",
                {"200": _json(_ref("Proposal"), ok), **_errors("401", "403", "404", "409", "422")},
                params=[_param("proposal_id", ID, "path", True)],
                security=TOKEN_ONLY,
                tags=("proposals",),
            )
        },
        "/proposals/{proposal_id}/decline": {
            "post": _op(
                "declineProposal",
                "Decline for your pesantren, with a reason",
                {"200": _json(_ref("Proposal"), ok), **_errors("401", "403", "404", "409", "422")},
                params=[_param("proposal_id", ID, "path", True)],
                body=_ref("Decline"),
                security=TOKEN_ONLY,
                tags=("proposals",),
            )
        },
        "/proposals/{proposal_id}/complete": {
            "post": _op(
                "completeProposal",
                "Mark a confirmed deal completed, with the delivered quantities "
                "(an officer of a party, or a facilitator); what was not delivered is free again",
                {"200": _json(_ref("Proposal"), ok), **_errors("401", "403", "404", "409", "422")},
                params=[_param("proposal_id", ID, "path", True)],
                body=_ref("Completion"),
                security=TOKEN_ONLY,
                tags=("proposals",),
            )
        },
        "/proposals/{proposal_id}/cancel": {
            "post": _op(
                "cancelProposal",
                "Cancel a deal with a reason (a party: its confirmed deal; a facilitator: any "
                "open or confirmed proposal)",
                {"200": _json(_ref("Proposal"), ok), **_errors("401", "403", "404", "409", "422")},
                params=[_param("proposal_id", ID, "path", True)],
                body=_ref("Cancellation"),
                security=TOKEN_ONLY,
                tags=("proposals",),
            )
        },
        "/decisions": {
            "get": _op(
                "listDecisions",
                "The facilitators' vetoes and caps in force: pairings later rounds leave out or "
                "cap (facilitators)",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["data"],
                            "properties": {"data": {"type": "array", "items": _ref("Decision")}},
                        },
                        ok,
                    ),
                    **_errors("401", "403"),
                },
                tags=("rounds",),
            )
        },
        "/decisions/{decision_id}/lift": {
            "post": _op(
                "liftDecision",
                "Lift a veto or cap: the next round may propose the pairing again (facilitators)",
                {"200": _json(_ref("Decision"), ok), **_errors("401", "403", "404")},
                params=[_param("decision_id", ID, "path", True)],
                security=TOKEN_ONLY,
                tags=("rounds",),
            )
        },
        "/rounds": {
            "get": _op(
                "listRounds",
                "Match rounds (facilitators)",
                {"200": _json(_page_of("Round"), ok), **_errors("401", "403")},
                params=PAGE,
                tags=("rounds",),
            ),
            "post": _op(
                "runRound",
                "Queue a match round for the round worker (facilitators)",
                {
                    "202": _json(_ref("Round"), "Queued: poll the round's progress"),
                    **_errors("401", "403", "409"),
                },
                security=TOKEN_ONLY,
                tags=("rounds",),
            ),
        },
        "/rounds/{round_id}": {
            "get": _op(
                "getRound",
                "One round with its proposal counts by state",
                {"200": _json(_ref("Round"), ok), **_errors("401", "403", "404")},
                params=[_param("round_id", ID, "path", True)],
                tags=("rounds",),
            )
        },
        "/rounds/{round_id}/publish": {
            "post": _op(
                "publishRound",
                "Publish a draft round's proposals to the officers",
                {"200": _json(_ref("Round"), ok), **_errors("401", "403", "404", "409")},
                params=[_param("round_id", ID, "path", True)],
                security=TOKEN_ONLY,
                tags=("rounds",),
            )
        },
        "/tokens": {
            "get": _op(
                "listTokens",
                "Your API tokens",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["data"],
                            "properties": {"data": {"type": "array", "items": _ref("Token")}},
                        },
                        ok,
                    ),
                    **_errors("401"),
                },
                tags=("tokens",),
            ),
            "post": _op(
                "createToken",
                "Create a token (shown once)",
                {"201": _json(_ref("Token"), "Created"), **_errors("401", "422")},
                body={
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        # not only spaces: the name is what the token list shows
                        "name": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": MAX_TOKEN_NAME,
                            "pattern": r"\S",
                        }
                    },
                },
                security=TOKEN_ONLY,
                tags=("tokens",),
            ),
        },
        "/tokens/{token_id}": {
            "delete": _op(
                "revokeToken",
                "Revoke one of your tokens",
                {"204": {"description": "Revoked"}, **_errors("401", "404")},
                params=[_param("token_id", ID, "path", True)],
                security=TOKEN_ONLY,
                tags=("tokens",),
            )
        },
    }
    responses = {f"E{code}": _json(_ref("Error"), text) for code, text in ERROR_STATUSES.items()}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "OPOP Match API",
            "version": "1.0.0",
            "description": (
                "Inter-pesantren trade matching for East Java's OPOP programme. Errors are "
                '`{"error": {"code", "message", "details"}}` with a stable `code`. Lists are '
                "paginated with `page` / `per_page` and return `data`, `meta`, `links`. Send "
                "`Authorization: Bearer <token>` (tokens: /akun/token); a signed-in browser "
                "session also works for GET requests from our own pages."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "responses": responses,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }
