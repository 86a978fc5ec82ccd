"""Accounts and API tokens."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import TimestampMixin, TZDateTime, db
from .pesantren import LANGUAGES, REPORT_FREQUENCIES, Pesantren, _in

ROLES = ("officer", "facilitator", "admin")
#: The roles that work for the whole network (facilitators and admins), not one pesantren.
NETWORK_ROLES = ("facilitator", "admin")


class User(UserMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint("role <> 'officer' OR pesantren_id IS NOT NULL", name="officer_pesantren"),
        CheckConstraint(_in("language", LANGUAGES), name="language"),
        CheckConstraint(_in("report_frequency", REPORT_FREQUENCIES), name="report_frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(12))
    pesantren_id: Mapped[int | None] = mapped_column(
        ForeignKey("pesantren.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(2), default="id")
    report_frequency: Mapped[str] = mapped_column(String(10), default="weekly")
    #: Short emails when something happens to a proposal (``opop-match report notices``).
    notices: Mapped[bool] = mapped_column(default=True, server_default=true())
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of the session's user id (:meth:`get_id`): raising it signs out every session.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    last_login_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)

    pesantren: Mapped[Pesantren | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: what the session (and remember cookie) holds
        return f"{self.id}:{self.session_version or 1}"

    def revoke_sessions(self) -> None:
        """Sign out every session of this user (they hold the old :meth:`get_id`)."""
        self.session_version = (self.session_version or 1) + 1

    def set_password(self, password: str) -> None:
        """A new password also signs out every session signed in with the old one."""
        self.password_hash = generate_password_hash(password)
        if self.id is not None:
            self.revoke_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    """A bearer token for integrations; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime)

    user: Mapped[User] = relationship()
