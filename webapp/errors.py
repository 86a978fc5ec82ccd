"""Error pages: one handler for every HTTP error the app answers with.

A person gets the layout in their language (title, what happened, what to do next); an API
client (a path under ``/api/``, or one that asks for JSON) gets the API's error contract,
:func:`webapp.views.api.errors.http_error`. The API blueprint registers the same function
for its own routes, so both paths give one answer.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

__all__ = ["PAGES", "init_app", "render_error"]

#: status → (title, what happened and what to do next).
PAGES: dict[int, tuple[Any, Any]] = {
    400: (
        _l("Request not understood"),
        _l("The page could not read what was sent. Go back, check the form and try again."),
    ),
    403: (
        _l("No access"),
        _l(
            "Your account may not open this page. Sign in with another account, or ask your "
            "facilitator for access."
        ),
    ),
    404: (
        _l("Page not found"),
        _l(
            "There is no page at this address. It may have been moved or removed; check the "
            "address or start again from the start page."
        ),
    ),
    405: (
        _l("Action not allowed here"),
        _l("This page does not accept that kind of request. Go back and use the page's buttons."),
    ),
    413: (
        _l("File or form too large"),
        _l("What was sent is larger than the service accepts. Send a smaller file, or split it."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts. Wait a minute and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l(
            "The service hit an error and nothing was changed. Try again in a moment; if it "
            "happens again, tell your facilitator."
        ),
    ),
}
CSRF_PAGE = (
    _l("Form not accepted"),
    _l("This form has expired or was not sent from this site. Reload the page and try again."),
)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(
    status: int,
    title: Any,
    message: Any,
    *,
    detail: Any = None,
    retry_url: str | None = None,
) -> tuple[str, int]:
    """The error page in the layout: ``title``, ``message`` (and ``detail``) and a way back."""
    return render_template(
        "error.html",
        status=status,
        title=title,
        message=message,
        detail=detail,
        retry_url=retry_url,
    ), status


def handle_http_error(error: HTTPException) -> Any:
    status = error.code or 500
    if _wants_json():
        from .views.api.errors import http_error

        return http_error(error)
    title, message = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    # A view that says what was wrong (``abort(400, description=...)``, translated there)
    # is more use than the general text; Werkzeug's own English default is not shown, nor
    # Flask-Limiter's ("10 per 1 minute", its description of a 429).
    described = status == 400 and error.description != type(error).description
    return render_error(status, title, message, detail=error.description if described else None)


def handle_csrf_error(error: CSRFError) -> Any:
    if _wants_json():
        from .views.api.errors import http_error

        return http_error(error)
    return render_error(400, *CSRF_PAGE)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    # An uncaught exception reaches the 500 handler as InternalServerError (Flask does that
    # unless exceptions propagate, as in tests).
    for status in PAGES:
        app.register_error_handler(status, handle_http_error)
