"""Every page a visitor, an officer and a facilitator can open, at phone width (390 px) in
headless Chromium: nothing scrolls sideways, and the menu's links are at least 44 px high
(a thumb, not a cursor). The pages are the GET routes of the authorisation matrix that
answer 200 for the role, on the matrix's own small network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, serve, shoot, sign_in

pytestmark = pytest.mark.browser

ROLES = ("visitor", "officer_a", "facilitator")
#: Downloads and JSON are not pages.
NOT_PAGES = (".csv", ".xlsx", ".pdf", ".json", ".txt", "/api/")


def _prepare() -> dict[str, list[str]]:
    from tests.webapp.authz import all_routes, build_world
    from webapp.models import db

    world = build_world()
    for user in world.users.values():
        if user is not None:
            user.set_password(PASSWORD)
    db.session.commit()
    pages: dict[str, list[str]] = {role: [] for role in ROLES}
    for route in all_routes():
        if route.method != "GET":
            continue
        url = route.url(world)
        db.session.commit()  # some rows set up what the link needs
        if any(part in url.split("?")[0] for part in NOT_PAGES):
            continue
        for role in ROLES:
            if route.expected.get(role) == 200 and url not in pages[role]:
                pages[role].append(url)
    pages["emails"] = ["" if u is None else u.email for u in (world.users[r] for r in ROLES)]
    return pages


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    with serve(tmp_path_factory, "phone_pages", _prepare) as (_, base_url, pages):
        yield base_url, pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_its_menu_is_thumb_sized(browser, site, role):
    base_url, pages = site
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    email = pages["emails"][ROLES.index(role)]
    if email:
        sign_in(page, email)
    problems = []
    assert pages[role], "the matrix gave no page for this role"
    try:
        for url in pages[role]:
            response = page.goto(url)
            assert response is not None
            if response.status != 200:
                problems.append(f"{url}: status {response.status}")
                continue
            kind = response.headers.get("content-type", "")
            if not kind.startswith("text/html") or "<header" not in response.text():
                continue  # an image, or a fragment a page fetches (suggestions)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                problems.append(f"{url}: {width} px wide")
                shoot(page, "phone-overflow-" + url.strip("/").replace("/", "_")[:60])
            small = page.evaluate(
                """() => [...document.querySelectorAll('.topbar nav a, .subnav a')]
                    .map(a => [a.innerText, a.getBoundingClientRect().height])
                    .filter(([_, h]) => h > 0 && h < 44)"""
            )
            if small:
                problems.append(f"{url}: menu links under 44 px: {small[:3]}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
