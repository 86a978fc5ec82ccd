"""Curation workflow (issue 12 pt 4): registered → verified → curated, one step at a time,
changed by facilitators from the pesantren's page with who and when; filterable in the
directory, the officer's supplier search and the API (an unknown value is refused)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.webapp.api_helpers import bearer
from tests.webapp.officer_data import build_network
from webapp.curation import CurationRefused, change_curation, next_statuses, parse_filter
from webapp.models import CurationChange, Pesantren, db

API = "/api/v1"


@pytest.fixture
def net(app):
    return build_network()


def _set(p: Pesantren, status: str) -> None:
    p.curation_status = status
    db.session.commit()


def test_the_workflow_goes_one_step_at_a_time():
    assert next_statuses("registered") == ["verified"]
    assert next_statuses("verified") == [
        "registered", "curated_domestic", "curated_modern_retail", "export_ready"]  # fmt: skip
    assert "registered" not in next_statuses("curated_domestic")
    assert "export_ready" in next_statuses("curated_domestic")
    assert parse_filter("verified,curated") == (
        "verified", "curated_domestic", "curated_modern_retail", "export_ready")  # fmt: skip
    assert parse_filter(" ") == ()
    with pytest.raises(ValueError, match="gold"):
        parse_filter("verified,gold")


def test_a_facilitator_moves_the_curation_from_the_pesantren_page(client, login, net):
    login(net.facilitator)
    page = client.get(f"/pesantren/{net.b.id}?lang=en").get_data(as_text=True)
    assert f'action="/fasilitator/pesantren/{net.b.id}/kurasi"' in page
    assert '<option value="verified">' in page
    assert '<option value="curated_domestic">' not in page  # not before the documents
    url = f"/fasilitator/pesantren/{net.b.id}/kurasi"
    jump = client.post(url, data={"status": "curated_domestic"})
    assert jump.status_code == 400
    assert "not straight to" in jump.get_data(as_text=True)
    assert client.post(url, data={"status": "verified", "note": "piagam dicek"}).status_code == 302
    assert client.post(url, data={"status": "curated_domestic"}).status_code == 302
    back = client.post(url, data={"status": "verified"})
    assert back.status_code == 400
    assert "why the curation goes a step back" in back.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pesantren, net.b.id).curation_status == "curated_domestic"
    steps = db.session.scalars(
        select(CurationChange).where(CurationChange.pesantren_id == net.b.id)
        .order_by(CurationChange.id)
    ).all()  # fmt: skip
    assert [(s.from_status, s.to_status) for s in steps] == [
        ("registered", "verified"), ("verified", "curated_domestic")]  # fmt: skip
    assert {s.by_id for s in steps} == {net.facilitator.id}
    assert all(s.at is not None for s in steps)
    assert steps[0].note == "piagam dicek"
    page = client.get(f"/pesantren/{net.b.id}?lang=en").get_data(as_text=True)
    assert "Curated: domestic market" in page
    assert net.facilitator.name in page  # who, in the history


def test_officers_and_visitors_see_no_curation_form(client, login, net):
    assert "/kurasi" not in client.get(f"/pesantren/{net.b.id}").get_data(as_text=True)
    login(net.officer_a)
    assert "/kurasi" not in client.get(f"/pesantren/{net.b.id}").get_data(as_text=True)
    refused = client.post(f"/fasilitator/pesantren/{net.b.id}/kurasi", data={"status": "verified"})
    assert refused.status_code == 403
    assert db.session.get(Pesantren, net.b.id).curation_status == "registered"


def test_a_step_back_with_a_note_is_recorded(net):
    change_curation(db.session, net.b, "verified", net.facilitator)
    with pytest.raises(CurationRefused):
        change_curation(db.session, net.b, "registered", net.facilitator)
    change_curation(db.session, net.b, "registered", net.facilitator, "piagam kedaluwarsa")
    db.session.commit()
    assert net.b.curation_status == "registered"


def test_the_directory_filters_by_curation(client, net):
    _set(net.b, "curated_domestic")
    _set(net.c, "verified")
    page = client.get("/pesantren", query_string={"curation_status": "curated"}).get_data(
        as_text=True
    )
    assert net.b.name in page
    assert net.c.name not in page
    assert net.a.name not in page
    both = client.get("/pesantren?curation_status=verified,curated").get_data(as_text=True)
    assert net.b.name in both
    assert net.c.name in both
    assert net.a.name not in both
    bad = client.get("/pesantren?curation_status=gold&lang=en")
    assert bad.status_code == 400
    assert "There is no curation status “gold”" in bad.get_data(as_text=True)


def test_the_supplier_search_filters_by_curation(client, login, net):
    _set(net.b, "curated_domestic")
    login(net.officer_a)
    page = client.get("/cari", query_string={"q": "ikan-asin"}).get_data(as_text=True)
    assert "Pondok Bahari Sumenep" in page
    assert "Pondok Nelayan Tuban" in page
    curated = ["curated_domestic", "curated_modern_retail", "export_ready"]
    page = client.get("/cari", query_string={"q": "ikan-asin", "curation": curated})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Pondok Bahari Sumenep" in text
    assert "Pondok Nelayan Tuban" not in text
    bad = client.get("/cari", query_string={"q": "ikan-asin", "curation": "gold"})
    assert bad.status_code == 400


def test_the_api_filters_by_curation_and_refuses_unknown_values(client, net):
    _set(net.b, "curated_domestic")
    headers = bearer(net.officer_a)
    listed = client.get(f"{API}/pesantren?curation_status=curated").get_json()
    assert [p["id"] for p in listed["data"]] == [net.b.id]
    assert "curation_status=curated" in listed["links"]["self"]
    every = client.get(f"{API}/pesantren").get_json()
    assert every["meta"]["total"] == 3
    found = client.get(f"{API}/suppliers?product=ikan-asin&curation_status=curated",
                       headers=headers).get_json()  # fmt: skip
    assert [row["pesantren"]["id"] for row in found["data"]] == [net.b.id]
    unfiltered = client.get(f"{API}/suppliers?product=ikan-asin", headers=headers).get_json()
    assert len(unfiltered["data"]) == 2
    for url in (f"{API}/pesantren?curation_status=gold",
                f"{API}/suppliers?product=ikan-asin&curation_status=verified,gold"):  # fmt: skip
        refused = client.get(url, headers=headers)
        assert refused.status_code == 400
        assert refused.get_json()["error"]["details"]["parameter"] == "curation_status"


def test_a_new_pesantren_starts_registered(app):
    p = f.make_pesantren("3579")
    db.session.commit()
    assert p.curation_status == "registered"


def test_an_import_that_changes_the_curation_records_the_step(client, login, net):
    from webapp.spreadsheets import import_file

    b = net.b
    data = (
        "nspp,name,regency_code,latitude,longitude,curation_status\n"
        f"{b.nspp},{b.name},{b.regency_code},{b.latitude},{b.longitude},terverifikasi\n"
    )
    report = import_file("pesantren", data.encode(), "pesantren.csv")
    assert report.ok, [str(e) for e in report.errors]
    db.session.expire_all()
    assert db.session.get(Pesantren, net.b.id).curation_status == "verified"
    [step] = db.session.scalars(
        select(CurationChange).where(CurationChange.pesantren_id == net.b.id)
    ).all()
    assert (step.from_status, step.to_status, step.by_id) == ("registered", "verified", None)
    login(net.facilitator)
    page = client.get(f"/pesantren/{net.b.id}?lang=en").get_data(as_text=True)
    assert "an import" in page
