"""Alembic, driven from the application (the scripts live in ``webapp/migrations``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import Flask

from .models import db

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(app: Flask) -> Config:
    cfg = Config(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", app.config["SQLALCHEMY_DATABASE_URI"].replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to ``revision`` (by default the newest schema); returns the
    revision before and after (``None`` before: an empty database, just created)."""
    with app.app_context(), db.engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        cfg = alembic_config(app)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
        return before, MigrationContext.configure(connection).get_current_revision()


def describe_upgrade(before: str | None, after: str | None) -> str:
    """What :func:`upgrade` did, for the command line."""
    if before is None:
        return f"Database created (schema {after})."
    if before == after:
        return f"Schema up to date ({after})."
    return f"Schema migrated from {before} to {after}."


def downgrade(app: Flask, revision: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        cfg = alembic_config(app)
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)
