"""The dependency rule: ``webapp`` depends on ``matcher``, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MATCHER = Path(__file__).resolve().parents[1] / "matcher"
FORBIDDEN = (
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "sqlalchemy",
    "alembic",
    "webapp",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(MATCHER.rglob("*.py")), ids=lambda p: p.name)
def test_matcher_module_stays_free_of_the_application(path: Path) -> None:
    assert not _imports(path) & set(FORBIDDEN), f"{path.name} imports the application layer"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\nimport flask.cli\n")
    assert _imports(bad) == {"sqlalchemy", "flask"}


WEBAPP_VIEWS = Path(__file__).resolve().parents[1] / "webapp" / "views"
#: Blueprint methods that install a hook for the whole app, not for the blueprint.
APP_WIDE_HOOKS = (
    "after_app_request",
    "before_app_request",
    "teardown_app_request",
    "app_errorhandler",
    "app_context_processor",
)


@pytest.mark.parametrize("path", sorted(WEBAPP_VIEWS.rglob("*.py")), ids=lambda p: p.stem)
def test_blueprints_install_no_app_wide_hooks(path: Path) -> None:
    """Headers, error pages and request guards for every page are registered by the app
    factory (``webapp.configure_*``), so they hold whichever blueprints are mounted."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    used = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in APP_WIDE_HOOKS
    }
    assert not used, f"{path.relative_to(WEBAPP_VIEWS)} registers {sorted(used)}"
