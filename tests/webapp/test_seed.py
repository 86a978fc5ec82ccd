"""The seed data loads completely through the import service, and loading it again
duplicates nothing."""

from __future__ import annotations

import csv
import shutil

import pytest
from sqlalchemy import func, select

from tests.conftest import SEED_DIR
from webapp.models import Certificate, Listing, Pesantren, Product, Regency, db
from webapp.seed import SEED_FILES, SeedError, find_seed_path, load_seed


def _csv_rows(name: str) -> int:
    with (SEED_DIR / name).open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for row in csv.reader(f) if any(cell.strip() for cell in row)) - 1


def _counts() -> dict[str, int]:
    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return {
        "regencies": count(Regency),
        "products": count(Product),
        "pesantren": count(Pesantren),
        "certificates": count(Certificate),
        "offers": count(Listing, Listing.kind == "offer"),
        "needs": count(Listing, Listing.kind == "need"),
    }


def test_seed_loads_every_row_and_a_second_run_changes_nothing(app):
    first = load_seed()
    expected = {kind: _csv_rows(name) for kind, name in SEED_FILES}
    assert _counts() == expected
    assert expected["pesantren"] >= 500
    assert {kind: r.created for kind, r in first.items()} == expected

    second = load_seed()
    assert _counts() == expected
    assert {kind: (r.created, r.updated) for kind, r in second.items()} == dict.fromkeys(
        expected, (0, 0)
    )
    assert {kind: r.unchanged for kind, r in second.items()} == expected

    covered = db.session.scalar(select(func.count(func.distinct(Pesantren.regency_code))))
    assert covered == 38
    gereh = db.session.scalar(select(Product).where(Product.slug == "ikan-asin"))
    assert gereh is not None
    assert "gereh" in " ".join(gereh.aliases).lower()


def test_a_bad_seed_file_loads_nothing_and_names_the_row(app, tmp_path):
    folder = tmp_path / "seed"
    shutil.copytree(SEED_DIR, folder)
    offers = (folder / "offers.csv").read_text(encoding="utf-8").splitlines()
    fields = offers[1].split(",")
    fields[2] = "-5"  # quantity
    offers[1] = ",".join(fields)
    (folder / "offers.csv").write_text("\n".join(offers) + "\n", encoding="utf-8")
    with pytest.raises(SeedError, match=r"offers.csv: baris 2, kolom quantity \('-5'\)"):
        load_seed(folder)
    assert set(_counts().values()) == {0}


def test_seed_path_defaults_to_the_projects_seed_data(app, tmp_path):
    assert find_seed_path() == SEED_DIR
    with pytest.raises(SeedError, match="no seed data found"):
        find_seed_path(tmp_path)
