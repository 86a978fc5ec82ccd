"""Alembic, driven from the application (the scripts live in ``webapp/migrations``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import Connection, Engine

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
    with app.app_context(), _migrating(db.engine) as connection:
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
    with app.app_context(), _migrating(db.engine) as connection:
        cfg = alembic_config(app)
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for the migration. On SQLite foreign keys are off meanwhile: a batch
    migration rebuilds a table by dropping it, which with them on would delete (cascade) or
    refuse the rows that refer to it. The references are checked before the commit."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside a transaction, or SQLite ignores it
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                yield connection
                broken = (
                    connection.exec_driver_sql("PRAGMA foreign_key_check").all() if sqlite else []
                )
                if broken:
                    raise RuntimeError(f"the migration broke references: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
