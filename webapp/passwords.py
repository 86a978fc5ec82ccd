"""The password policy and the constant-time sign-in check: one home for both.

Policy (:func:`password_problem`): at least :data:`MIN_PASSWORD_LENGTH` characters and not
one of the 30,000 most common passwords. The list is the one shipped by ``zxcvbn`` (the
Python port of Dropbox's estimator, a maintained PyPI package that bundles the frequency
lists offline): no network look-up, no list of our own to keep. Every place that sets a
password calls it: ``opop-match user create``, the facilitator's user form, the account's
password change and the password reset.

:func:`authenticate` hashes the given password even when no account has that email, so a
sign-in takes as long for an unknown address as for a known one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms.validators import ValidationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .models import User, db, users

__all__ = [
    "AccountInactive",
    "MIN_PASSWORD_LENGTH",
    "PasswordPolicy",
    "authenticate",
    "password_problem",
]

MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str) -> Any | None:
    """Why ``password`` may not be used (a lazy translated message), or None if it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if password.lower() in _common_passwords() or len(set(password)) < 3:
        return _l("This password is too common and easy to guess. Choose another one.")
    return None


class PasswordPolicy:
    """WTForms validator applying :func:`password_problem`."""

    def __call__(self, form: Any, field: Any) -> None:
        problem = password_problem(field.data or "")
        if problem is not None:
            raise ValidationError(str(problem))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Made with the same function (and so the same cost) as real accounts' hashes.
    return users.generate_password_hash("no account has this password")


class AccountInactive(Exception):
    """The email and password are right, but a facilitator deactivated the account."""


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, or None; as slow either way.

    Raises :class:`AccountInactive` for a deactivated account, after the password matched
    (so a wrong password never tells whether the account exists)."""
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        users.check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password):
        return None
    if not user.active:
        # Only someone who knows the password learns that the account exists and is off.
        raise AccountInactive(user.email)
    return user
