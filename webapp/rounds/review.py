"""Reviewing a round at scale: which proposals a facilitator sees, in what order, and how
many there are of each kind, regency, region type, product and decision.

A :class:`ReviewFilter` is parsed from the review page's query string (or from the bulk
form, which carries the same fields); :func:`filtered_query` turns it into one ``SELECT``
over the round's proposals, and :func:`facet_counts` counts each filter's values *with the
other filters applied* (so "Trade (120)" is what choosing it would show).

Product text is resolved by the caller with the officer search's resolver
(:func:`webapp.market_cache.resolve_product`: slug, name, alias, typo), so "gereh"
finds salted fish here exactly as it does in the supplier search; :class:`ProductMatch`
carries what it resolved to. Text the resolver does not know falls back to a plain
substring of the product names, as the page did before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, select

from matcher.vocabulary import REGION_TYPES

from ..models import (
    PROPOSAL_KINDS,
    Pesantren,
    PesantrenRegionType,
    Product,
    Proposal,
    ProposalEvent,
    ProposalLeg,
    ProposalParty,
    db,
)

__all__ = [
    "DECISIONS",
    "SORTS",
    "FacetCounts",
    "ProductMatch",
    "ReviewFilter",
    "facet_counts",
    "filtered_ids",
    "filtered_query",
    "match_products",
    "page_decisions",
]

#: What a facilitator has done with a proposal so far (the "decision" filter).
DECISIONS = ("undecided", "kept", "reduced", "vetoed")
#: Sort keys and their natural direction (largest value and best score first, nearest first).
SORTS = {"value": "desc", "score": "desc", "distance": "asc", "kind": "asc"}
#: Decision events (``ProposalEvent.action``) that count as a facilitator's review.
REVIEW_ACTIONS = ("keep", "reduce", "veto")


@dataclass(frozen=True)
class ReviewFilter:
    """The review page's filters and order, as typed in its query string (all optional).

    Unknown values (a kind, region type, decision, sort or order not in the lists) are
    dropped rather than refused, so an old bookmark still opens the page.
    """

    kind: str = ""
    kabupaten: str = ""  # regency code, e.g. "3529"
    region_type: str = ""
    product: str = ""  # free text: slug, name, alias or typo
    pesantren: str = ""  # a pesantren's id, its NSPP, or part of its name
    decision: str = ""
    sort: str = "value"
    order: str = ""  # "asc" / "desc"; empty: the sort's natural direction

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ReviewFilter:
        def text(name: str, limit: int = 80) -> str:
            return str(args.get(name, "") or "").strip()[:limit]

        kind = text("kind")
        region = text("region_type")
        decision = text("decision")
        sort = text("sort")
        order = text("order")
        regency = text("kabupaten", 4)
        return cls(
            kind=kind if kind in PROPOSAL_KINDS else "",
            kabupaten=regency if regency.isdigit() else "",
            region_type=region if region in REGION_TYPES else "",
            product=text("product", 60),
            pesantren=text("pesantren"),
            decision=decision if decision in DECISIONS else "",
            sort=sort if sort in SORTS else "value",
            order=order if order in ("asc", "desc") else "",
        )

    def args(self, **changes: str) -> dict[str, Any]:
        """The non-empty fields as query-string arguments (for links and hidden fields)."""
        current = replace(self, **changes) if changes else self
        out = {f.name: getattr(current, f.name) for f in fields(current)}
        if out["sort"] == "value":
            out["sort"] = ""
        return {k: v for k, v in out.items() if v}

    @property
    def direction(self) -> str:
        return self.order or SORTS[self.sort]

    @property
    def narrowed(self) -> bool:
        """Does any filter (not just the order) narrow the round?"""
        return any(
            (
                self.kind,
                self.kabupaten,
                self.region_type,
                self.product,
                self.pesantren,
                self.decision,
            )
        )


@dataclass(frozen=True)
class ProductMatch:
    """What the product text matched: catalogue product ids, and how.

    ``method`` is ``"product"`` (one product: slug, name, alias or fuzzy), ``"several"``
    (an ambiguous text: every product it could mean), ``"text"`` (unknown to the resolver:
    a substring of the names) or ``"none"`` (no text given).
    """

    text: str
    product_ids: tuple[int, ...] = ()
    method: str = "none"
    names: tuple[str, ...] = ()


def match_products(text: str, resolve: Callable[[str], Any], language: str) -> ProductMatch:
    """Resolve ``text`` with ``resolve`` (the search's resolver, returning a
    :class:`~webapp.market_cache.Resolved`) into the products to filter by."""
    text = text.strip()
    if not text:
        return ProductMatch(text)
    resolved = resolve(text)
    if resolved.product is not None:
        return ProductMatch(
            text, (resolved.product.id,), "product", (resolved.product.name(language),)
        )
    if resolved.ambiguous and resolved.choices:
        return ProductMatch(
            text,
            tuple(p.id for p in resolved.choices),
            "several",
            tuple(p.name(language) for p in resolved.choices),
        )
    like = f"%{text.lower()}%"
    rows = db.session.execute(
        select(Product.id, Product.name_id, Product.name_en).where(
            Product.slug.ilike(like) | Product.name_id.ilike(like) | Product.name_en.ilike(like)
        )
    ).all()
    return ProductMatch(
        text,
        tuple(r.id for r in rows),
        "text",
        tuple(r.name_en if language == "en" else r.name_id for r in rows),
    )


def _reviewed(action: str) -> ColumnElement[bool]:
    return exists(
        select(ProposalEvent.id).where(
            ProposalEvent.proposal_id == Proposal.id, ProposalEvent.action == action
        )
    )


def _decision_condition(decision: str) -> ColumnElement[bool]:
    if decision == "vetoed":
        return (Proposal.state == "cancelled") & _reviewed("veto")
    if decision == "kept":
        return (Proposal.state != "cancelled") & _reviewed("keep")
    if decision == "reduced":
        return (Proposal.state != "cancelled") & _reviewed("reduce")
    return (Proposal.state == "draft") & ~exists(
        select(ProposalEvent.id).where(
            ProposalEvent.proposal_id == Proposal.id,
            ProposalEvent.action.in_(REVIEW_ACTIONS),
        )
    )


def _party_condition(condition: ColumnElement[bool], *joins: Any) -> ColumnElement[bool]:
    party = select(ProposalParty.proposal_id).join(
        Pesantren, Pesantren.id == ProposalParty.pesantren_id
    )
    for target, on in joins:
        party = party.join(target, on)
    return Proposal.id.in_(party.where(condition))


def _pesantren_condition(text: str) -> ColumnElement[bool]:
    if text.isdigit() and len(text) == 12:
        return _party_condition(Pesantren.nspp == text)
    if text.isdigit():
        return _party_condition(Pesantren.id == int(text))
    return _party_condition(Pesantren.name.ilike(f"%{text}%"))


def _conditions(
    round_id: int, f: ReviewFilter, products: ProductMatch | None, *, skip: str = ""
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``f`` (less the one named ``skip``, for its own counts)."""
    out: list[ColumnElement[bool]] = [Proposal.round_id == round_id]
    if f.kind and skip != "kind":
        out.append(Proposal.kind == f.kind)
    if f.kabupaten and skip != "kabupaten":
        out.append(_party_condition(Pesantren.regency_code == f.kabupaten))
    if f.region_type and skip != "region_type":
        out.append(
            _party_condition(
                PesantrenRegionType.region_type == f.region_type,
                (PesantrenRegionType, PesantrenRegionType.pesantren_id == Pesantren.id),
            )
        )
    if f.product and skip != "product":
        ids = products.product_ids if products is not None else ()
        out.append(
            exists(
                select(ProposalLeg.id).where(
                    ProposalLeg.proposal_id == Proposal.id, ProposalLeg.product_id.in_(ids)
                )
            )
        )
    if f.pesantren and skip != "pesantren":
        out.append(_pesantren_condition(f.pesantren))
    if f.decision and skip != "decision":
        out.append(_decision_condition(f.decision))
    return out


