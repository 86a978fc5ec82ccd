"""Typed SQLAlchemy 2.0 models; import them from here."""

from .base import Base, DbSession, db, enforce_foreign_keys, utcnow
from .catalogue import Product, ProductAlias, product_substitute
from .decisions import DECISION_KINDS, PairingDecision
from .joining import JOIN_STATES, CurationChange, JoinRequest
from .listings import LISTING_KINDS, LISTING_STATUSES, PERIODS, Listing
from .network import (
    CURATION_STATUSES,
    LANGUAGES,
    REPORT_FREQUENCIES,
    Certificate,
    Pesantren,
    PesantrenRegionType,
    Regency,
)
from .rounds import (
    ANSWERABLE_STATES,
    CHANNELS,
    DECLINE_REASONS,
    HOLDING_STATES,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    RESERVING_STATES,
    MatchRound,
    NoticeLog,
    Proposal,
    ProposalEvent,
    ProposalLeg,
    ProposalParty,
    ReportLog,
)
from .users import NETWORK_ROLES, ROLES, ApiToken, User

__all__ = [
    "DbSession",
    "ANSWERABLE_STATES",
    "HOLDING_STATES",
    "CHANNELS",
    "DECISION_KINDS",
    "CURATION_STATUSES",
    "enforce_foreign_keys",
    "DECLINE_REASONS",
    "LANGUAGES",
    "LISTING_KINDS",
    "LISTING_STATUSES",
    "PERIODS",
    "PROPOSAL_KINDS",
    "PROPOSAL_STATES",
    "REPORT_FREQUENCIES",
    "RESERVING_STATES",
    "NETWORK_ROLES",
    "ROLES",
    "ApiToken",
    "CurationChange",
    "JOIN_STATES",
    "JoinRequest",
    "Base",
    "Certificate",
    "Listing",
    "MatchRound",
    "NoticeLog",
    "PairingDecision",
    "Pesantren",
    "PesantrenRegionType",
    "Product",
    "ProductAlias",
    "Proposal",
    "ProposalEvent",
    "ProposalLeg",
    "ProposalParty",
    "Regency",
    "ReportLog",
    "User",
    "db",
    "product_substitute",
    "utcnow",
]
