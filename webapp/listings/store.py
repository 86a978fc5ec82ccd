"""Listing questions that need the database: is a listing referenced, does it duplicate one."""

from __future__ import annotations

from sqlalchemy import exists, select

from ..models import Listing, ProposalLeg, db

__all__ = ["duplicate_of", "referenced"]


def referenced(listing_id: int) -> bool:
    """Whether any proposal leg takes from or fills this listing (then it is archived, not
    deleted, so the proposals keep their history)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    (ProposalLeg.offer_id == listing_id) | (ProposalLeg.need_id == listing_id)
                )
            )
        )
    )


def duplicate_of(
    pesantren_id: int, kind: str, product_id: int, listing: Listing | None
) -> Listing | None:
    """The pesantren's other listing of this kind and product, which a new listing (or an
    edit moving ``listing`` to this product) would collide with; ``None`` when there is none.

    An archived twin only counts when proposals still refer to it (otherwise it is replaced).
    """
    duplicate = db.session.scalar(
        select(Listing).where(
            Listing.pesantren_id == pesantren_id,
            Listing.kind == kind,
            Listing.product_id == product_id,
            Listing.status != "archived",
        )
    )
    if duplicate is None and listing is not None and listing.product_id != product_id:
        archived = db.session.scalar(
            select(Listing).where(
                Listing.pesantren_id == pesantren_id,
                Listing.kind == kind,
                Listing.product_id == product_id,
                Listing.status == "archived",
            )
        )
        if archived is not None and referenced(archived.id):
            duplicate = archived
    if duplicate is not None and (listing is None or duplicate.id != listing.id):
        return duplicate
    return None
