"""Flask extensions, created unbound here and bound in :func:`webapp.create_app`."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

from .models import db

__all__ = ["babel", "compress", "csrf", "db", "limiter", "login_manager", "select_locale"]

csrf = CSRFProtect()
#: gzip / brotli for pages, JSON and SVG when the client asks (``COMPRESS_*`` in config).
compress = Compress()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
# Flask-Login's own "Please log in to access this page." is English only: ours is a lazy
# string, made text in the reader's language when it is flashed (a lazy string cannot be
# stored in the session).
login_manager.login_message = _l("Sign in to open this page.")
login_manager.localize_callback = str
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    """Bahasa Indonesia unless the visitor chose otherwise (``?lang=``, session, account)."""
    from flask import session

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI jobs and background threads
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return str(chosen)
    if session.get("lang") in languages:
        return str(session["lang"])
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return str(current_user.language)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


babel = Babel()
