"""The A4 page every printed sheet shares: title block, tables, a QR code, a footer.

Built with reportlab's platypus (flowing text and tables that break across pages) and
segno (the QR code, drawn as vector squares, so it prints sharp at any size). The built-in
Helvetica covers the Windows-1252 repertoire (Indonesian and English text, “quotes”, dashes);
anything outside it is replaced, never dropped silently into a missing glyph.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..report.weeks import WIB

__all__ = ["Sheet", "made_on", "plain", "qr_code", "text"]

GREEN = colors.HexColor("#0b6e4f")
GREY = colors.HexColor("#555555")
LINE = colors.HexColor("#bbbbbb")
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN

_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle(
        "title", parent=_base["Title"], alignment=0, fontSize=20, leading=24, textColor=GREEN
    ),
    "subtitle": ParagraphStyle("subtitle", parent=_base["Normal"], textColor=GREY, leading=14),
    "h2": ParagraphStyle("h2", parent=_base["Heading2"], textColor=GREEN, spaceBefore=8),
    "body": ParagraphStyle("body", parent=_base["Normal"], fontSize=10, leading=13),
    "cell": ParagraphStyle("cell", parent=_base["Normal"], fontSize=9, leading=11),
    "head": ParagraphStyle(
        "head", parent=_base["Normal"], fontName="Helvetica-Bold", fontSize=9, leading=11
    ),
    "small": ParagraphStyle(
        "small", parent=_base["Normal"], fontSize=8, leading=10, textColor=GREY
    ),
}


def plain(value: Any) -> str:
    """``value`` as a string in the fonts' repertoire (anything else becomes "?")."""
    return (
        str(value if value is not None else "").encode("cp1252", errors="replace").decode("cp1252")
    )


def text(value: Any) -> str:
    """``value`` as safe paragraph markup in the fonts' repertoire."""
    return escape(plain(value))


def qr_code(url: str, size: float = 32 * mm) -> Drawing:
    """A QR code of ``url`` (error correction M, quiet zone of four modules)."""
    qr = segno.make(url, error="m", micro=False)
    rows = list(qr.matrix_iter(border=4))
    module = size / len(rows)
    drawing = Drawing(size, size)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                drawing.add(
                    Rect(
                        x * module,
                        size - (y + 1) * module,
                        module,
                        module,
                        fillColor=colors.black,
                        strokeColor=None,
                        strokeWidth=0,
                    )
                )
    return drawing


@dataclass
class Sheet:
    """One printed document: add paragraphs and tables, then :meth:`render` to PDF bytes.

    ``footer`` is printed on every page with the page number, e.g. the programme name and
    the date the sheet was made.
    """

    title: str
    subtitle: str = ""
    footer: str = ""
    author: str = "OPOP Match"
    story: list[Flowable] = field(default_factory=list)

    def heading(self, value: str) -> None:
        self.story.append(Paragraph(text(value), STYLES["h2"]))

    def paragraph(self, value: str, style: str = "body") -> None:
        self.story.append(Paragraph(text(value), STYLES[style]))

    def space(self, height: float = 4 * mm) -> None:
        self.story.append(Spacer(1, height))

    def facts(self, pairs: Sequence[tuple[str, str]], aside: Flowable | None = None) -> None:
        """Label/value lines, with ``aside`` (a QR code) to their right."""
        lines = Table(
            [
                [Paragraph(text(k), STYLES["head"]), Paragraph(text(v), STYLES["body"])]
                for k, v in pairs
            ],
            colWidths=[35 * mm, WIDTH - 35 * mm - (40 * mm if aside else 0)],
            hAlign="LEFT",
        )
        lines.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        if aside is None:
            self.story.append(lines)
            return
        outer = Table([[lines, aside]], colWidths=[WIDTH - 40 * mm, 40 * mm], hAlign="LEFT")
        outer.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        self.story.append(outer)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        keep_with: str | None = None,
    ) -> None:
        """A ruled table whose header repeats on every page; ``widths`` are fractions."""
        data = [[Paragraph(text(h), STYLES["head"]) for h in header]]
        data += [
            [Paragraph(text(c).replace("\n", "<br/>"), STYLES["cell"]) for c in row] for row in rows
        ]
        table = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f3ee")),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                    ("BOX", (0, 0), (-1, -1), 0.6, LINE),
                ]
            )
        )
        if keep_with:
            self.story.append(KeepTogether([Paragraph(text(keep_with), STYLES["h2"]), table]))
        else:
            self.story.append(table)

    def render(self) -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 5 * mm,
            title=self.title,
            author=self.author,
        )
        head: list[Flowable] = [Paragraph(text(self.title), STYLES["title"])]
        if self.subtitle:
            head.append(Paragraph(text(self.subtitle), STYLES["subtitle"]))
        head.append(Spacer(1, 4 * mm))
        doc.build(head + self.story, onFirstPage=self._footer, onLaterPages=self._footer)
        return out.getvalue()

    def _footer(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, MARGIN, plain(self.footer))
        canvas.drawRightString(A4[0] - MARGIN, MARGIN, str(doc.page))
        canvas.restoreState()


def made_on(now: dt.datetime | None = None) -> dt.date:
    """The day (in WIB) a sheet is made, for its footer."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(WIB).date()
