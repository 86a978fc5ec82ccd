"""``opop-match db …``: schema migrations."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .. import migrate


@click.group(cls=AppGroup)
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    done = migrate.upgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]
    click.echo(f"{migrate.describe_upgrade(*done)} {current_app.config['DATABASE_URL']}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (``base`` for an empty database)."""
    migrate.downgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]
    click.echo(f"Database at {revision}.")
