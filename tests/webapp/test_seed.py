"""The seed data loads completely through the import service; loading it again duplicates
nothing and keeps what users changed; its dates move to the day it is loaded."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest
from sqlalchemy import func, select

from tests.conftest import SEED_DIR
from webapp.models import Certificate, Listing, Pesantren, Product, Regency, db
from webapp.seed import SEED_AS_OF, SEED_FILES, SeedError, find_seed_path, load_seed


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


def test_seed_dates_move_forward_to_the_day_it_is_loaded(app):
    later = dt.date.today()  # the checks refuse dates in the future, so "today" is today
    assert later > SEED_AS_OF  # the seed describes a day in the past
    load_seed(today=later)
    newest = db.session.scalar(select(func.max(Listing.last_confirmed_at)))
    # the freshest seed listing was confirmed on SEED_AS_OF, i.e. "today" at load time
    assert newest.date() == later
    # so the share of listings resting (> 60 days unconfirmed) is what the seed describes
    rows = db.session.scalars(select(Listing.last_confirmed_at)).all()
    resting = sum(1 for d in rows if (later - d.date()).days > 60) / len(rows)
    with (SEED_DIR / "offers.csv").open(encoding="utf-8") as f:
        seed = [dt.date.fromisoformat(r["last_confirmed"]) for r in csv.DictReader(f)]
    with (SEED_DIR / "needs.csv").open(encoding="utf-8") as f:
        seed += [dt.date.fromisoformat(r["last_confirmed"]) for r in csv.DictReader(f)]
    assert resting == pytest.approx(sum(1 for d in seed if (SEED_AS_OF - d).days > 60) / len(seed))


def test_a_second_seed_keeps_what_users_changed_and_adds_what_is_missing(app):
    load_seed()
    listing = db.session.scalar(select(Listing).order_by(Listing.id).limit(1))
    listing.quantity = 4321
    pesantren = db.session.scalar(select(Pesantren).order_by(Pesantren.id).limit(1))
    pesantren.email = "baru@pesantren.sch.id"
    gone = db.session.scalar(select(Listing).order_by(Listing.id.desc()).limit(1))
    db.session.delete(gone)
    db.session.commit()

    again = load_seed()

    db.session.expire_all()
    assert float(db.session.get(Listing, listing.id).quantity) == 4321
    assert db.session.get(Pesantren, pesantren.id).email == "baru@pesantren.sch.id"
    assert sum(r.created for r in again.values()) == 1  # the deleted listing is back
    assert _counts() == {kind: _csv_rows(name) for kind, name in SEED_FILES}
