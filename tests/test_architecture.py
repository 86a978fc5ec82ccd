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
