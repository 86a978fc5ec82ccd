"""A facilitator reviews a seed round of thousands of proposals in headless Chromium:
filter by "gereh" (an alias of salted fish), bulk-veto the filtered set with one reason,
sort by value, and publish through the confirmation summary.

The server here is this module's own: the seed and one round run by the real engine (about
3,000 proposals), so the review happens at the network's real scale.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.browser.conftest import PASSWORD, serve, shoot, sign_in
from webapp.models import MatchRound, PairingDecision, Proposal, User, db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "fasilitator.tinjau@opop.test"


@dataclass
class SeedRound:
    base_url: str
    app: Any
    round_id: int
    proposals: int


def _seed_round() -> tuple[int, int]:
    from webapp.rounds import run_match_round
    from webapp.seed import load_seed

    load_seed()
    user = User(email=EMAIL, name="Fasilitator Tinjau", role="facilitator")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    match_round = run_match_round(user)
    assert match_round.status == "draft", match_round.error
    count = db.session.scalar(
        select(func.count(Proposal.id)).where(Proposal.round_id == match_round.id)
    )
    return match_round.id, int(count or 0)


@pytest.fixture(scope="module")
def seed_round(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeedRound]:
    with serve(tmp_path_factory, "review", _seed_round) as (app, base_url, (round_id, count)):
        yield SeedRound(base_url, app, round_id, count)


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def _values(page: Any) -> list[int]:
    headers = page.locator("article.proposal header").all_inner_texts()
    return [_number(re.search(r"Rp ([\d,.]+) per month", h).group(1)) for h in headers]


def test_a_facilitator_reviews_a_seed_round_by_gereh_vetoes_it_in_bulk_and_publishes(
    browser, seed_round
):
    assert seed_round.proposals >= 40
    context = browser.new_context(
        base_url=seed_round.base_url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    sign_in(page, EMAIL)
    page.goto(f"/fasilitator/putaran/{seed_round.round_id}?lang=en", timeout=120_000)
    assert _number(page.locator(".review-total").inner_text()) == seed_round.proposals

    # Filter by "gereh": the search's resolver knows it as salted fish.
    page.fill("form.review-filters input[name=product]", "gereh")
    page.locator("form.review-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert "Salted dried fish" in page.locator(".product-match").inner_text()
    fish = _number(page.locator(".review-total").inner_text())
    assert 0 < fish < seed_round.proposals
    legs = page.locator("article.proposal").all_inner_texts()
    assert legs
    assert all("Salted dried fish" in text for text in legs)
    shoot(page, "round-review-gereh")

    # Bulk-veto every proposal the filter shows (all pages), with one reason.
    page.check("form.bulk-form input[name=scope][value=filtered]")
    page.fill("form.bulk-form input[name=reason]", "Stok ikan asin pesisir sedang habis")
    page.locator("form.bulk-form button[value=veto]").click()
    page.wait_for_load_state()
    flash = page.locator(".flash").first.inner_text()
    assert f"{fish:,} proposals vetoed." in flash
    assert page.locator("form.review-filters input[name=product]").input_value() == "gereh"
    page.goto(f"/fasilitator/putaran/{seed_round.round_id}?decision=vetoed&lang=en")
    assert _number(page.locator(".review-total").inner_text()) == fish

    # Sort the rest by value, largest first: one click on "value".
    page.goto(f"/fasilitator/putaran/{seed_round.round_id}?sort=score&lang=en")
    page.locator(".sort-links a", has_text="value").click()
    page.wait_for_load_state()
    values = _values(page)
    assert len(values) == 25
    assert values == sorted(values, reverse=True)
    page.locator("nav.pager a", has_text="next").click()
    page.wait_for_load_state()
    assert max(_values(page)) <= values[-1]

    # Publish: the summary first, then the confirmation.
    page.locator("a[href$='/terbitkan']").click()
    page.wait_for_load_state()
    left = seed_round.proposals - fish
    assert _number(page.locator(".summary-proposals").inner_text()) == left
    reached = _number(page.locator(".summary-pesantren").inner_text())
    assert reached > 100
    assert _number(page.locator(".summary-value").inner_text()) > 0
    shoot(page, "round-publish-summary")
    page.locator("form[action$='/terbitkan'] button[type=submit]").click()
    page.wait_for_load_state()
    assert (
        f"{left:,} proposals now reach the officers." in page.locator(".flash").first.inner_text()
    )
    context.close()

    with seed_round.app.app_context():
        states = dict(
            db.session.execute(
                select(Proposal.state, func.count())
                .where(Proposal.round_id == seed_round.round_id)
                .group_by(Proposal.state)
            ).all()
        )
        assert states == {"published": left, "cancelled": fish}
        assert db.session.get(MatchRound, seed_round.round_id).status == "published"
        reasons = set(db.session.scalars(select(PairingDecision.reason).distinct()))
        assert reasons == {"Stok ikan asin pesisir sedang habis"}
        db.session.remove()
