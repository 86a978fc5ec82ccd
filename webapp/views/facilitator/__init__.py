"""The facilitator's pages (``/fasilitator``): match rounds, the network dashboard with its
map, graph and market gaps, spreadsheet import/export, pesantren and user management.

Every page needs a facilitator or admin; creating facilitator and admin accounts needs an
admin (checked in :mod:`.manage`).
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ...security import NETWORK_ROLES

__all__ = ["bp", "init_app"]

bp = Blueprint("facilitator", __name__, url_prefix="/fasilitator")


@bp.before_request
def _network_only() -> ResponseReturnValue | None:
    if not current_user.is_authenticated:
        from ...extensions import login_manager

        return login_manager.unauthorized()
    if current_user.role not in NETWORK_ROLES:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    from . import (  # noqa: F401 - registers the routes
        dashboard,
        decisions,
        gaps,
        joins,
        manage,
        review,
        rounds,
        sheets,
        transfer,
    )

    app.register_blueprint(bp)
