"""Consistent JSON errors for the API: ``{"error": {"code", "message", "details"}}``.

Codes are stable (clients branch on them); messages are for people and may change.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

__all__ = ["CODES", "ApiError", "error_response", "http_error"]

#: HTTP status → stable error code.
CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """Raise from an API view; rendered by :func:`error_response`."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, details: Any = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details


def error_response(error: ApiError) -> tuple[Response, int]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.details is not None:
        body["details"] = error.details
    response = jsonify({"error": body})
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="opop-match"'
    return response, error.status


def http_error(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    message = exc.description or exc.name
    if status == 429:
        message = "Too many requests; slow down and retry later."
    response, code = error_response(ApiError(status, str(message)))
    allowed = getattr(exc, "valid_methods", None)  # set by werkzeug's MethodNotAllowed
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response, code
