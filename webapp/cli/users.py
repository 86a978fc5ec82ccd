"""``opop-match user create``: accounts for officers, facilitators and admins."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import func, select

from matcher.identifiers import normalise_identifier

from ..models import LANGUAGES, ROLES, Pesantren, User, db
from ..passwords import MIN_PASSWORD_LENGTH, password_problem

__all__ = ["MIN_PASSWORD_LENGTH", "create_user", "user"]


class UserError(ValueError):
    """An account that cannot be created as asked; the message says why."""


def create_user(
    *,
    email: str,
    password: str,
    role: str,
    name: str = "",
    pesantren_nspp: str | None = None,
    language: str = "id",
) -> User:
    """Create (and flush) an account; raise :class:`UserError` on bad input."""
    try:
        email = str(validate_email(email, check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise UserError(f"invalid email address: {exc}") from exc
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if language not in LANGUAGES:
        raise UserError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    problem = password_problem(password)
    if problem is not None:
        with force_locale("en"):
            raise UserError(f"password refused: {problem}")
    exists = db.session.scalar(select(User.id).where(func.lower(User.email) == email.lower()))
    if exists is not None:
        raise UserError(f"an account with email {email} already exists")
    pesantren = None
    if pesantren_nspp:
        nspp = normalise_identifier("nspp", pesantren_nspp)
        pesantren = db.session.scalar(select(Pesantren).where(Pesantren.nspp == nspp))
        if pesantren is None:
            raise UserError(f"no pesantren with NSPP {nspp}")
    if role == "officer" and pesantren is None:
        raise UserError("an officer belongs to one pesantren: pass --pesantren NSPP")
    if role != "officer" and pesantren is not None:
        raise UserError(f"only officers belong to a pesantren, not a {role}")
    account = User(
        email=email,
        name=name or email.split("@")[0],
        role=role,
        pesantren_id=pesantren.id if pesantren else None,
        language=language,
    )
    account.set_password(password)
    db.session.add(account)
    db.session.flush()
    return account


@click.group(cls=AppGroup)
def user() -> None:
    """User accounts."""


@user.command("create")
@click.option("--email", prompt=True, help="Sign-in email address.")
@click.option("--name", default="", help="Display name (default: from the email).")
@click.option("--role", type=click.Choice(ROLES), default="officer", show_default=True, prompt=True)
@click.option("--pesantren", "nspp", default=None, help="NSPP of the officer's pesantren.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given (giving it here leaves it in shell history).",
)
@click.option("--language", type=click.Choice(LANGUAGES), default="id", show_default=True)
def create(
    email: str, name: str, role: str, nspp: str | None, password: str, language: str
) -> None:
    """Create an account (an officer needs --pesantren NSPP)."""
    try:
        account = create_user(
            email=email, password=password, role=role, name=name, pesantren_nspp=nspp,
            language=language,
        )  # fmt: skip
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    where = f" of {account.pesantren.name}" if account.pesantren else ""
    click.echo(f"Created {account.role} {account.email}{where}.")
