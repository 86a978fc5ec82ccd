"""Response headers every page carries: the security headers, and ``no-store`` on personal
pages. Registered app-wide by the app factory (:func:`init_app`), not by a blueprint."""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session

__all__ = ["CONTENT_SECURITY_POLICY", "init_app"]

#: No inline scripts or styles, no third-party origins, never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
    app.after_request(no_store_for_signed_in_pages)


def security_headers(response: Response) -> Response:
    csp = current_app.config.get("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("Content-Security-Policy", csp)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def no_store_for_signed_in_pages(response: Response) -> Response:
    """A signed-in page is personal: no shared or browser cache may keep it."""
    if "_user_id" in session or request.headers.get("Authorization"):
        response.headers["Cache-Control"] = "no-store"
    return response
