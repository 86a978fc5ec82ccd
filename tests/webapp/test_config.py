"""Configuration comes from defaults, then the instance file, then OPOP_* variables."""

from __future__ import annotations

import pytest

from webapp import create_app


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for name in ("OPOP_DATABASE_URL", "OPOP_BASE_URL", "OPOP_SMTP_PORT", "OPOP_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPOP_INSTANCE_PATH", str(tmp_path))
    return tmp_path


def test_default_database_is_sqlite_in_the_instance_folder(instance):
    app = create_app()
    assert app.config["DATABASE_URL"] == "sqlite:///" + str(instance / "opop.sqlite3")


def test_environment_variables_with_the_opop_prefix_configure_the_app(instance, monkeypatch):
    monkeypatch.setenv("OPOP_DATABASE_URL", "postgresql://opop@db.example.org/opop")
    monkeypatch.setenv("OPOP_SMTP_PORT", "587")
    monkeypatch.setenv("OPOP_SMTP_HOST", "mail.example.org")
    app = create_app()
    assert app.config["DATABASE_URL"] == "postgresql://opop@db.example.org/opop"
    # The driver we install is psycopg 3.
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://opop@db.example.org/opop"
    assert app.config["SMTP_PORT"] == 587
    assert app.config["SMTP_HOST"] == "mail.example.org"


def test_instance_file_configures_and_environment_overrides_it(instance, monkeypatch):
    (instance / "opop.cfg").write_text(
        'BASE_URL = "https://opop.example.org"\nSMTP_HOST = "smtp.from-file.org"\n'
    )
    monkeypatch.setenv("OPOP_SMTP_HOST", "smtp.from-env.org")
    app = create_app()
    assert app.config["BASE_URL"] == "https://opop.example.org"
    assert app.config["SMTP_HOST"] == "smtp.from-env.org"


def test_secret_key_is_generated_once_and_kept_in_the_instance_folder(instance):
    first = create_app().config["SECRET_KEY"]
    assert len(first) >= 32
    assert create_app().config["SECRET_KEY"] == first
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0
