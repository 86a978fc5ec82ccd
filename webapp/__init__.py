"""OPOP Match web application: the app factory.

``create_app(test_config=None)`` builds the app; ``configure_*`` helpers keep each concern
(configuration, extensions, blueprints, templates) in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, abort, request

from . import models
from .config import configure
from .extensions import babel, compress, csrf, limiter, login_manager, select_locale

TRANSLATIONS = Path(__file__).parent / "translations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, instance_path=_instance_path())
    configure(app, test_config)
    configure_extensions(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_input_guards(app)
    warn_about_insecure_cookies(app)
    return app


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1")


def warn_about_insecure_cookies(app: Flask) -> None:
    """Log a warning when the app serves a non-local address (``BASE_URL``) without the Secure
    cookie flag: behind HTTPS the session cookie must never travel over plain HTTP."""
    from urllib.parse import urlsplit

    host = (urlsplit(str(app.config.get("BASE_URL") or "")).hostname or "").lower()
    local = host in LOCAL_HOSTS or host.endswith((".localhost", ".test")) or host.startswith("127.")
    if host and not local and not app.config.get("SESSION_COOKIE_SECURE"):
        app.logger.warning(
            "Serving %s with SESSION_COOKIE_SECURE off: the session cookie may travel over plain "
            "HTTP. Behind HTTPS set OPOP_SESSION_COOKIE_SECURE=true (README, Production).",
            host,
        )


def _instance_path() -> str | None:
    import os

    return os.environ.get("OPOP_INSTANCE_PATH") or None


def configure_extensions(app: Flask) -> None:
    models.db.init_app(app)
    with app.app_context():  # the engines exist from here on; Flask-SQLAlchemy made them
        for engine in models.db.engines.values():
            models.enforce_foreign_keys(engine)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    # Each area keeps its own catalogue under translations/<area>/; Flask-Babel merges them.
    dirs = (
        sorted(str(p) for p in TRANSLATIONS.iterdir() if p.is_dir())
        if TRANSLATIONS.exists()
        else []
    )
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs) or str(TRANSLATIONS)
    babel.init_app(app, locale_selector=select_locale)

    @login_manager.user_loader
    def load_user(session_id: str) -> models.User | None:
        """The user of a session id ``"<id>:<session version>"`` (:meth:`User.get_id`);
        None (signed out) once the user signed out elsewhere or changed the password."""
        user_id, _sep, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = models.db.session.get(models.User, int(user_id))
        if user is None or user.session_version != int(version):
            return None
        return user


def configure_blueprints(app: Flask) -> None:
    from .views import auth, officer, public

    app.register_blueprint(public.bp)
    from .views import report as report_views

    app.register_blueprint(report_views.bp)
    from .views import answer

    app.register_blueprint(answer.bp)
    from .views import join

    app.register_blueprint(join.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(officer.bp)
    from .views import api, facilitator

    facilitator.init_app(app)
    api.init_app(app)


def configure_templates(app: Flask) -> None:
    """Template filters, the error pages and the headers every response carries."""
    from . import errors, formatting, http_headers

    formatting.init_app(app)
    errors.init_app(app)
    http_headers.init_app(app)


def configure_input_guards(app: Flask) -> None:
    """Refuse NUL bytes in any parameter or JSON body before a view sees them: no field holds
    one, and PostgreSQL rejects them in text with a server error instead of a clear answer."""

    @app.before_request
    def reject_nul_bytes() -> None:
        from flask_babel import gettext

        api = request.path.startswith("/api/")  # the API speaks English (its contract)
        for where, values in (("query", request.args), ("form", request.form)):
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    if api:
                        abort(
                            400, description=f"The {where} parameter {key!r} contains a NUL byte."
                        )
                    message = (
                        gettext("The address parameter %(name)s contains a NUL byte.")
                        if where == "query"
                        else gettext("The form field %(name)s contains a NUL byte.")
                    )
                    abort(400, description=message % {"name": repr(key)})
        if request.is_json and "\\u0000" in request.get_data(as_text=True).lower():
            abort(400, description="The JSON body contains a NUL character (\\u0000).")
