"""Proposals for the service, deal and concurrency tests: a barter pair between two pesantren,
its audit events, reloading, and the fingerprint of a deal's state."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tests.factories import make_listing, make_pesantren, make_product, make_user
from tests.webapp.plan_helpers import add_plan
from webapp import proposals
from webapp.models import Listing, Pesantren, Proposal, ProposalEvent, User, db


@dataclass
class Pair:
    """A published barter pair: coast gives dried fish to hills, hills gives potatoes back."""

    proposal: Proposal
    coast: Pesantren
    hills: Pesantren
    fish: Listing  # coast's offer
    fish_need: Listing  # hills' need
    potato: Listing  # hills' offer
    potato_need: Listing  # coast's need
    facilitator: User
    officer_coast: User
    officer_hills: User


def make_pair(state: str = "published", fish_qty: str = "100") -> Pair:
    coast = make_pesantren("3529", region_types=["coastal_fisheries"])
    hills = make_pesantren("3579", region_types=["highland_agriculture"])
    make_product("kentang", category="vegetables", price_min=8000, price_max=14000)
    fish = make_listing(
        coast, "offer", "ikan-asin", quantity=Decimal(fish_qty), price=Decimal("50000")
    )
    fish_need = make_listing(hills, "need", "ikan-asin", quantity=Decimal("30"))
    potato = make_listing(
        hills, "offer", "kentang", quantity=Decimal("500"), price=Decimal("10000")
    )
    potato_need = make_listing(
        coast, "need", "kentang", quantity=Decimal("200"), price=Decimal("12000")
    )
    proposal = add_plan(
        "barter_pair", [(fish, fish_need, 20), (potato, potato_need, 100)], state="draft"
    )
    facilitator = make_user("facilitator")
    pair = Pair(
        proposal,
        coast,
        hills,
        fish,
        fish_need,
        potato,
        potato_need,
        facilitator,
        make_user("officer", coast),
        make_user("officer", hills),
    )
    db.session.commit()
    if state != "draft":
        proposals.publish(proposal, facilitator)
    if state in ("accepted_by_some", "confirmed"):
        proposals.accept(proposal, coast.id)
    if state == "confirmed":
        proposals.accept(proposal, hills.id)
    return pair


def events(p: Proposal) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(
        db.select(ProposalEvent).filter_by(proposal_id=p.id).order_by(ProposalEvent.id)
    )
    return [(e.action, e.from_state, e.to_state) for e in rows]


def fresh(p: Proposal) -> Proposal:
    db.session.expire_all()
    loaded = db.session.get(Proposal, p.id)
    assert loaded is not None
    return loaded


def assert_unchanged(p: Proposal, state: str, n_events: int) -> None:
    p = fresh(p)
    assert p.state == state
    assert len(p.events) == n_events


def deal_fingerprint() -> list:
    """:func:`tests.webapp.authz.fingerprint` plus what ending a deal writes: the legs'
    delivered quantities and the recorded events."""
    from tests.webapp.authz import fingerprint
    from webapp.models import ProposalLeg

    legs = sorted(
        (leg.id, str(leg.quantity), str(leg.delivered_quantity))
        for leg in db.session.scalars(db.select(ProposalLeg))
    )
    n_events = db.session.query(ProposalEvent).count()
    return [*fingerprint(), legs, n_events]
