"""The Alembic migrations build exactly the schema the models describe, on SQLite and
PostgreSQL, and can be taken down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from webapp import create_app, migrate
from webapp.models import Base, db


def _fresh_app(tmp_path, database_url, is_postgres):
    if is_postgres:
        from sqlalchemy.engine import make_url

        from tests.conftest import _recreate_postgres_database
        from webapp.config import _driver_url

        url = make_url(_driver_url(database_url))
        database_url = url.set(database=f"{url.database}_migrations").render_as_string(
            hide_password=False
        )
        _recreate_postgres_database(database_url)
    else:
        database_url = "sqlite:///" + str(tmp_path / "fresh.sqlite3")
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                       "INSTANCE_PATH": str(tmp_path)})  # fmt: skip


def _differences(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_on_an_empty_database_yields_exactly_the_models_schema(
    tmp_path, database_url, is_postgres
):
    app = _fresh_app(tmp_path, database_url, is_postgres)
    migrate.upgrade(app)
    assert _differences(app) == []
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_base_removes_every_table(tmp_path, database_url, is_postgres):
    app = _fresh_app(tmp_path, database_url, is_postgres)
    migrate.upgrade(app)
    migrate.downgrade(app, "base")
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert tables == set()
