"""Labels for the codes the facilitator pages show (lazy: rendered in the reader's language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...curation import CURATION_LABELS
from ...forms import REGION_LABELS

__all__ = ["CURATION_LABELS", "REGION_LABELS", "ROLE_LABELS"]

ROLE_LABELS = {"officer": _l("Officer"), "facilitator": _l("Facilitator"), "admin": _l("Admin")}
