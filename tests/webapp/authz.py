"""The authorisation matrix as data: every route × every role → the expected status.

Each :class:`Route` says how to build its URL (and form data) from a :class:`World` of two
pesantren with officers, a facilitator and an admin, and which status each role must get.
``tests/webapp/test_authz.py`` runs every (route, role) pair on a fresh world and, whenever
the answer is not a success, checks that the database did not change.

Extending it (other areas): create ``tests/webapp/authz_<area>.py`` with a module-level
``MATRIX: list[Route]``; ``test_authz.py`` collects every ``authz_*`` module. Build rows with
:func:`expect` (defaults: visitors are sent to the login page, everyone else gets 200) and
override per role. A ``url`` or ``data`` callable may create extra rows it needs with
``tests.factories``. Every endpoint the app registers must be covered by some row, or
listed in ``EXEMPT_ENDPOINTS``, or the completeness test fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tests import factories as f
from webapp.models import (
    CurationChange,
    JoinRequest,
    Listing,
    MatchRound,
    Pesantren,
    Proposal,
    ProposalLeg,
    ProposalParty,
    User,
    db,
)

ROLES = ("visitor", "officer_a", "officer_b", "facilitator", "admin")
LOGIN = 302  # a visitor on a signed-in page is redirected to the login page

#: Endpoints that need no row (static files).
EXEMPT_ENDPOINTS = {"static"}


@dataclass
class World:
    a: Pesantren
    b: Pesantren
    c: Pesantren
    users: dict[str, User | None]
    offer_a: Listing
    need_a: Listing
    offer_b: Listing
    need_b: Listing
    offer_c: Listing
    round: MatchRound
    barter_ab: Proposal  # published, A and B parties
    draft_ab: Proposal  # draft: facilitators only
    trade_bc: Proposal  # published, A is not a party
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """One route under test. ``expected`` maps each role in :data:`ROLES` to a status."""

    endpoint: str
    method: str
    url: Callable[[World], str]
    expected: Mapping[str, int]
    data: Callable[[World], dict[str, Any]] | None = None
    label: str = ""
    #: A visitor's POST may change data here (e.g. a signed unsubscribe link in an email).
    visitor_may_write: bool = False

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{' ' + self.label if self.label else ''}"


def expect(default: int = 200, visitor: int = LOGIN, **roles: int) -> dict[str, int]:
    """Expected statuses: ``expect(officer_b=404, facilitator=403)``."""
    table = dict.fromkeys(ROLES, default)
    table["visitor"] = visitor
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    table.update(roles)
    return table


def proposal(
    rnd: MatchRound,
    legs: list[tuple[Listing, Listing, str]],
    state: str = "published",
    kind: str = "barter_pair",
) -> Proposal:
    """A proposal whose legs give each offer to the need of the other side."""
    p = Proposal(
        round_id=rnd.id,
        kind=kind,
        state=state,
        score=0.8,
        value_idr=Decimal("500000"),
        reasons={"id": ["Saling melengkapi"], "en": ["Complementary"]},
    )
    db.session.add(p)
    db.session.flush()
    parties: set[int] = set()
    for seq, (offer, need, _) in enumerate(legs):
        db.session.add(
            ProposalLeg(
                proposal_id=p.id,
                seq=seq,
                giver_id=offer.pesantren_id,
                receiver_id=need.pesantren_id,
                offer_id=offer.id,
                need_id=need.id,
                product_id=offer.product_id,
                quantity=Decimal("10"),
                unit_price=Decimal("50000"),
                value_idr=Decimal("500000"),
                distance_km=12.5,
                score=0.8,
                reasons={"id": "Dekat", "en": "Close by"},
            )
        )
        parties.update({offer.pesantren_id, need.pesantren_id})
    for pid in sorted(parties):
        db.session.add(ProposalParty(proposal_id=p.id, pesantren_id=pid))
    db.session.flush()
    return p


def build_world() -> World:
    a = f.make_pesantren("3579", name="Pondok Apel Batu")
    b = f.make_pesantren("3529", name="Pondok Bahari Sumenep")
    c = f.make_pesantren("3578", name="Pondok Kota Surabaya")
    f.make_product("ikan-asin", name_id="Ikan asin", name_en="Salted fish")
    f.make_product(
        "keripik-apel",
        name_id="Keripik apel",
        name_en="Apple chips",
        category="snacks",
        price_min=80000.0,
        price_max=120000.0,
    )
    offer_a = f.make_listing(a, "offer", "keripik-apel", price=Decimal("90000"))
    need_a = f.make_listing(a, "need", "ikan-asin")
    offer_b = f.make_listing(b, "offer", "ikan-asin")
    need_b = f.make_listing(b, "need", "keripik-apel", price=Decimal("110000"))
    offer_c = f.make_listing(c, "offer", "ikan-asin")
    users: dict[str, User | None] = {
        "visitor": None,
        "officer_a": f.make_user("officer", a, email="a@example.org"),
        "officer_b": f.make_user("officer", b, email="b@example.org"),
        "facilitator": f.make_user("facilitator", email="fac@example.org"),
        "admin": f.make_user("admin", email="admin@example.org"),
    }
    rnd = MatchRound(status="published", as_of=dt.date(2026, 11, 23))
    db.session.add(rnd)
    db.session.flush()
    barter = proposal(rnd, [(offer_a, need_b, ""), (offer_b, need_a, "")])
    draft = proposal(rnd, [(offer_a, need_b, ""), (offer_b, need_a, "")], state="draft")
    trade = proposal(rnd, [(offer_c, need_b, "")], kind="trade")
    db.session.commit()
    return World(
        a, b, c, users, offer_a, need_a, offer_b, need_b, offer_c, rnd, barter, draft, trade
    )


def fingerprint() -> list[Any]:
    """Everything a forbidden request must leave as it was."""
    rows: list[Any] = []
    for model in (Listing, Proposal, ProposalParty, User, Pesantren, JoinRequest, CurationChange):
        for obj in db.session.scalars(select(model)).all():
            rows.append(
                tuple(
                    (c.key, str(getattr(obj, c.key)))
                    for c in model.__table__.columns
                    if c.key not in ("updated_at", "last_login_at")
                )
            )
    db.session.expire_all()
    return sorted(rows, key=repr)


def _listing_form(listing: Callable[[World], Listing]) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "product": listing(w).product.slug,
        "quantity": "1",
        "unit": "kg",
        "period": "month",
        "price": "1",
        "note": "hijacked",
    }


_new_listing = {"product": "ikan-asin", "quantity": "5", "unit": "kg", "period": "month"}

MATRIX: list[Route] = [
    # public pages
    Route("public.index", "GET", lambda w: "/", expect(visitor=200)),
    Route("public.pesantren_directory", "GET", lambda w: "/pesantren", expect(visitor=200)),
    Route("public.catalogue", "GET", lambda w: "/katalog", expect(visitor=200)),
    Route("public.pesantren_detail", "GET", lambda w: f"/pesantren/{w.b.id}", expect(visitor=200)),
    # accounts
    Route("auth.login", "GET", lambda w: "/masuk", expect(302, visitor=200)),
    Route("auth.logout", "POST", lambda w: "/keluar", expect(302)),
    Route("auth.forgot_password", "GET", lambda w: "/masuk/lupa-sandi", expect(visitor=200)),
    Route(
        "auth.reset_password",
        "GET",
        lambda w: "/masuk/sandi-baru/not-a-valid-token",
        expect(400, visitor=400),
        label="(invalid link)",
    ),
    Route(
        "auth.activate",
        "GET",
        lambda w: "/masuk/aktifkan/not-a-valid-token",
        expect(400, visitor=400),
        label="(invalid link)",
    ),
    Route("auth.account", "GET", lambda w: "/akun", expect()),
    Route(
        "auth.change_password",
        "POST",
        lambda w: "/akun/sandi",
        expect(400),
        data=lambda w: {"current": "wrong", "new": "x", "confirm": "y"},
        label="(bad input)",
    ),
    Route(
        "auth.set_language",
        "POST",
        lambda w: "/akun/bahasa",
        expect(302),
        data=lambda w: {"language": "en"},
    ),
    # officer pages: only for officers, about their own pesantren
    Route(
        "officer.dashboard",
        "GET",
        lambda w: "/saya",
        expect(officer_a=200, facilitator=403, admin=403),
    ),
    Route("officer.listings", "GET", lambda w: "/saya/listing", expect(facilitator=403, admin=403)),
    Route(
        "officer.listing_new",
        "GET",
        lambda w: "/saya/listing/baru/offer",
        expect(facilitator=403, admin=403),
    ),
    Route(
        "officer.listing_new",
        "POST",
        lambda w: "/saya/listing/baru/need",
        expect(302, officer_a=400, facilitator=403, admin=403),  # A already needs ikan-asin
        data=lambda w: dict(_new_listing),
        label="(duplicate for A, new for B)",
    ),
    Route(
        "officer.listing_edit",
        "GET",
        lambda w: f"/saya/listing/{w.offer_a.id}/ubah",
        expect(officer_b=404),
    ),
    Route(
        "officer.listing_edit",
        "POST",
        lambda w: f"/saya/listing/{w.offer_a.id}/ubah",
        expect(302, officer_b=404),
        data=_listing_form(lambda w: w.offer_a),
    ),
    Route(
        "officer.listing_edit",
        "GET",
        lambda w: "/saya/listing/999999/ubah",
        expect(404),
        label="(no such listing)",
    ),
    Route(
        "officer.listing_pause",
        "POST",
        lambda w: f"/saya/listing/{w.need_a.id}/jeda",
        expect(302, officer_b=404),
    ),
    Route(
        "officer.listing_delete",
        "POST",
        lambda w: f"/saya/listing/{w.need_a.id}/hapus",
        expect(302, officer_b=404),
    ),
    Route(
        "officer.listing_confirm",
        "POST",
        lambda w: f"/saya/listing/{w.offer_a.id}/konfirmasi",
        expect(302, officer_b=404),
    ),
    Route("officer.product_suggest", "GET", lambda w: "/produk/saran?q=ikan", expect()),
    Route("officer.search", "GET", lambda w: "/cari", expect()),
    Route("officer.search_export", "GET", lambda w: "/cari/pemasok.csv?q=ikan-asin", expect()),
    # proposals: parties see published ones; facilitators see all; only parties answer
    Route("officer.proposals", "GET", lambda w: "/usulan", expect()),
    Route("officer.proposal_detail", "GET", lambda w: f"/usulan/{w.barter_ab.id}", expect()),
    Route(
        "officer.proposal_detail",
        "GET",
        lambda w: f"/usulan/{w.draft_ab.id}",
        expect(officer_a=404, officer_b=404),
        label="(draft)",
    ),
    Route(
        "officer.proposal_detail",
        "GET",
        lambda w: f"/usulan/{w.trade_bc.id}",
        expect(officer_a=404),
        label="(A not a party)",
    ),
    Route(
        "officer.proposal_accept",
        "POST",
        lambda w: f"/usulan/{w.barter_ab.id}/terima",
        expect(302, facilitator=403, admin=403),
    ),
    Route(
        "officer.proposal_accept",
        "POST",
        lambda w: f"/usulan/{w.trade_bc.id}/terima",
        expect(302, officer_a=404, facilitator=403, admin=403),
        label="(A not a party)",
    ),
    Route(
        "officer.proposal_accept",
        "POST",
        lambda w: f"/usulan/{w.draft_ab.id}/terima",
        expect(404, facilitator=403, admin=403),
        label="(draft)",
    ),
    Route(
        "officer.proposal_decline",
        "POST",
        lambda w: f"/usulan/{w.barter_ab.id}/tolak",
        expect(302, facilitator=403, admin=403),
        data=lambda w: {"reason": "price"},
    ),
    Route(
        "officer.proposal_decline",
        "POST",
        lambda w: f"/usulan/{w.trade_bc.id}/tolak",
        expect(302, officer_a=404, facilitator=403, admin=403),
        data=lambda w: {"reason": "price"},
        label="(A not a party)",
    ),
]


def all_routes() -> list[Route]:
    """This table plus the rows of every ``authz_<area>.py`` module beside it."""
    import importlib
    import pkgutil
    from pathlib import Path

    routes = list(MATRIX)
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("authz_"):
            routes.extend(importlib.import_module(f"tests.webapp.{module.name}").MATRIX)
    return routes
