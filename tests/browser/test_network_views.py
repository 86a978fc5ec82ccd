"""The facilitator's network views in headless Chromium, on the seed data after a real round.

The server here is this module's own (the seed, a round run by the engine, one
highland ↔ coastal barter confirmed), so the pictures show the seed network's trades.
Screenshots are kept under ``test-artifacts/`` (git-ignored) for people to look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.browser.conftest import serve
from webapp.models import MatchRound, Pesantren, Proposal, User, db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "sandi-uji-coba-1"
EMAIL = "fasilitator.peta@opop.test"


@dataclass
class Network:
    base_url: str
    app: Any
    round_id: int
    pesantren: int
    confirmed: tuple[str, str]  # the highland and the coastal pesantren of the confirmed pair


def _region(p: Pesantren) -> str:
    return p.region_types[0] if p.region_types else ""


def _seed() -> int:
    """The seed and a facilitator; returns how many pesantren there are."""
    from webapp.seed import load_seed

    load_seed()
    user = User(email=EMAIL, name="Fasilitator Peta", role="facilitator")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return int(db.session.scalar(select(db.func.count()).select_from(Pesantren)) or 0)


def _run_and_publish_in_the_browser(browser: Any, base_url: str) -> int:
    """Click "run a new round", let the progress page refresh itself until the round is
    done, then publish it through its summary: all in the browser, as a facilitator would."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page)
    page.goto("/fasilitator/putaran")
    page.locator("form[action$='/putaran/jalankan'] button[type=submit]").click()
    page.wait_for_selector(".figures", timeout=600_000)  # the finished round's page
    round_id = int(page.url.rstrip("/").split("/")[-1].split("?")[0].split("#")[0])
    page.locator("a[href$='/terbitkan']").click()  # the summary of what publishing sends
    page.locator("form[action$='/terbitkan'] button[type=submit]").click()
    page.wait_for_load_state()
    context.close()
    return round_id


def _confirm_a_highland_coast_pair(round_id: int) -> tuple[str, str]:
    from webapp import proposals

    match_round = db.session.get(MatchRound, round_id)
    assert match_round.status == "published", (match_round.status, match_round.error)
    pairs = db.session.scalars(
        select(Proposal).where(Proposal.round_id == round_id, Proposal.kind == "barter_pair")
    ).all()
    for pair in pairs:
        people = {_region(party.pesantren): party.pesantren for party in pair.parties}
        if {"highland_agriculture", "coastal_fisheries"} <= set(people):
            for party in pair.parties:
                proposals.accept(pair, party.pesantren_id, None)
            return (people["highland_agriculture"].name, people["coastal_fisheries"].name)
    raise AssertionError("the seed round has no highland ↔ coastal barter pair")


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Network]:
    with serve(tmp_path_factory, "network", _seed, round_worker=True) as (app, base_url, count):
        round_id = _run_and_publish_in_the_browser(browser, base_url)
        with app.app_context():
            confirmed = _confirm_a_highland_coast_pair(round_id)
            db.session.remove()
        yield Network(base_url, app, round_id, count, confirmed)


def _signed_in(browser: Any, network: Network, **options: Any) -> Any:
    context = browser.new_context(
        base_url=network.base_url, viewport={"width": 1280, "height": 900}, **options
    )
    page = context.new_page()
    _sign_in(page)
    return page


def _sign_in(page: Any) -> None:
    page.goto("/masuk")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").first.click()
    page.wait_for_load_state()


