"""One vocabulary: the name, in the reader's language, of every code a user sees.

Proposal states and kinds, listing kinds and periods, decline reasons, certificates, region
types, product categories, roles, curation statuses and review decisions are stored as codes
(``barter_cycle``, ``coastal_fisheries``); the forms, the templates, the emails, the printed
sheets and the API's human-readable fields all name them from here, so a page and an email
never call the same thing two names. Labels are lazy: they render in the language of the
request (or of the email being written) when they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

__all__ = [
    "ACTION_LABELS",
    "LISTING_STATUS_LABELS",
    "ORDER_LABELS",
    "RESPONSE_LABELS",
    "CATEGORY_LABELS",
    "CERT_LABELS",
    "CURATION_LABELS",
    "DECISION_LABELS",
    "DECLINE_LABELS",
    "DELIVERY_LABELS",
    "KIND_LABELS",
    "LISTING_KIND_LABELS",
    "PERIOD_LABELS",
    "REGION_LABELS",
    "REVIEW_SORT_LABELS",
    "ROLE_LABELS",
    "ROUND_STATUS_LABELS",
    "STATE_LABELS",
    "UNKNOWN_REGION",
    "VOCABULARIES",
    "label",
    "named",
]

CERT_LABELS = {
    "halal": _l("Halal"),
    "pirt": _l("P-IRT"),
    "bpom_md": _l("BPOM MD"),
    "sni": _l("SNI"),
}
REGION_LABELS = {
    "highland_agriculture": _l("Highland agriculture"),
    "coastal_fisheries": _l("Coastal fisheries"),
    "lowland_farming": _l("Lowland farming"),
    "urban": _l("Urban"),
    "island": _l("Island"),
}
#: Proposal states (:data:`webapp.models.PROPOSAL_STATES`) as a reader says them.
STATE_LABELS = {
    "draft": _l("draft"),
    "published": _l("awaiting answers"),
    "accepted_by_some": _l("accepted by some"),
    "confirmed": _l("confirmed"),
    "completed": _l("completed"),
    "declined": _l("declined"),
    "expired": _l("expired"),
    "cancelled": _l("cancelled"),
}
#: Product categories (``Product.category``, from the catalogue's spreadsheet).
CATEGORY_LABELS = {
    "agri inputs": _l("farm inputs"),
    "agricultural produce": _l("agricultural produce"),
    "beverages": _l("beverages"),
    "crafts": _l("crafts"),
    "fashion & textile": _l("fashion & textiles"),
    "fish & seafood": _l("fish & seafood"),
    "household": _l("household goods"),
    "processed food": _l("processed food"),
    "services": _l("services"),
    "staples & groceries": _l("staples & groceries"),
    "stationery": _l("stationery"),
}
PERIOD_LABELS = {
    "day": _l("per day"),
    "week": _l("per week"),
    "month": _l("per month"),
    "year": _l("per year"),
}
DECLINE_LABELS = {
    "price": _l("Price"),
    "quantity": _l("Quantity"),
    "distance": _l("Distance"),
    "quality": _l("Quality or certificate"),
    "already_supplied": _l("Already supplied"),
    "other": _l("Other"),
}
#: Proposal kinds (:data:`webapp.models.PROPOSAL_KINDS`).
KIND_LABELS = {
    "trade": _l("Trade"),
    "barter_pair": _l("Barter pair"),
    "barter_cycle": _l("Barter cycle"),
}
LISTING_KIND_LABELS = {"offer": _l("Offer"), "need": _l("Need")}
#: A pesantren without a region type.
UNKNOWN_REGION = _l("Unknown region")
ROLE_LABELS = {"officer": _l("Officer"), "facilitator": _l("Facilitator"), "admin": _l("Admin")}
#: Pesantren curation statuses (:data:`webapp.models.CURATION_STATUSES`).
CURATION_LABELS = {
    "registered": _l("Registered"),
    "verified": _l("Verified (documents checked)"),
    "curated_domestic": _l("Curated: domestic market"),
    "curated_modern_retail": _l("Curated: modern retail"),
    "export_ready": _l("Export ready"),
}
#: A facilitator's review of a draft proposal (the round page's filter).
DECISION_LABELS = {
    "undecided": _l("not yet reviewed"),
    "kept": _l("kept"),
    "reduced": _l("reduced"),
    "vetoed": _l("vetoed"),
}


#: Match rounds (:data:`webapp.models.ROUND_STATUSES`).
ROUND_STATUS_LABELS = {
    "running": _l("running"),
    "draft": _l("draft"),
    "published": _l("published"),
    "superseded": _l("superseded"),
    "failed": _l("failed"),
}
#: What became of a weekly report email to one address (the preview's list).
DELIVERY_LABELS = {
    "sent": _l("sent"),
    "sending": _l("delivery unknown"),
    "failed": _l("failed"),
    "skipped": _l("nothing new"),
}
#: A party's answer to a proposal (:data:`webapp.models.RESPONSES`).
RESPONSE_LABELS = {"pending": _l("waiting"), "accepted": _l("accepted"), "declined": _l("declined")}
#: A proposal's history: what happened (``ProposalEvent.action``).
ACTION_LABELS = {
    "create": _l("created"),
    "publish": _l("published"),
    "accept": _l("accepted"),
    "decline": _l("declined"),
    "veto": _l("vetoed"),
    "reduce": _l("quantities reduced"),
    "complete": _l("completed"),
    "expire": _l("expired"),
    "cancel": _l("cancelled"),
    "confirm": _l("confirmed"),
}
#: Listings (:data:`webapp.models.LISTING_STATUSES`).
LISTING_STATUS_LABELS = {"active": _l("active"), "paused": _l("paused"), "archived": _l("archived")}
#: The supplier search's orders (:data:`matcher.search.SEARCH_ORDERS`).
ORDER_LABELS = {
    "score": _l("Best match"),
    "price": _l("Cheapest first"),
    "price_desc": _l("Dearest first"),
    "distance": _l("Nearest first"),
    "quantity": _l("Largest quantity first"),
    "quantity_asc": _l("Smallest quantity first"),
}
#: How the facilitator's round review can be sorted.
REVIEW_SORT_LABELS = {
    "value": _l("value"),
    "score": _l("score"),
    "distance": _l("distance"),
    "kind": _l("kind"),
}

#: The vocabularies by name, for templates: ``{{ r.status|named("round_status") }}``.
VOCABULARIES: dict[str, Mapping[str, Any]] = {
    "action": ACTION_LABELS,
    "listing_status": LISTING_STATUS_LABELS,
    "order": ORDER_LABELS,
    "response": RESPONSE_LABELS,
    "category": CATEGORY_LABELS,
    "cert": CERT_LABELS,
    "curation": CURATION_LABELS,
    "decision": DECISION_LABELS,
    "decline": DECLINE_LABELS,
    "delivery": DELIVERY_LABELS,
    "kind": KIND_LABELS,
    "listing_kind": LISTING_KIND_LABELS,
    "period": PERIOD_LABELS,
    "region": REGION_LABELS,
    "review_sort": REVIEW_SORT_LABELS,
    "role": ROLE_LABELS,
    "round_status": ROUND_STATUS_LABELS,
    "state": STATE_LABELS,
}


def named(code: str | None, vocabulary: str) -> str:
    """``code`` named from the vocabulary called ``vocabulary`` (the ``named`` filter).

    Raises ``KeyError`` for an unknown vocabulary: a typo in a template is a bug.
    """
    return label(VOCABULARIES[vocabulary], code)


def label(labels: Mapping[str, Any], code: str | None, missing: str = "–") -> str:
    """``code``'s name from one of the vocabularies above, in the reader's language; an
    unknown code as it is stored, an empty one as ``missing``.

    >>> label({"a": "Apel"}, "a"), label({"a": "Apel"}, "b"), label({}, None)
    ('Apel', 'b', '–')
    """
    if not code:
        return missing
    return str(labels.get(code, code))
