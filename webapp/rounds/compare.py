"""Comparing two rounds: what is new, gone, changed or carried over, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select

from ..models import (
    ANSWERABLE_STATES,
    DbSession,
    Listing,
    MatchRound,
    PairingDecision,
    Pesantren,
    Product,
    Proposal,
    ProposalLeg,
    db,
)

__all__ = ["ProposalChange", "RoundComparison", "compare_rounds"]

ChangeKind = Literal["new", "gone", "changed", "carried"]


@dataclass(frozen=True)
class ProposalChange:
    """One difference between two rounds, keyed by who gives which product to whom."""

    change: ChangeKind
    kind: str
    pesantren_ids: tuple[int, ...]
    products: tuple[str, ...]
    before_id: int | None
    after_id: int | None
    before_value: float
    after_value: float
    before_state: str
    after_state: str
    reasons: list[dict[str, str]] = field(default_factory=list)  # {"code", "id", "en"}


@dataclass(frozen=True)
class RoundComparison:
    """What changed from round ``a_id`` to round ``b_id``; ``carried`` are ``a``'s standing
    proposals, still open and carried over (not re-proposed in ``b``)."""

    a_id: int
    b_id: int
    new: list[ProposalChange]
    gone: list[ProposalChange]
    changed: list[ProposalChange]
    unchanged: int
    carried: list[ProposalChange] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "gone": len(self.gone),
            "changed": len(self.changed),
            "carried": len(self.carried),
            "unchanged": self.unchanged,
        }


def compare_rounds(a: MatchRound, b: MatchRound, *, tolerance: float = 0.005) -> RoundComparison:
    """Proposals new in ``b``, gone since ``a``, and changed (a leg's quantity moved by more
    than ``tolerance``, relative), each with the likely reasons: a listing changed or was
    paused, a decline in ``a`` released quantity, a proposal in ``a`` was confirmed (and now
    reserves), a facilitator vetoed or capped the pairing, or the engine simply re-optimised.
    Proposals of ``a`` still standing are ``carried`` over, not gone."""
    session = db.session
    by_key = {r.id: _proposals_by_key(session, r.id) for r in (a, b)}
    before, after = by_key[a.id], by_key[b.id]
    listing_ids = {lid for group in (before, after) for p in group.values() for lid in _listings(p)}
    listings = {
        row.id: row
        for row in session.execute(
            select(
                Listing.id,
                Listing.kind,
                Listing.status,
                Listing.created_at,
                Listing.updated_at,
                Listing.product_id,
                Pesantren.name,
            )
            .join(Pesantren, Pesantren.id == Listing.pesantren_id)
            .where(Listing.id.in_(listing_ids))
        )
    }
    released = {lid for p in before.values() if p.state == "declined" for lid in _listings(p)}
    pairings = {pair for group in (before, after) for p in group.values() for pair in _pairs(p)}
    decided = _decisions_by_pair(session, pairings, until=b.created_at)
    since = a.created_at
    catalogue = {
        pid: (slug, name_id, name_en)
        for pid, slug, name_id, name_en in session.execute(
            select(Product.id, Product.slug, Product.name_id, Product.name_en)
        )
    }
    products = {pid: slug for pid, (slug, _, _) in catalogue.items()}

    def named(lid: int) -> tuple[str, str]:
        """A listing as a reader knows it (its internal id means nothing to them)."""
        row = listings.get(lid)
        if row is None:
            return f"listing {lid}", f"listing {lid}"
        _slug, name_id, name_en = catalogue.get(row.product_id, ("", "?", "?"))
        if row.kind == "offer":
            return f"penawaran {name_id} dari {row.name}", f"{row.name}'s offer of {name_en}"
        return f"kebutuhan {name_id} dari {row.name}", f"{row.name}'s need for {name_en}"

    def reasons_for(old: _Brief | None, new: _Brief | None) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        if old is not None and old.state in ("confirmed", "completed"):
            out.append(
                _reason(
                    "confirmed",
                    f"dikonfirmasi di putaran {a.id}; kuantitasnya kini dicadangkan",
                    f"confirmed in round {a.id}; its quantities are now reserved",
                )
            )
        if old is not None and old.state == "declined":
            out.append(
                _reason("declined", f"ditolak di putaran {a.id}", f"declined in round {a.id}")
            )
        if old is not None and old.state in ANSWERABLE_STATES:
            out.append(
                _reason(
                    "standing",
                    f"masih menunggu jawaban dari putaran {a.id}: diteruskan, tidak diusulkan ulang",
                    f"still awaiting answers from round {a.id}: carried over, not proposed again",
                )
            )
        facilitator = [
            d for pair in sorted({*_pairs(old), *_pairs(new)}) for d in decided.get(pair, [])
        ]
        for d in facilitator:
            who = d.created_by.name if d.created_by is not None else "?"
            why = f": {d.reason}" if d.reason else ""
            if d.kind == "veto":
                out.append(
                    _reason(
                        "facilitator_veto",
                        f"diveto fasilitator {who}{why}",
                        f"vetoed by facilitator {who}{why}",
                    )
                )
            else:
                qty = f"{float(d.quantity or 0):g}"
                out.append(
                    _reason(
                        "facilitator_cap",
                        f"dibatasi fasilitator {who} pada {qty}{why}",
                        f"capped at {qty} by facilitator {who}{why}",
                    )
                )
        if old is not None and old.state == "cancelled" and not facilitator:
            out.append(
                _reason("cancelled", f"dibatalkan di putaran {a.id}", f"vetoed in round {a.id}")
            )
        for lid in sorted({*_listings(old), *_listings(new)}):
            row = listings.get(lid)
            in_id, in_en = named(lid)
            if row is None or row.status != "active":
                out.append(
                    _reason(
                        "listing_inactive",
                        f"{in_id} tidak aktif lagi",
                        f"{in_en} is no longer active",
                    )
                )
            elif row.created_at > since:
                out.append(_reason("listing_new", f"{in_id} baru", f"{in_en} is new"))
            elif row.updated_at > since:
                out.append(_reason("listing_changed", f"{in_id} diubah", f"{in_en} changed"))
        if new is not None and (old is None or old.state != "declined"):
            for lid in sorted(_listings(new) & released):
                in_id, in_en = named(lid)
                out.append(
                    _reason(
                        "released_by_decline",
                        f"penolakan di putaran {a.id} membebaskan kuantitas {in_id}",
                        f"a decline in round {a.id} released quantity of {in_en}",
                    )
                )
        if not out:
            out.append(
                _reason(
                    "reoptimised", "hasil optimasi ulang jaringan", "the network was re-optimised"
                )
            )
        return out

    def change(
        kind: ChangeKind, key: tuple[Any, ...], old: _Brief | None, new: _Brief | None
    ) -> ProposalChange:
        ref = new or old
        assert ref is not None
        return ProposalChange(
            change=kind,
            kind=ref.kind,
            pesantren_ids=tuple(sorted({pid for g, r, _ in key for pid in (g, r)})),
            products=tuple(sorted({products[prod] for _, _, prod in key})),
            before_id=old.id if old else None,
            after_id=new.id if new else None,
            before_value=float(old.value_idr) if old else 0.0,
            after_value=float(new.value_idr) if new else 0.0,
            before_state=old.state if old else "",
            after_state=new.state if new else "",
            reasons=reasons_for(old, new),
        )

    new = [change("new", k, None, after[k]) for k in after if k not in before]
    missing = [k for k in before if k not in after]
    carried = [change("carried", k, before[k], None) for k in missing if _stands(before[k])]
    gone = [change("gone", k, before[k], None) for k in missing if not _stands(before[k])]
    changed, unchanged = [], 0
    for k in before.keys() & after.keys():
        if _same_quantities(before[k], after[k], tolerance):
            unchanged += 1
        else:
            changed.append(change("changed", k, before[k], after[k]))
    changed.sort(key=lambda c: c.pesantren_ids)
    return RoundComparison(a.id, b.id, new, gone, changed, unchanged, carried)


@dataclass(frozen=True)
class _BriefLeg:
    giver_id: int
    receiver_id: int
    product_id: int
    offer_id: int
    need_id: int
    quantity: float


@dataclass
class _Brief:
    """What comparing needs of a proposal (plain rows: no ORM objects for thousands)."""

    id: int
    kind: str
    state: str
    value_idr: float
    legs: list[_BriefLeg] = field(default_factory=list)


def _proposals_by_key(session: DbSession, round_id: int) -> dict[tuple[Any, ...], _Brief]:
    briefs = {
        pid: _Brief(pid, kind, state, float(value))
        for pid, kind, state, value in session.execute(
            select(Proposal.id, Proposal.kind, Proposal.state, Proposal.value_idr)
            .where(Proposal.round_id == round_id)
            .order_by(Proposal.id)
        )
    }
    for pid, giver, receiver, product, offer, need, quantity in session.execute(
        select(
            ProposalLeg.proposal_id,
            ProposalLeg.giver_id,
            ProposalLeg.receiver_id,
            ProposalLeg.product_id,
            ProposalLeg.offer_id,
            ProposalLeg.need_id,
            ProposalLeg.quantity,
        )
        .join(Proposal, Proposal.id == ProposalLeg.proposal_id)
        .where(Proposal.round_id == round_id)
        .order_by(ProposalLeg.proposal_id, ProposalLeg.seq)
    ):
        briefs[pid].legs.append(_BriefLeg(giver, receiver, product, offer, need, float(quantity)))
    return {
        tuple(sorted((leg.giver_id, leg.receiver_id, leg.product_id) for leg in p.legs)): p
        for p in briefs.values()
    }


def _listings(p: _Brief | None) -> set[int]:
    if p is None:
        return set()
    return {lid for leg in p.legs for lid in (leg.offer_id, leg.need_id)}


def _pairs(p: _Brief | None) -> set[tuple[int, int]]:
    return {(leg.offer_id, leg.need_id) for leg in p.legs} if p is not None else set()


def _stands(p: _Brief) -> bool:
    return p.state in ANSWERABLE_STATES


def _decisions_by_pair(
    session: DbSession, pairings: set[tuple[int, int]], *, until: dt.datetime
) -> dict[tuple[int, int], list[PairingDecision]]:
    """The facilitator decisions on ``pairings`` taken before ``until`` and not lifted by
    then: what the later round had to respect."""
    if not pairings:
        return {}
    offers = sorted({offer for offer, _need in pairings})
    out: dict[tuple[int, int], list[PairingDecision]] = {}
    for d in session.scalars(
        select(PairingDecision)
        .where(PairingDecision.offer_id.in_(offers), PairingDecision.created_at < until)
        .order_by(PairingDecision.id)
    ):
        key = (d.offer_id, d.need_id)
        if key in pairings and (d.lifted_at is None or d.lifted_at > until):
            out.setdefault(key, []).append(d)
    return out


def _same_quantities(a: _Brief, b: _Brief, tolerance: float) -> bool:
    qa = {(leg.giver_id, leg.receiver_id, leg.product_id): float(leg.quantity) for leg in a.legs}
    qb = {(leg.giver_id, leg.receiver_id, leg.product_id): float(leg.quantity) for leg in b.legs}
    return all(abs(qa[k] - qb[k]) <= tolerance * max(qa[k], qb[k]) for k in qa)


def _reason(code: str, text_id: str, text_en: str) -> dict[str, str]:
    return {"code": code, "id": text_id, "en": text_en}