def _sort_key(sort: str) -> Any:
    if sort == "distance":
        return (
            select(func.max(ProposalLeg.distance_km))
            .where(ProposalLeg.proposal_id == Proposal.id)
            .scalar_subquery()
        )
    return {"value": Proposal.value_idr, "score": Proposal.score, "kind": Proposal.kind}[sort]


def filtered_query(round_id: int, f: ReviewFilter, products: ProductMatch | None) -> Select[Any]:
    """The round's proposals that ``f`` selects, in ``f``'s order (ties: by value, then id)."""
    key = _sort_key(f.sort)
    ordering = [key.desc() if f.direction == "desc" else key.asc()]
    if f.sort != "value":
        ordering.append(Proposal.value_idr.desc())
    return (
        select(Proposal).where(*_conditions(round_id, f, products)).order_by(*ordering, Proposal.id)
    )


def filtered_ids(round_id: int, f: ReviewFilter, products: ProductMatch | None) -> Select[Any]:
    """The ids of the proposals ``f`` selects (a subquery for bulk actions)."""
    return select(Proposal.id).where(*_conditions(round_id, f, products))


@dataclass
class FacetCounts:
    """How many proposals each filter value would show, the other filters applied."""

    total: int
    kind: dict[str, int]
    kabupaten: dict[str, int]
    region_type: dict[str, int]
    decision: dict[str, int]
    products: list[tuple[int, str, str, int]]  # (id, name_id, name_en, count), most first


