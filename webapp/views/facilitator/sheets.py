"""The facilitator's expo match sheet per regency (A4 PDF), from a published round."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ...models import MatchRound, Regency, db
from ...sheets import match_sheet, meetings_for
from ..officer.common import locale
from ..public import pdf_response
from . import bp


@bp.get("/putaran/<int:round_id>/lembar-temu.pdf")
def match_sheet_pdf(round_id: int) -> Any:
    """Who should meet whom, with what, for the pesantren of ``?kabupaten=``."""
    match_round = db.session.get(MatchRound, round_id) or abort(404)
    return _sheet(match_round)


@bp.get("/lembar-temu.pdf")
def latest_match_sheet_pdf() -> Any:
    """The same sheet from the latest published round."""
    match_round = db.session.scalar(
        select(MatchRound)
        .where(MatchRound.status == "published")
        .order_by(MatchRound.published_at.desc(), MatchRound.id.desc())
        .limit(1)
    )
    if match_round is None:
        flash(_("No round is published yet: publish a round to print its match sheets."), "error")
        return redirect(url_for(".rounds"))
    return _sheet(match_round)


def _sheet(match_round: MatchRound) -> Any:
    back = redirect(url_for(".round_detail", round_id=match_round.id) + "#match-sheet")
    if match_round.status != "published":
        flash(_("Match sheets come from a published round; this one is not published."), "error")
        return back
    code = request.args.get("kabupaten", "")
    regency = db.session.get(Regency, code) if code else None
    if regency is None:
        flash(_("Choose a kabupaten / kota for the match sheet."), "error")
        return back
    pdf = match_sheet(
        match_round,
        regency,
        meetings_for(match_round, regency.code),
        language=locale(),
    )
    return pdf_response(pdf, f"opop-temu-{match_round.id}-{regency.code}.pdf")
