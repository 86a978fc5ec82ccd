"""The round's page shows how close the barter clearing is to its proven optimum."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from tests.webapp.facilitator_data import build_network, plans_for
from webapp import rounds as round_service


@pytest.fixture
def net(app):
    return build_network()


def _engine(net, stats):
    def engine(market, config, exclude_pairs=frozenset()):
        return SimpleNamespace(plans=plans_for(net), gaps=None, timings={}, stats=stats)

    return engine


def test_a_proven_barter_clearing_says_so_in_indonesian_and_english(client, login, net):
    login(net.facilitator)
    stats = {"barter_gap": 0.0, "barter_optimal": True}
    round_ = round_service.run_match_round(net.facilitator, engine=_engine(net, stats))
    page = client.get(f"/fasilitator/putaran/{round_.id}").get_data(as_text=True)
    assert re.search(r"<b>0 %</b>Selisih barter, terbukti optimal", page)
    page = client.get(f"/fasilitator/putaran/{round_.id}?lang=en").get_data(as_text=True)
    assert "Barter gap, proven optimal" in page


def test_a_barter_clearing_stopped_at_its_time_limit_shows_its_gap(client, login, net):
    login(net.facilitator)
    stats = {"barter_gap": 0.0125, "barter_optimal": False}
    round_ = round_service.run_match_round(net.facilitator, engine=_engine(net, stats))
    page = client.get(f"/fasilitator/putaran/{round_.id}").get_data(as_text=True)
    assert re.search(r"<b>1,25 %</b>Selisih barter dari batas yang terbukti", page)
    page = client.get(f"/fasilitator/putaran/{round_.id}?lang=en").get_data(as_text=True)
    assert re.search(r"<b>1.25 %</b>Barter gap to the proven bound", page)


def test_a_round_without_barter_statistics_shows_no_gap(client, login, net):
    login(net.facilitator)
    round_ = round_service.run_match_round(net.facilitator, engine=_engine(net, {}))
    page = client.get(f"/fasilitator/putaran/{round_.id}?lang=en").get_data(as_text=True)
    assert "Barter gap" not in page
