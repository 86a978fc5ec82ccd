"""Match rounds in the browser: run, review, filter, veto, reduce, publish, compare."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.webapp.facilitator_data import build_network, fake_engine, stored_round
from tests.webapp.round_helpers import publish_in_browser
from webapp import rounds as round_service
from webapp import worker
from webapp.models import Listing, MatchRound, Proposal, db, utcnow


@pytest.fixture
def net(app):
    return build_network()


def _run_in_browser(client, monkeypatch, net, engine=None):
    if engine is not None:
        monkeypatch.setattr(round_service.run, "_default_engine", lambda: engine)
    response = client.post("/fasilitator/putaran/jalankan")
    assert response.status_code == 302
    round_id = int(re.search(r"/putaran/(\d+)", response.headers["Location"]).group(1))
    assert worker.run_next_round() == round_id  # what `opop-match worker` does
    db.session.expire_all()
    return round_id


def test_a_round_run_from_the_browser_shows_barter_pairs_a_cycle_of_three_and_trades(
    client, login, net, monkeypatch
):
    login(net.facilitator)
    round_id = _run_in_browser(client, monkeypatch, net, fake_engine(net))
    page = client.get(f"/fasilitator/putaran/{round_id}?lang=en").get_data(as_text=True)
    assert "Barter pair" in page
    assert "Barter cycle" in page
    assert "Trade" in page
    assert "Pondok Apel Batu" in page
    assert "Pondok Bahari Sumenep" in page
    cycle = db.session.scalar(select(Proposal).where(Proposal.kind == "barter_cycle"))
    assert len({leg.giver_id for leg in cycle.legs}) == 3
    assert "Publish this round" in page


def test_the_real_engine_finds_the_highland_coast_barter_in_the_factory_network(
    client, login, net, monkeypatch
):
    login(net.facilitator)
    round_id = _run_in_browser(client, monkeypatch, net)
    match_round = db.session.get(MatchRound, round_id)
    assert match_round.status == "draft", match_round.error
    kinds = {p.kind for p in match_round.proposals}
    assert "barter_pair" in kinds, kinds
    assert "barter_cycle" in kinds, kinds


def test_a_running_round_shows_its_progress_and_refreshes_itself(client, login, net):
    login(net.facilitator)
    running = MatchRound(
        status="running",
        as_of=net.offers["apel"].created_at.date(),
        progress="engine: 5 pesantren",
        claimed_by="worker:1",
    )
    db.session.add(running)
    db.session.commit()
    response = client.get(f"/fasilitator/putaran/{running.id}")
    page = response.get_data(as_text=True)
    assert 'http-equiv="refresh"' in page
    assert "engine: 5 pesantren" in page
    again = client.post("/fasilitator/putaran/jalankan", follow_redirects=True)
    assert "still running" in again.get_data(as_text=True) or "masih berjalan" in again.get_data(
        as_text=True
    )
    assert db.session.scalar(select(MatchRound.id).where(MatchRound.id != running.id)) is None


def test_filters_narrow_the_review_to_a_kind_a_kabupaten_a_region_type_and_a_product(
    client, login, net
):
    match_round = stored_round(net)
    login(net.facilitator)
    url = f"/fasilitator/putaran/{match_round.id}"

    def shown(query: str) -> set[int]:
        page = client.get(url + query).get_data(as_text=True)
        return {int(i) for i in re.findall(r'<article class="proposal" id="p(\d+)"', page)}

    by_kind = {p.kind: p.id for p in match_round.proposals}
    assert shown("") == set(by_kind.values())
    assert shown("?kind=barter_cycle") == {by_kind["barter_cycle"]}
    assert shown("?kabupaten=3579") == {by_kind["barter_pair"]}  # Batu
    assert shown("?region_type=urban") == {by_kind["barter_cycle"], by_kind["trade"]}
    assert shown("?product=terasi") == {by_kind["barter_cycle"]}
    assert shown("?product=ikan&kind=trade") == {by_kind["trade"]}


def test_vetoing_one_and_publishing_leaves_exactly_the_rest_visible_to_the_officers(
    client, login, net
):
    match_round = stored_round(net)
    by_kind = {p.kind: p for p in match_round.proposals}
    login(net.facilitator)
    vetoed = by_kind["trade"]
    response = client.post(
        f"/fasilitator/usulan/{vetoed.id}/veto", data={"reason": "Surabaya sudah punya pemasok"}
    )
    assert response.status_code == 302
    publish_in_browser(client, match_round.id)
    db.session.expire_all()
    states = {p.kind: p.state for p in db.session.get(MatchRound, match_round.id).proposals}
    assert states == {"barter_pair": "published", "barter_cycle": "published", "trade": "cancelled"}
    expected = {
        "surabaya": {by_kind["barter_cycle"].id},  # not the vetoed trade
        "sumenep": {by_kind["barter_pair"].id},
        "batu": {by_kind["barter_pair"].id},
        "tuban": {by_kind["barter_cycle"].id},
    }
    for key, ids in expected.items():
        login(net.officers[key])
        listed = client.get("/api/v1/proposals").get_json()
        assert {p["id"] for p in listed["data"]} == ids, key
        assert client.get(f"/api/v1/proposals/{vetoed.id}").status_code == 404


def test_a_veto_needs_a_reason_and_changes_nothing_without_one(client, login, net):
    match_round = stored_round(net)
    proposal = match_round.proposals[0]
    login(net.facilitator)
    page = client.post(
        f"/fasilitator/usulan/{proposal.id}/veto", data={"reason": "  "}, follow_redirects=True
    ).get_data(as_text=True)
    assert "reason" in page.lower() or "alasan" in page.lower()
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == "draft"


def test_reducing_a_barter_scales_every_leg_so_it_stays_balanced(client, login, net):
    match_round = stored_round(net)
    pair = next(p for p in match_round.proposals if p.kind == "barter_pair")
    apples = next(leg for leg in pair.legs if leg.product.slug == "keripik-apel")
    login(net.facilitator)
    client.post(
        f"/fasilitator/usulan/{pair.id}/kurangi",
        data={f"qty_{apples.id}": "25", "version": str(pair.version)},
    )
    db.session.expire_all()
    pair = db.session.get(Proposal, pair.id)
    assert sorted(float(leg.quantity) for leg in pair.legs) == [25.0, 50.0]
    assert len({float(leg.value_idr) for leg in pair.legs}) == 1


def test_a_reduction_above_what_the_leg_holds_is_refused_with_a_message(client, login, net):
    match_round = stored_round(net)
    trade = next(p for p in match_round.proposals if p.kind == "trade")
    leg = trade.legs[0]
    login(net.facilitator)
    page = client.post(
        f"/fasilitator/usulan/{trade.id}/kurangi",
        data={f"qty_{leg.id}": "9999"},
        follow_redirects=True,
    )
    assert "9999" not in str(db.session.get(Proposal, trade.id).legs[0].quantity)
    assert "150" in page.get_data(as_text=True)  # the message names the most allowed


def test_comparing_two_rounds_says_what_changed_and_why(client, login, net):
    first = stored_round(net)
    login(net.facilitator)
    trade = next(p for p in first.proposals if p.kind == "trade")
    client.post(f"/fasilitator/usulan/{trade.id}/veto", data={"reason": "tidak perlu"})
    net.offers["ikan"].status = "paused"
    db.session.commit()
    second = round_service.run_match_round(
        net.facilitator,
        engine=lambda m, c, x: type(
            "R",
            (),
            {
                "plans": [p for p in fake_engine(net)(m, c, x).plans if p.kind == "barter_cycle"],
                "gaps": None,
                "timings": {},
                "stats": {},
            },
        )(),
    )
    page = client.get(f"/fasilitator/putaran/banding?a={first.id}&b={second.id}&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    gone = text.split("Gone since round")[-1] if "Gone since round" in text else text
    # the paused salted-fish offer explains why the pair and the trade went
    assert "no longer active" in gone or "tidak aktif lagi" in gone
    assert "Pondok Apel Batu" in gone


def test_the_round_list_offers_comparison_once_there_are_two_rounds(client, login, net):
    stored_round(net)
    login(net.facilitator)
    assert 'name="a"' not in client.get("/fasilitator/putaran").get_data(as_text=True)
    stored_round(net)
    page = client.get("/fasilitator/putaran").get_data(as_text=True)
    assert 'action="/fasilitator/putaran/banding"' in page
    assert 'name="b"' in page


def test_a_round_leaves_resting_listings_out_and_says_how_many(client, login, net, monkeypatch):
    resting = db.session.scalars(select(Listing).order_by(Listing.id).limit(3)).all()
    for listing in resting:
        listing.last_confirmed_at = utcnow() - dt.timedelta(days=90)
    ids = {x.id for x in resting}
    offers = sum(x.kind == "offer" for x in resting)
    db.session.commit()
    login(net.facilitator)
    round_id = _run_in_browser(client, monkeypatch, net)
    match_round = db.session.get(MatchRound, round_id)
    assert match_round.status == "draft", match_round.error
    stats = match_round.summary["stats"]
    assert (stats["resting_offers"], stats["resting_needs"]) == (offers, 3 - offers)
    used = {leg.offer_id for p in match_round.proposals for leg in p.legs}
    used |= {leg.need_id for p in match_round.proposals for leg in p.legs}
    assert not used & ids
    page = client.get(f"/fasilitator/putaran/{round_id}?lang=en").get_data(as_text=True)
    assert (
        f"not confirmed for 60 days (they rest until their owner confirms them): "
        f"{offers} offers and {3 - offers} needs" in page
    )


def test_the_round_list_shows_the_next_rounds_settings(client, login, net, app):
    app.config["STALE_LISTING_DAYS"] = 45
    login(net.facilitator)
    page = client.get("/fasilitator/putaran?lang=en").get_data(as_text=True)
    settings = page[page.index("Settings of the next round") :]
    assert "Rp 250,000 a month per leg" in settings  # the trade floor
    assert "Rp 500,000 a month per leg" in settings  # the barter floor
    assert "45 days" in settings
    page = client.get("/fasilitator/putaran?lang=id").get_data(as_text=True)
    assert "Rp 250.000 sebulan per alur" in page
