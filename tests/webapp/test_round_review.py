"""Reviewing a round at scale: filters (product aliases through the search's resolver,
regency, kind, pesantren, decision), counts per filter, sorting, bulk veto and keep, and
publishing only through the confirmation summary."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.webapp.app_helpers import other_app
from tests.webapp.facilitator_data import build_network, stored_round
from tests.webapp.round_helpers import publish_in_browser
from webapp.models import (
    MatchRound,
    PairingDecision,
    Product,
    ProductAlias,
    ProposalEvent,
    db,
)
from webapp.rounds.review import ReviewFilter, facet_counts


@pytest.fixture
def net(app):
    network = build_network()
    fish = db.session.scalar(select(Product).where(Product.slug == "ikan-asin"))
    db.session.add(ProductAlias(product_id=fish.id, alias="gereh"))
    db.session.commit()
    return network


@pytest.fixture
def review(net, client, login):
    """A stored draft round (a barter pair, a cycle of three, a trade), a signed-in
    facilitator, and helpers to read the review page."""
    match_round = stored_round(net)
    login(net.facilitator)
    by_kind = {p.kind: p.id for p in match_round.proposals}
    url = f"/fasilitator/putaran/{match_round.id}"

    def shown(query: str = "") -> list[int]:
        page = client.get(url + query).get_data(as_text=True)
        return [int(i) for i in re.findall(r'<article class="proposal" id="p(\d+)"', page)]

    def bulk(data: dict, query: str = "?lang=en") -> str:
        return client.post(f"{url}/massal{query}", data=data, follow_redirects=True).get_data(
            as_text=True
        )

    class Review:
        pass

    r = Review()
    r.round, r.id, r.url, r.by_kind, r.shown, r.bulk = (
        match_round,
        match_round.id,
        url,
        by_kind,
        shown,
        bulk,
    )
    return r


def _states(round_id: int) -> dict[str, str]:
    db.session.expire_all()
    return {p.kind: p.state for p in db.session.get(MatchRound, round_id).proposals}


# -- filters, counts, order ----------------------------------------------------------------


def test_the_product_filter_finds_salted_fish_by_its_alias_gereh_and_by_a_typo(review, client):
    fish = {review.by_kind["barter_pair"], review.by_kind["trade"]}
    assert set(review.shown("?product=gereh")) == fish
    assert set(review.shown("?product=ikan+asn")) == fish  # the search resolver's typo rule
    assert set(review.shown("?product=Salted+fish")) == fish
    page = client.get(review.url + "?product=gereh&lang=en").get_data(as_text=True)
    assert "Product “gereh” is Salted fish." in page


def test_an_unknown_product_shows_nothing_and_says_so(review, client):
    assert review.shown("?product=sepatu+kulit") == []
    page = client.get(review.url + "?product=sepatu+kulit&lang=en").get_data(as_text=True)
    assert "No product matches “sepatu kulit”." in page


def test_regency_kind_region_type_and_pesantren_filters_combine(review, net):
    k = review.by_kind
    assert review.shown("?kabupaten=3579") == [k["barter_pair"]]  # Batu
    assert review.shown("?kind=trade") == [k["trade"]]
    assert set(review.shown("?region_type=urban")) == {k["barter_cycle"], k["trade"]}
    assert review.shown("?region_type=urban&kind=trade") == [k["trade"]]
    assert set(review.shown("?pesantren=Sumenep")) == {k["barter_pair"], k["trade"]}
    assert review.shown(f"?pesantren={net.pesantren['tuban'].nspp}") == [k["barter_cycle"]]
    assert review.shown("?kind=not-a-kind") != []  # an unknown value is dropped, not an error


def test_counts_per_filter_value_apply_the_other_filters(review):
    everything = facet_counts(review.id, ReviewFilter(), None)
    assert everything.total == 3
    assert everything.kind == {"barter_pair": 1, "barter_cycle": 1, "trade": 1}
    assert everything.kabupaten["3578"] == 2  # Surabaya: the cycle and the trade
    assert everything.region_type["coastal_fisheries"] == 3
    assert everything.decision == {"undecided": 3, "kept": 0, "reduced": 0, "vetoed": 0}
    in_surabaya = facet_counts(review.id, ReviewFilter(kabupaten="3578", kind="trade"), None)
    assert in_surabaya.total == 1
    # the kind counts ignore the kind filter itself (what choosing another kind would show)
    assert in_surabaya.kind == {"barter_cycle": 1, "trade": 1}
    assert in_surabaya.kabupaten["3529"] == 1  # Sumenep: the trade
    names = {name_en: n for _id, _name_id, name_en, n in everything.products}
    assert names["Salted fish"] == 2


def test_the_page_shows_the_counts_in_the_filter_choices(review, client):
    page = client.get(review.url + "?kabupaten=3578&lang=en").get_data(as_text=True)
    assert re.search(r'value="barter_pair"\s*>Barter pair \(0\)', page)
    assert re.search(r'value="trade"\s*>Trade \(1\)', page)
    assert "2 proposals" in page


def test_sorting_by_value_score_distance_and_kind(review):
    k = review.by_kind
    # values: cycle 14.4 Jt, pair 10 Jt, trade 7.5 Jt; scores: pair .85, cycle .8, trade .7
    assert review.shown() == [k["barter_cycle"], k["barter_pair"], k["trade"]]
    assert review.shown("?sort=value&order=asc") == [
        k["trade"],
        k["barter_pair"],
        k["barter_cycle"],
    ]
    assert review.shown("?sort=score") == [k["barter_pair"], k["barter_cycle"], k["trade"]]
    assert review.shown("?sort=kind") == [k["barter_cycle"], k["barter_pair"], k["trade"]]
    assert review.shown("?sort=distance") == review.shown()  # all 150 km: by value then


def test_pages_keep_the_filter_and_the_order(review, client, monkeypatch):
    from webapp.views.facilitator import review as review_view

    monkeypatch.setattr(review_view, "PAGE_SIZE", 2)
    k = review.by_kind
    assert review.shown("?sort=score") == [k["barter_pair"], k["barter_cycle"]]
    assert review.shown("?sort=score&page=2") == [k["trade"]]
    assert review.shown("?sort=score&page=99") == [k["trade"]]  # past the end: the last page
    page = client.get(review.url + "?sort=score").get_data(as_text=True)
    assert "sort=score" in re.search(r'<nav class="pager".*?</nav>', page, re.S).group(0)


# -- bulk veto and keep --------------------------------------------------------------------


def test_a_bulk_veto_of_a_selection_vetoes_only_the_checked_proposals(review):
    trade = review.by_kind["trade"]
    page = review.bulk(
        {"action": "veto", "scope": "selected", "ids": [str(trade)], "reason": "sudah ada"}
    )
    assert "1 proposal vetoed." in page
    assert _states(review.id) == {
        "barter_pair": "draft",
        "barter_cycle": "draft",
        "trade": "cancelled",
    }
    vetoes = db.session.scalars(select(PairingDecision).where(PairingDecision.kind == "veto")).all()
    assert {(d.proposal_id, d.reason) for d in vetoes} == {(trade, "sudah ada")}
    event = db.session.scalar(select(ProposalEvent).where(ProposalEvent.action == "veto"))
    assert (event.proposal_id, event.from_state, event.to_state) == (trade, "draft", "cancelled")


def test_a_bulk_veto_of_the_filtered_set_covers_every_proposal_the_filter_shows(review):
    page = review.bulk(
        {
            "action": "veto",
            "scope": "filtered",
            "product": "gereh",
            "expected": "2",
            "reason": "stok ikan asin habis",
        }
    )
    assert "2 proposals vetoed." in page
    assert _states(review.id) == {
        "barter_pair": "cancelled",
        "barter_cycle": "draft",
        "trade": "cancelled",
    }
    # the pair's two pairings and the trade's one stay out of later rounds
    assert db.session.scalar(select(func.count(PairingDecision.id))) == 3
    assert set(review.shown("?decision=vetoed")) == {
        review.by_kind["barter_pair"],
        review.by_kind["trade"],
    }


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Nothing was vetoed: Give a reason."),
        ("   ", "Nothing was vetoed: Give a reason."),
        ("x" * 501, "Nothing was vetoed: The note is too long (at most 500 characters)."),
    ],
)
def test_a_bulk_veto_without_a_valid_reason_is_refused_and_changes_nothing(review, reason, message):
    ids = [str(i) for i in review.by_kind.values()]
    page = review.bulk({"action": "veto", "scope": "selected", "ids": ids, "reason": reason})
    assert message in page
    assert set(_states(review.id).values()) == {"draft"}
    assert db.session.scalar(select(func.count(PairingDecision.id))) == 0


def test_a_bulk_veto_with_no_reason_field_at_all_is_refused(review):
    page = review.bulk({"action": "veto", "scope": "filtered", "expected": "3"})
    assert "Nothing was vetoed: Give a reason." in page
    assert set(_states(review.id).values()) == {"draft"}


def test_a_forged_action_an_empty_selection_and_a_stale_filtered_set_are_refused(review):
    ids = [str(review.by_kind["trade"])]
    assert "Choose what to do: veto or keep." in review.bulk(
        {"action": "delete", "scope": "selected", "ids": ids, "reason": "x"}
    )
    assert "Check at least one proposal" in review.bulk(
        {"action": "veto", "scope": "selected", "reason": "x"}
    )
    stale = review.bulk({"action": "veto", "scope": "filtered", "expected": "7", "reason": "semua"})
    assert "changed since the page was loaded (now 3)" in stale
    assert set(_states(review.id).values()) == {"draft"}


def test_bulk_keep_marks_proposals_reviewed_and_the_decision_filter_finds_them(review):
    k = review.by_kind
    page = review.bulk(
        {"action": "keep", "scope": "selected", "ids": [str(k["barter_pair"]), str(k["trade"])]}
    )
    assert "2 proposals kept." in page
    assert set(_states(review.id).values()) == {"draft"}
    assert set(review.shown("?decision=kept")) == {k["barter_pair"], k["trade"]}
    assert review.shown("?decision=undecided") == [k["barter_cycle"]]
    assert 'class="badge decision-keep"' in page


def test_bulk_actions_only_touch_draft_proposals_of_this_round(review, net):
    other = stored_round(net)
    foreign = [str(p.id) for p in other.proposals]
    page = review.bulk({"action": "veto", "scope": "selected", "ids": foreign, "reason": "x"})
    assert "None of these proposals is still a draft: nothing changed." in page
    assert set(_states(other.id).values()) == {"draft"}


def test_a_published_round_refuses_bulk_actions(review, client):
    publish_in_browser(client, review.id)
    ids = [str(i) for i in review.by_kind.values()]
    page = review.bulk({"action": "veto", "scope": "selected", "ids": ids, "reason": "telat"})
    assert "Nothing was vetoed: Round" in page
    assert "is published, not draft." in page
    assert set(_states(review.id).values()) == {"published"}
    kept = review.bulk({"action": "keep", "scope": "selected", "ids": ids})
    assert "Nothing was kept" in kept
    assert not db.session.scalar(select(ProposalEvent.id).where(ProposalEvent.action == "keep"))


def test_the_bulk_form_and_the_publish_button_need_a_csrf_token(review, net, app_config):
    with other_app(app_config, WTF_CSRF_ENABLED=True) as (_, client):
        with client.session_transaction() as session:
            session["_user_id"] = net.facilitator.get_id()
            session["_fresh"] = True
        response = client.post(
            f"{review.url}/massal",
            data={"action": "veto", "scope": "filtered", "expected": "3", "reason": "x"},
        )
        assert response.status_code == 400
        assert client.post(f"{review.url}/terbitkan").status_code == 400
    assert set(_states(review.id).values()) == {"draft"}


# -- publishing through the summary ------------------------------------------------------------


def test_the_publish_summary_says_how_many_proposals_reach_how_many_pesantren_and_their_value(
    review, client
):
    page = client.get(f"{review.url}/terbitkan?lang=en").get_data(as_text=True)
    assert re.search(r'class="summary-proposals">3<', page)
    assert re.search(r'class="summary-pesantren">5<', page)  # pair 2, cycle 3, trade adds none
    total = sum(p.value_idr for p in review.round.proposals)
    assert total == 31_900_000
    assert re.search(r'class="summary-value">([^<]+)<', page).group(1) == "Rp 31,900,000"
    assert "Publish 3 proposals now" in page
    assert set(_states(review.id).values()) == {"draft"}  # looking publishes nothing


def test_publishing_without_a_valid_confirmation_publishes_nothing(review, client):
    missing = client.post(f"{review.url}/terbitkan?lang=en")
    assert missing.status_code == 302
    assert missing.headers["Location"].endswith(f"/putaran/{review.id}/terbitkan")
    forged = client.post(
        f"{review.url}/terbitkan?lang=en",
        data={"confirmation": "eyJmb3JnZWQiOnRydWV9"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "That confirmation is not valid" in forged
    assert db.session.get(MatchRound, review.id).status == "draft"
    assert set(_states(review.id).values()) == {"draft"}


def test_a_veto_after_the_summary_was_shown_needs_a_new_confirmation(review, client):
    page = client.get(f"{review.url}/terbitkan").get_data(as_text=True)
    token = re.search(r'name="confirmation" value="([^"]+)"', page).group(1)
    review.bulk(
        {
            "action": "veto",
            "scope": "selected",
            "ids": [str(review.by_kind["trade"])],
            "reason": "x",
        }
    )
    changed = client.post(
        f"{review.url}/terbitkan?lang=en", data={"confirmation": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "The round changed after the summary was shown" in changed
    assert "Publish 2 proposals now" in changed  # the new summary
    assert db.session.get(MatchRound, review.id).status == "draft"


def test_an_expired_confirmation_is_refused(review, client, app):
    page = client.get(f"{review.url}/terbitkan").get_data(as_text=True)
    token = re.search(r'name="confirmation" value="([^"]+)"', page).group(1)
    app.config["PUBLISH_CONFIRMATION_SECONDS"] = -1
    expired = client.post(
        f"{review.url}/terbitkan?lang=en", data={"confirmation": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "That confirmation has expired" in expired
    assert db.session.get(MatchRound, review.id).status == "draft"


def test_the_confirmed_publish_sends_exactly_the_summary(review, client):
    review.bulk(
        {
            "action": "veto",
            "scope": "selected",
            "ids": [str(review.by_kind["trade"])],
            "reason": "x",
        }
    )
    response = publish_in_browser(client, review.id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert f"Round {review.id} published: 2 proposals now reach the officers." in page
    assert _states(review.id) == {
        "barter_pair": "published",
        "barter_cycle": "published",
        "trade": "cancelled",
    }
    summary = client.get(f"{review.url}/terbitkan?lang=en").get_data(as_text=True)
    assert "not a draft any more" in summary
    assert 'name="confirmation"' not in summary
