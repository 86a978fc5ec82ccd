"""Who may do what: role checks for views, shared by every blueprint.

Roles: ``officer`` (bound to one pesantren), ``facilitator`` (the whole network), ``admin``
(users; also everything a facilitator may do).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from .models import NETWORK_ROLES

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: str) -> Callable[[F], F]:
    """Require a signed-in user with one of ``roles`` (401 → login page, 403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def is_network_user() -> bool:
    return bool(current_user.is_authenticated and current_user.role in NETWORK_ROLES)


def can_act_for(pesantren_id: int) -> bool:
    """May the current user read private data of, and act for, this pesantren?"""
    if not current_user.is_authenticated:
        return False
    if current_user.role in NETWORK_ROLES:
        return True
    return bool(current_user.role == "officer" and current_user.pesantren_id == pesantren_id)


def require_act_for(pesantren_id: int) -> None:
    """Abort with 404 (not 403: do not confirm what exists) unless :func:`can_act_for`."""
    if not can_act_for(pesantren_id):
        abort(404)