def _shoot(target: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path


def test_the_map_shows_every_pesantren_and_the_highland_coast_trades(browser, network):
    page = _signed_in(browser, network)
    page.goto("/fasilitator/", timeout=180_000)
    svg = page.locator("svg.map")
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] > 600
    assert page.locator("svg.map circle.pesantren").count() == network.pesantren
    assert page.locator("svg.map line.trade.confirmed").count() >= 2  # the pair, both ways
    assert page.locator("svg.map line.trade.proposed").count() > 50
    highland, coastal = network.confirmed
    titles = page.locator("svg.map line.trade.confirmed title").all_text_contents()
    assert f"{highland} → {coastal}" in titles
    assert f"{coastal} → {highland}" in titles
    assert page.locator("svg.map text.capital").count() >= 38
    assert _shoot(svg, "network-map").stat().st_size > 20_000
    _shoot(page, "network-dashboard")
    page.context.close()


def test_the_trade_graph_draws_barter_cycles_between_region_groups(browser, network):
    page = _signed_in(browser, network)
    page.goto("/fasilitator/", timeout=180_000)
    graph = page.locator("svg.graph")
    assert graph.bounding_box()["width"] > 600
    assert page.locator("svg.graph circle.node").count() > 20
    # a third of the seed listings rest (not confirmed for 60 days): fewer cycles, and the
    # graph shows 60 of 720 pesantren, so a cycle may be drawn in part
    assert page.locator("svg.graph path.edge.barter_cycle").count() >= 2
    assert page.locator("svg.graph path.edge.barter_pair").count() >= 2
    fills = set(
        page.locator("svg.graph circle.node").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('fill'))"
        )
    )
    assert {"#2e7d32", "#1565c0"} <= fills  # highland and coastal pesantren both there
    assert _shoot(graph, "network-graph").stat().st_size > 20_000
    page.context.close()


def test_a_round_run_in_the_browser_shows_barter_pairs_cycles_of_three_and_trades(browser, network):
    page = _signed_in(browser, network)
    page.goto(f"/fasilitator/putaran/{network.round_id}?lang=en", timeout=120_000)
    counts = page.locator(".figures .figure b").all_inner_texts()[:3]
    pairs, cycles, trades = (int(c.replace(",", "").replace(".", "")) for c in counts)
    assert pairs > 0
    assert cycles > 0
    assert trades > 0
    page.goto(f"/fasilitator/putaran/{network.round_id}?kind=barter_cycle&lang=en")
    legs = page.locator("article.proposal").first.locator("ol.legs li")
    assert legs.count() >= 3
    _shoot(page, "network-round-review")
    page.context.close()


def test_the_progress_page_refreshes_itself_without_javascript(browser, network):
    with network.app.app_context():
        running = MatchRound(  # claimed, so the live server's worker leaves it alone
            status="running", as_of=dt.date.today(), progress="engine: uji", claimed_by="uji:1"
        )
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    page = _signed_in(browser, network, java_script_enabled=False)
    page.goto(f"/fasilitator/putaran/{running_id}")
    assert "engine: uji" in page.locator(".progress-text").inner_text()
    with network.app.app_context():
        row = db.session.get(MatchRound, running_id)
        row.status, row.progress = "failed", "failed"
        row.error = "stopped by the test"
        db.session.commit()
        db.session.remove()
    page.wait_for_selector("text=stopped by the test", timeout=15_000)
    page.context.close()


def test_the_gap_page_fits_a_phone_and_drills_down_a_page_at_a_time(browser, network):
    page = _signed_in(browser, network)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/fasilitator/kesenjangan?by=kabupaten&lang=en", timeout=120_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    groups = page.locator("table.gap-summary tbody tr")
    assert 1 < groups.count() <= 50
    _shoot(page, "network-gaps-by-kabupaten-390")
    first = page.locator("table.gap-summary tbody tr a").first
    name = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert f"Kabupaten / kota: {name}" in page.locator("p.crumbs").inner_text()
    rows = page.locator("table.gaps tbody tr")
    assert 0 < rows.count() <= 50
    assert set(page.locator("table.gaps tbody td:nth-child(3)").all_inner_texts()) == {name}
    if page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").click()
        page.wait_for_load_state()
        assert "page=2" in page.url
        assert "kabupaten=" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shoot(page, "network-gaps-drill-down-390")
    page.context.close()
