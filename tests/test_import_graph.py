"""The web app's import graph stays light: the models and forms need only the engine's
vocabulary, so importing the web app does not load the solvers (SciPy, OR-Tools)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("scipy", "ortools")


def imported_modules(statement: str) -> set[str]:
    """Every module a fresh interpreter imports to run ``statement`` (from ``-X importtime``)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


@pytest.mark.parametrize("statement", ["import webapp", "import webapp.models", "import matcher"])
def test_importing_the_web_app_does_not_load_the_solvers(statement: str) -> None:
    modules = imported_modules(statement)
    assert "webapp" in modules or "matcher" in modules  # the parser saw the import tree
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not heavy, f"{statement!r} loads {heavy[:5]}"
