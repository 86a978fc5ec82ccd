"""The JSON API under ``/api/v1``: token or same-origin session auth, JSON errors with
stable codes, pagination, rate limiting, and its OpenAPI document.

Register with :func:`init_app`; the resources live in the sibling modules.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from ...extensions import csrf, limiter
from .errors import ApiError, error_response, http_error

__all__ = ["bp", "init_app"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _api_limit() -> str:
    return str(current_app.config.get("RATELIMIT_API", "300 per minute"))


@bp.before_request
def _authenticate() -> None:
    from .auth import authenticate_request

    authenticate_request()


@bp.url_value_preprocessor
def _bounded_ids(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Ids beyond a database integer cannot exist: answer 404, not a database error."""
    for name, value in (values or {}).items():
        if isinstance(value, int) and not 0 < value < 2**31:
            raise ApiError(404, f"No resource with {name} {value}.")


@bp.after_request
def _no_store(response: Any) -> Any:
    response.headers.setdefault("Cache-Control", "no-store")
    return response


bp.register_error_handler(ApiError, error_response)
bp.register_error_handler(HTTPException, http_error)
# By code as well: Flask prefers any handler registered for the code (even the app's HTML
# ones) over a class handler, and API clients must always get JSON.
for _code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500):
    bp.register_error_handler(_code, http_error)


@bp.get("/openapi.json")
def openapi() -> Any:
    from .openapi import document

    return jsonify(document())


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def _unknown(rest: str) -> Any:
    """Anything else under /api/v1: a JSON 404 (or 405 when the path exists)."""
    adapter = current_app.url_map.bind("")
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api._unknown":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound(f"No API resource at {request.path}.")


def init_app(app: Flask) -> None:
    from . import deals, decisions, proposals, resources, tokens  # noqa: F401 - registers the routes

    csrf.exempt(bp)
    limiter.limit(_api_limit, key_func=_rate_key)(bp)
    app.register_blueprint(bp)
    app.register_blueprint(tokens.page_bp)


def _rate_key() -> str:
    from .auth import rate_limit_key

    return rate_limit_key()
