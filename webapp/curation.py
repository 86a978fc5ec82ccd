"""The curation workflow: registered → verified (documents checked) → curated.

A pesantren joins as *registered* (its Kemenag NSPP and one product). A facilitator who has
checked its documents (the NSPP's registration, the product's permits) marks it *verified*;
OPOP's curation then places it at one of three levels: curated for the domestic market, for
modern retail, or export ready. One step at a time (a registered pesantren is not curated
before its documents are checked); a step back (documents expired, a level withdrawn) needs a
note. Every step is a :class:`~webapp.models.CurationChange`: who, when, from, to, why.

The directory, the supplier search and the API filter on the same values
(:func:`parse_filter`): a comma-separated list of statuses, ``curated`` standing for every
curated level.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .labels import CURATION_LABELS, label
from .models import CURATION_STATUSES, CurationChange, DbSession, Pesantren, User, utcnow
from .plausible import MAX_NOTE_LENGTH, check_text

__all__ = [
    "CURATED",
    "CurationRefused",
    "FILTER_CHOICES",
    "MAX_FILTER_LENGTH",
    "change_curation",
    "curation_label",
    "history",
    "next_statuses",
    "filter_values",
    "parse_filter",
]

#: The curated levels (the workflow's last step).
CURATED = ("curated_domestic", "curated_modern_retail", "export_ready")
_STEP = {"registered": 0, "verified": 1, **dict.fromkeys(CURATED, 2)}
#: The filters the pages offer, as ``(value for parse_filter, label)``.
FILTER_CHOICES = (
    ("", _l("any curation")),
    ("verified,curated", _l("verified or curated")),
    ("curated", _l("curated")),
    ("registered", _l("registered only")),
)


#: The longest filter value read (every status and ``curated``, comma-separated, fit twice).
MAX_FILTER_LENGTH = 200


class CurationRefused(ValueError):
    """A step the workflow does not allow; the message says why, in the reader's language."""


def curation_label(status: str) -> str:
    """A status as a reader says it (from the one vocabulary, :mod:`webapp.labels`)."""
    return label(CURATION_LABELS, status)


def next_statuses(current: str) -> list[str]:
    """Where a pesantren at ``current`` may go: one step on or back, or another curated level."""
    step = _STEP.get(current, 0)
    return [s for s in CURATION_STATUSES if s != current and abs(_STEP[s] - step) <= 1]


def change_curation(
    session: DbSession, pesantren: Pesantren, to_status: str, by: User | None, note: str = ""
) -> CurationChange:
    """Move ``pesantren`` to ``to_status`` and record who did it, when and why (not committed).

    Raises :class:`CurationRefused` for a status that is not the next or the previous step,
    or a step back without a note."""
    note = (note or "").strip()
    if to_status not in CURATION_STATUSES:
        raise CurationRefused(_("Choose a curation status from the list."))
    if to_status not in next_statuses(pesantren.curation_status):
        raise CurationRefused(
            _(
                "%(name)s is %(current)s: it can go to %(allowed)s, not straight to %(wanted)s.",
                name=pesantren.name,
                current=curation_label(pesantren.curation_status),
                allowed=", ".join(
                    curation_label(s) for s in next_statuses(pesantren.curation_status)
                ),
                wanted=curation_label(to_status),
            )
        )
    if _STEP[to_status] < _STEP.get(pesantren.curation_status, 0) and not note:
        raise CurationRefused(_("Say in a note why the curation goes a step back."))
    problem = check_text(note, MAX_NOTE_LENGTH, multiline=True)
    if problem:
        raise CurationRefused(problem)
    change = CurationChange(
        pesantren_id=pesantren.id,
        from_status=pesantren.curation_status,
        to_status=to_status,
        note=note,
        at=utcnow(),
        by_id=by.id if by is not None else None,
    )
    pesantren.curation_status = to_status
    session.add(change)
    return change


def history(session: DbSession, pesantren_id: int) -> Sequence[CurationChange]:
    """The pesantren's curation steps, newest first."""
    return session.scalars(
        select(CurationChange)
        .where(CurationChange.pesantren_id == pesantren_id)
        .order_by(CurationChange.at.desc(), CurationChange.id.desc())
    ).all()


def parse_filter(text: str | None) -> tuple[str, ...]:
    """The statuses a filter value names (``"verified,curated"`` → verified and the curated
    levels); ``()`` for no filter. Raises :class:`ValueError` naming an unknown item."""
    statuses: list[str] = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        if item == "curated":
            statuses.extend(CURATED)
        elif item in CURATION_STATUSES:
            statuses.append(item)
        else:
            raise ValueError(item)
    return tuple(dict.fromkeys(statuses))


def filter_values() -> list[str]:
    """Every value :func:`parse_filter` takes as one item (for the API's documentation)."""
    return [*CURATION_STATUSES, "curated"]
