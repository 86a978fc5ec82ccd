"""Labels for the codes the facilitator pages show (lazy: rendered in the reader's language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...forms import REGION_LABELS

__all__ = ["CURATION_LABELS", "REGION_LABELS", "ROLE_LABELS"]

CURATION_LABELS = {
    "registered": _l("Registered"),
    "curated_domestic": _l("Curated: domestic market"),
    "curated_modern_retail": _l("Curated: modern retail"),
    "export_ready": _l("Export ready"),
}
ROLE_LABELS = {"officer": _l("Officer"), "facilitator": _l("Facilitator"), "admin": _l("Admin")}
