"""Authorisation matrix rows for the printable sheets (collected by ``test_authz.py``): the
pesantren sheet is public (contact only signed in, see ``test_sheets.py``), the search sheet
is for signed-in users as the search is, the match sheet for the network only."""

from __future__ import annotations

from tests.webapp.authz import Route, expect
from tests.webapp.authz_facilitator import net

MATRIX: list[Route] = [
    Route(
        "public.pesantren_sheet",
        "GET",
        lambda w: f"/pesantren/{w.b.id}/lembar.pdf",
        expect(visitor=200),
    ),
    Route("officer.search_sheet", "GET", lambda w: "/cari/lembar.pdf?q=ikan-asin", expect()),
    Route(
        "facilitator.match_sheet_pdf",
        "GET",
        lambda w: f"/fasilitator/putaran/{w.round.id}/lembar-temu.pdf?kabupaten={w.a.regency_code}",
        net(),
    ),
    Route(
        "facilitator.latest_match_sheet_pdf",
        "GET",
        lambda w: f"/fasilitator/lembar-temu.pdf?kabupaten={w.b.regency_code}",
        net(),
    ),
]
