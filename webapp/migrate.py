"""Alembic, driven from the application (the scripts live in ``webapp/migrations``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

from .models import db

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(app: Flask) -> Config:
    cfg = Config(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", app.config["SQLALCHEMY_DATABASE_URI"].replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the database to ``revision`` (by default the newest schema)."""
    with app.app_context(), db.engine.begin() as connection:
        cfg = alembic_config(app)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(app: Flask, revision: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        cfg = alembic_config(app)
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)
