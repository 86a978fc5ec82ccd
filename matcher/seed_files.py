"""Where the seed CSVs (``seed_data/*.csv``) are: one rule for the web app's seed loader and
the synthetic markets.

The folder is the first of these that holds ``regencies.csv``:

1. the ``path`` given by the caller (then only that one);
2. the ``setting`` given by the caller (the web app's ``SEED_PATH``), else the
   ``OPOP_SEED_PATH`` environment variable;
3. ``seed_data/`` next to the ``matcher`` package (a source checkout or editable install);
4. ``<sys.prefix>/share/opop-match/seed_data`` (a regular ``pip install``, which ships the
   CSVs as data files: ``setup.cfg``'s ``data_files``).

Standard library only, so that both ``matcher`` and ``webapp`` can use it without pulling in
anything.

>>> (find_seed_dir() / "products.csv").is_file()
True
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Final

__all__ = ["MARKER", "SEED_ENV", "SeedDataNotFound", "find_seed_dir", "seed_dir_candidates"]

#: The environment variable naming the seed folder (the web app reads it as ``SEED_PATH``).
SEED_ENV: Final = "OPOP_SEED_PATH"
#: The file whose presence makes a folder the seed folder.
MARKER: Final = "regencies.csv"


class SeedDataNotFound(FileNotFoundError):
    """No seed folder was found; the message names every place looked in."""


def seed_dir_candidates(
    path: str | os.PathLike[str] | None = None, *, setting: str | os.PathLike[str] | None = None
) -> list[Path]:
    """The folders :func:`find_seed_dir` tries, in order (see the module docstring)."""
    if path is not None:
        return [Path(path)]
    configured = setting or os.environ.get(SEED_ENV)
    found = [Path(configured)] if configured else []
    found.append(Path(__file__).resolve().parent.parent / "seed_data")
    found.append(Path(sys.prefix) / "share" / "opop-match" / "seed_data")
    return found


def find_seed_dir(
    path: str | os.PathLike[str] | None = None, *, setting: str | os.PathLike[str] | None = None
) -> Path:
    """The folder holding the seed CSVs: the first candidate that has :data:`MARKER`.

    Raises
    ------
    SeedDataNotFound
        When none has it.
    """
    candidates = seed_dir_candidates(path, setting=setting)
    for candidate in candidates:
        if (candidate / MARKER).is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise SeedDataNotFound(
        f"no seed data found (looked for {MARKER} in: {tried}); set {SEED_ENV} to the folder"
    )