def facet_counts(
    round_id: int, f: ReviewFilter, products: ProductMatch | None, *, top_products: int = 12
) -> FacetCounts:
    """Counts per filter value for the review page (a handful of GROUP BY queries)."""
    session = db.session

    def ids(skip: str) -> Select[Any]:
        return select(Proposal.id).where(*_conditions(round_id, f, products, skip=skip))

    total = session.scalar(select(func.count()).select_from(ids("").subquery())) or 0
    kinds = dict(
        session.execute(
            select(Proposal.kind, func.count())
            .where(Proposal.id.in_(ids("kind")))
            .group_by(Proposal.kind)
        ).all()
    )
    regencies = dict(
        session.execute(
            select(Pesantren.regency_code, func.count(func.distinct(ProposalParty.proposal_id)))
            .join(Pesantren, Pesantren.id == ProposalParty.pesantren_id)
            .where(ProposalParty.proposal_id.in_(ids("kabupaten")))
            .group_by(Pesantren.regency_code)
        ).all()
    )
    regions = dict(
        session.execute(
            select(
                PesantrenRegionType.region_type,
                func.count(func.distinct(ProposalParty.proposal_id)),
            )
            .join(
                PesantrenRegionType,
                PesantrenRegionType.pesantren_id == ProposalParty.pesantren_id,
            )
            .where(ProposalParty.proposal_id.in_(ids("region_type")))
            .group_by(PesantrenRegionType.region_type)
        ).all()
    )
    row = session.execute(
        select(
            *[
                func.coalesce(func.sum(case((_decision_condition(d), 1), else_=0)), 0)
                for d in DECISIONS
            ]
        ).where(Proposal.id.in_(ids("decision")))
    ).one()
    by_product = session.execute(
        select(
            Product.id,
            Product.name_id,
            Product.name_en,
            func.count(func.distinct(ProposalLeg.proposal_id)).label("n"),
        )
        .join(Product, Product.id == ProposalLeg.product_id)
        .where(ProposalLeg.proposal_id.in_(ids("product")))
        .group_by(Product.id, Product.name_id, Product.name_en)
        .order_by(func.count(func.distinct(ProposalLeg.proposal_id)).desc(), Product.name_id)
        .limit(top_products)
    ).all()
    return FacetCounts(
        total=int(total),
        kind={k: int(v) for k, v in kinds.items()},
        kabupaten={str(k): int(v) for k, v in regencies.items()},
        region_type={str(k): int(v) for k, v in regions.items()},
        decision={d: int(v) for d, v in zip(DECISIONS, row, strict=True)},
        products=[(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in by_product],
    )


def page_decisions(proposal_ids: list[int]) -> dict[int, set[str]]:
    """For the proposals on a page: which review actions (keep, reduce, veto) each had."""
    out: dict[int, set[str]] = {pid: set() for pid in proposal_ids}
    if not proposal_ids:
        return out
    for pid, action in db.session.execute(
        select(ProposalEvent.proposal_id, ProposalEvent.action)
        .where(
            ProposalEvent.proposal_id.in_(proposal_ids),
            ProposalEvent.action.in_(REVIEW_ACTIONS),
        )
        .distinct()
    ):
        out[pid].add(action)
    return out
