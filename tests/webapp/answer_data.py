"""A published barter between two pesantren without accounts, for the answer-link and
contact tests: Batu (Indonesian) sells rice it lists in *karung* of 50 kg, Sumenep (English)
sells salted fish it lists in kg but buys the rice in *kwintal*; an officer of a third
pesantren is a party to a second proposal only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tests.factories import make_listing, make_pesantren, make_product
from webapp.models import MatchRound, Pesantren, Proposal, ProposalLeg, ProposalParty, db, utcnow


@dataclass
class Deal:
    batu: Pesantren
    sumenep: Pesantren
    other: Pesantren
    barter: Proposal
    trade: Proposal  # Sumenep and Other; Batu is no party


def _leg(p: Proposal, seq: int, offer, need, qty: str, price: str) -> None:
    db.session.add(
        ProposalLeg(
            proposal_id=p.id,
            seq=seq,
            giver_id=offer.pesantren_id,
            receiver_id=need.pesantren_id,
            offer_id=offer.id,
            need_id=need.id,
            product_id=offer.product_id,
            quantity=Decimal(qty),
            unit_price=Decimal(price),
            value_idr=Decimal(qty) * Decimal(price),
        )
    )


def build_deal(*, respond_by: dt.datetime | None = None, published_days_ago: int = 1) -> Deal:
    rice = make_product("beras", name_id="Beras", name_en="Rice", base_unit="kg")
    fish = make_product("ikan-asin", name_id="Ikan asin", name_en="Salted fish")
    batu = make_pesantren(
        "3579",
        name="Pondok Al-Hikmah Batu",
        contact_name="Ustadz Fauzi",
        whatsapp="081231110101",  # an old row, as typed: wa.me needs 62…
        email="kontak@alhikmah-batu.sch.id",
        language="id",
    )
    sumenep = make_pesantren(
        "3529",
        name="Pondok Nurul Huda Sumenep",
        contact_name="Ustadzah Aminah",
        whatsapp="6281231110102",
        email="office@nurulhuda.sch.id",
        language="en",
    )
    other = make_pesantren("3578", name="Pondok Darul Ulum", language="id")
    rice_offer = make_listing(
        batu, "offer", rice, quantity=Decimal("40"), unit="karung", unit_size=Decimal("50")
    )
    rice_need = make_listing(sumenep, "need", rice, quantity=Decimal("10"), unit="kwintal")
    fish_offer = make_listing(sumenep, "offer", fish, quantity=Decimal("400"))
    fish_need = make_listing(batu, "need", fish, quantity=Decimal("100"))
    fish_need_other = make_listing(other, "need", fish, quantity=Decimal("100"))
    rnd = MatchRound(
        status="published",
        as_of=dt.date(2026, 11, 23),
        published_at=utcnow() - dt.timedelta(days=published_days_ago),
    )
    db.session.add(rnd)
    db.session.flush()
    barter = Proposal(
        round_id=rnd.id,
        kind="barter_pair",
        state="published",
        value_idr=Decimal("15000000"),
        respond_by=respond_by,
    )
    trade = Proposal(
        round_id=rnd.id,
        kind="trade",
        state="published",
        value_idr=Decimal("2500000"),
        respond_by=respond_by,
    )
    db.session.add_all([barter, trade])
    db.session.flush()
    _leg(barter, 0, rice_offer, rice_need, "1000", "12500")  # 20 karung, 10 kwintal
    _leg(barter, 1, fish_offer, fish_need, "50", "50000")
    _leg(trade, 0, fish_offer, fish_need_other, "50", "50000")
    for p, parties in ((barter, (batu, sumenep)), (trade, (sumenep, other))):
        for pesantren in parties:
            db.session.add(ProposalParty(proposal_id=p.id, pesantren_id=pesantren.id))
    db.session.commit()
    return Deal(batu, sumenep, other, barter, trade)
