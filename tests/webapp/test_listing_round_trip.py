"""Whatever the listing pages let an officer store, the spreadsheet export writes and the
import reads back unchanged: on a small network after any sequence of edits (hypothesis),
and on the seed after edits of every kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests import factories as f
from tests.webapp.officer_data import build_network
from tests.webapp.spreadsheet_helpers import snapshot
from webapp.models import Listing, Pesantren, db
from webapp.seed import load_seed
from webapp.spreadsheets import export_file, import_file

FIELDS = {
    "quantity": ["2", "1.250,5", "0,75", "1.125", "3", "-1", "", "banyak", "5000"],
    "unit": ["kg", "kwintal", "karung", "ton", "ons", "liter", "butir"],
    "unit_size": ["", "", "25", "12,5"],
    "period": ["month", "week", "day", "year"],
    "price": ["55.000", "48.500,25", "12000", "", "0", "999999999"],
    "available_from": ["", "2026-01-01"],
    "available_until": ["", "2026-06-30", "2025-12-31"],
    "note": ["", "Kering, dari Sumenep", "=1+1", "x" * 501],
}
form = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in FIELDS.items()})
edit = st.one_of(
    st.tuples(st.just("new"), st.sampled_from(["offer", "need"]),
              st.sampled_from(["ikan-asin", "beras-medium", "susu-sapi", "keripik-apel"]), form),
    st.tuples(st.just("edit"), st.integers(0, 50), st.just(""), form),
    st.tuples(st.sampled_from(["pause", "delete", "confirm"]), st.integers(0, 50), st.just(""),
              st.just({})),
)  # fmt: skip


def _apply(client, pesantren: Pesantren, step) -> None:
    action, which, slug, fields = step
    if action == "new":
        data = {"product": slug, "product_slug": slug, **fields}
        response = client.post(f"/saya/listing/baru/{which}", data=data)
        assert response.status_code in (302, 400)
        return
    mine = db.session.scalars(
        select(Listing)
        .where(Listing.pesantren_id == pesantren.id, Listing.status != "archived")
        .order_by(Listing.id)
    ).all()
    if not mine:
        return
    listing = mine[which % len(mine)]
    if action == "edit":
        slug = listing.product.slug
        data = {"product": slug, "product_slug": slug, **fields}
        response = client.post(f"/saya/listing/{listing.id}/ubah", data=data)
        assert response.status_code in (302, 400)
    else:
        path = {"pause": "jeda", "delete": "hapus", "confirm": "konfirmasi"}[action]
        assert client.post(f"/saya/listing/{listing.id}/{path}").status_code == 302
    db.session.expire_all()


def _assert_round_trip(folder: Path) -> None:
    before = snapshot()
    for kind in ("offers", "needs"):
        for fmt in ("csv", "xlsx"):
            path = folder / f"{kind}.{fmt}"
            rows = export_file(kind, path)
            report = import_file(kind, path)
            assert report.ok, [str(e) for e in report.errors[:5]]
            assert (report.created, report.updated, report.unchanged) == (0, 0, rows)
    assert snapshot() == before


@pytest.fixture
def net(app, client, login):
    network = build_network()
    login(network.officer_a)
    return network


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(edit, min_size=1, max_size=8))
def test_export_then_import_changes_nothing_after_any_sequence_of_edits(
    client, net, tmp_path_factory, steps
):
    for step in steps:
        _apply(client, net.a, step)
    _assert_round_trip(tmp_path_factory.mktemp("round-trip"))


def test_the_seed_survives_export_and_import_after_edits_in_the_pages(app, client, login, tmp_path):
    load_seed()
    pesantren = db.session.scalar(select(Pesantren).order_by(Pesantren.id))
    login(f.make_user("officer", pesantren, email="seed-officer@example.org"))
    steps = [
        ("new", "offer", "ikan-asin", {"quantity": "300", "unit": "kg", "period": "month"}),
        ("new", "offer", "ikan-asin", {"quantity": "1.125", "unit": "kwintal", "period": "week",
                                       "price": "48.500,25", "available_from": "2026-01-01",
                                       "available_until": "2026-06-30", "note": "=1+1"}),
        ("new", "need", "beras-medium", {"quantity": "12", "unit": "karung", "period": "month"}),
        ("edit", 0, "", {"quantity": "0,75", "unit": "ton", "period": "year", "price": "12000"}),
        ("pause", 1, "", {}),
        ("confirm", 2, "", {}),
        ("delete", 3, "", {}),
    ]  # fmt: skip
    for step in steps:
        _apply(client, pesantren, step)
    offer = db.session.scalar(
        select(Listing).where(
            Listing.pesantren_id == pesantren.id,
            Listing.kind == "offer",
            Listing.product.has(slug="ikan-asin"),
        )
    )
    assert offer is not None
    assert offer.price == 48500.25  # the offer without a price was refused, the edit kept
    _assert_round_trip(tmp_path)
