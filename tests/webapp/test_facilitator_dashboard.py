"""The network dashboard: key figures, map, graph, supply and demand, market gaps."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.webapp.facilitator_data import build_network, stored_round
from webapp import proposals as proposal_service
from webapp import rounds as round_service
from webapp.models import db


@pytest.fixture
def net(app):
    return build_network()


def test_dashboard_shows_the_network_figures(client, login, net):
    login(net.facilitator)
    page = client.get("/fasilitator/").get_data(as_text=True)
    assert "<svg" in page
    assert 'class="chart map"' in page
    assert 'class="chart graph"' in page
    assert 'class="chart bars"' in page
    figures = page.split('class="figures"')[1].split("</div>\n</div>")[0]
    assert "<b>5</b>" in figures  # pesantren, and active offers
    assert "<b>7</b>" in figures  # active needs
    assert "0%" in figures  # no round yet: no need met


def test_after_a_round_the_map_draws_the_highland_coast_trades_and_confirmed_ones_bold(
    client, login, net
):
    match_round = stored_round(net)
    round_service.publish_round(match_round, net.facilitator)
    pair = next(p for p in match_round.proposals if p.kind == "barter_pair")
    for key in ("batu", "sumenep"):
        proposal_service.accept(pair, net.pesantren[key].id, net.officers[key])
    login(net.facilitator)
    svg = client.get("/fasilitator/peta.svg")
    assert svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert text.count('class="trade barter_pair confirmed"') == 2  # both directions
    assert text.count('class="trade barter_cycle proposed"') == 3
    assert text.count('class="trade trade proposed"') == 1
    assert ">Batu<" in text  # regency capitals are labelled
    page = client.get("/fasilitator/").get_data(as_text=True)
    assert "Rp 10.000.000" in page or "Rp 10,000,000" in page  # confirmed this month


def test_graph_marks_the_three_way_barter(client, login, net):
    stored_round(net)
    login(net.facilitator)
    text = client.get("/fasilitator/graf.svg").get_data(as_text=True)
    assert text.count('class="edge barter_cycle"') == 3
    assert text.count('class="edge barter_pair"') == 2
    assert "Kopi Ijen" in text
    assert "Terasi Tuban" in text


def test_gaps_list_unmet_demand_with_nearest_possible_producers(client, login, net):
    stored_round(net)
    login(net.facilitator)
    page = client.get("/fasilitator/kesenjangan?product=susu-sapi").get_data(as_text=True)
    # Nobody offers milk: Tuban's need is a gap, highland pesantren could start producing it.
    assert "Susu sapi" in page
    assert "Kabupaten Tuban" in page
    assert "Pondok Apel Batu*" in page or "Pondok Kopi Ijen*" in page
    # Batu asked for 120 kg salted fish, the pair plans 100: 20 kg remain, Sumenep supplies.
    page = client.get("/fasilitator/kesenjangan?kabupaten=3579").get_data(as_text=True)
    assert "Pondok Bahari Sumenep (" in page


def test_gaps_download_as_csv_and_xlsx_with_the_same_rows(client, login, net):
    stored_round(net)
    login(net.facilitator)
    response = client.get("/fasilitator/kesenjangan.csv")
    assert response.headers["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    products = {row["product"] for row in rows}
    assert "susu-sapi" in products
    milk = next(row for row in rows if row["product"] == "susu-sapi")
    assert float(milk["unmet_quantity"]) == 300
    assert milk["kabupaten"] == "Kabupaten Tuban"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/fasilitator/kesenjangan.xlsx").data))
    sheet = book.active
    assert sheet.max_row == len(rows) + 1
    assert [c.value for c in sheet[1]][:3] == ["product", "product_name", "region_type"]
    db.session.rollback()


def test_the_main_menu_leads_facilitators_to_the_network_and_not_officers(client, login, net):
    login(net.facilitator)
    page = client.get("/pesantren").get_data(as_text=True)
    assert 'href="/fasilitator/"' in page
    assert 'href="/fasilitator/putaran"' in page
    assert 'href="/akun/token"' in client.get("/akun").get_data(as_text=True)
    login(net.officers["batu"])
    assert 'href="/fasilitator/"' not in client.get("/pesantren").get_data(as_text=True)


@pytest.fixture
def builds(monkeypatch):
    """Each gap analysis the dashboard and gap page run (the costly part they derive)."""
    from webapp import network_overview

    runs: list[str] = []
    real = network_overview.engine_market_gaps

    def counting(*args, **kwargs):
        runs.append("gaps")
        return real(*args, **kwargs)

    monkeypatch.setattr(network_overview, "engine_market_gaps", counting)
    return runs


def test_the_dashboard_is_computed_once_per_market_version_and_follows_every_write(
    client, login, net, builds
):
    """The dashboard's figures, map, graph and gaps are derived once per market version (they
    took seconds at seed scale), and any write to the market shows on the next request."""
    from tests.factories import make_listing

    login(net.facilitator)
    client.get("/fasilitator/")
    client.get("/fasilitator/kesenjangan")
    client.get("/fasilitator/")
    assert builds == ["gaps"]  # the gap page and the second dashboard reuse the first's
    make_listing(net.pesantren["batu"], "need", "garam", quantity=900)
    db.session.commit()
    page = client.get("/fasilitator/").get_data(as_text=True)
    assert builds == ["gaps", "gaps"]
    figures = page.split('class="figures"')[1].split("</div>\n</div>")[0]
    assert "<b>8</b>" in figures  # the new need is counted at once


def test_a_gunicorn_worker_builds_its_market_cache_before_its_first_request(
    app, client, login, net, builds
):
    """``webapp.gunicorn_conf`` warms the cache: the first dashboard after a start derives
    nothing more (the figures were built by the hook)."""
    from webapp import gunicorn_conf

    gunicorn_conf.post_worker_init(type("Worker", (), {"wsgi": app})())
    assert builds == ["gaps"]
    login(net.facilitator)
    assert client.get("/fasilitator/").status_code == 200
    assert builds == ["gaps"]
