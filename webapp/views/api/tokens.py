"""API tokens, created and revoked by a user for themself: JSON endpoints and an HTML page."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ...models import ApiToken, db, utcnow
from ...plausible import MAX_TOKEN_NAME
from . import bp
from .auth import issue_token, require_user
from .common import json_body
from .errors import ApiError
from .serialize import token_json

page_bp = Blueprint("api_tokens", __name__)


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_TOKEN_NAME:
        raise ValueError(_("Give the token a name of 1 to %(n)s characters.", n=MAX_TOKEN_NAME))
    return name.strip()


@bp.get("/tokens")
def tokens() -> Any:
    user = require_user()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    ).all()
    return jsonify({"data": [token_json(t) for t in rows]})


@bp.post("/tokens")
def token_create() -> Any:
    user = require_user()
    try:
        name = _check_name(json_body().get("name"))
    except ValueError as exc:
        raise ApiError(422, str(exc), details=[{"field": "name", "message": str(exc)}]) from None
    token, clear = issue_token(user, name)
    db.session.commit()
    response = jsonify({**token_json(token), "token": clear})
    response.status_code = 201
    return response


@bp.delete("/tokens/<int:token_id>")
def token_revoke(token_id: int) -> Response:
    user = require_user()
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ApiError(404, f"No token with id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return Response(status=204)


# -- the HTML page -----------------------------------------------------------------------


@page_bp.route("/akun/token", methods=["GET", "POST"])
@login_required
def token_page() -> Any:
    clear = None
    if request.method == "POST":
        try:
            name = _check_name(request.form.get("name", ""))
        except ValueError as exc:
            flash(str(exc), "error")
        else:
            _, clear = issue_token(current_user, name)  # type: ignore[arg-type]
            db.session.commit()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template("facilitator/tokens.html", tokens=rows, clear=clear)


@page_bp.post("/akun/token/<int:token_id>/cabut")
@login_required
def token_page_revoke(token_id: int) -> Any:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
        flash(_("Token revoked."), "info")
    return redirect(url_for("api_tokens.token_page"))
