"""House style for every printed document: geometry in millimetres, named paragraph
styles, severity colours, and the page frame (clinic header, "Page X of Y", footer with
the profile and its basis).

`para(text, style)` and `esc(text)` are the only ways user text reaches a Paragraph: they
escape it and add the script fallbacks of fonts.markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    TableStyle,
)

from isoface_desk.documents import fonts
from isoface_desk.documents.model import PaperSize

# Geometry (points; written in millimetres).
MARGIN_X = 18 * mm
MARGIN_TOP = 12 * mm  # above the header
HEADER_H = 17 * mm  # header block, rule included
GAP = 5 * mm  # between header/footer and the body
MARGIN_BOTTOM = 10 * mm  # below the footer

# Colours: calm ink on white, one accent, severity colours that also print in grey.
INK = colors.HexColor("#1d2329")
MUTED = colors.HexColor("#5c6670")
RULE = colors.HexColor("#c9d1d9")
ZEBRA = colors.HexColor("#f4f6f8")
ACCENT = colors.HexColor("#1f5f6b")
ACCENT_TINT = colors.HexColor("#e6f0f1")
BLOCK = colors.HexColor("#b3261e")
BLOCK_TINT = colors.HexColor("#fbe9e7")
WARN = colors.HexColor("#9a5b00")
WARN_TINT = colors.HexColor("#fff3df")
INFO = colors.HexColor("#1f5f99")
INFO_TINT = colors.HexColor("#e8f0f8")
OK = colors.HexColor("#2e7d32")
OK_TINT = colors.HexColor("#e8f3e9")

SEVERITY_COLOURS: dict[str, tuple[colors.Color, colors.Color]] = {
    "block": (BLOCK, BLOCK_TINT),
    "warn": (WARN, WARN_TINT),
    "info": (INFO, INFO_TINT),
}


def page_size(paper: PaperSize) -> tuple[float, float]:
    size: tuple[float, float] = A4 if paper is PaperSize.A4 else LETTER
    return size


def content_width(paper: PaperSize) -> float:
    return float(page_size(paper)[0] - 2 * MARGIN_X)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    numbered: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    label: ParagraphStyle
    label_right: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    mono: ParagraphStyle
    header_name: ParagraphStyle
    header_small: ParagraphStyle
    header_small_right: ParagraphStyle
    header_title: ParagraphStyle
    footer: ParagraphStyle


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": fonts.SANS,
        "fontSize": 9,
        "leading": 12.5,
        "textColor": INK,
        "splitLongWords": 1,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


@lru_cache(maxsize=1)
def styles() -> Styles:
    fonts.register_fonts()
    bold = fonts.SANS_BOLD
    return Styles(
        title=_style("title", fontName=bold, fontSize=15, leading=19, textColor=ACCENT),
        subtitle=_style("subtitle", fontSize=9.5, leading=13, textColor=MUTED),
        h2=_style(
            "h2",
            fontName=bold,
            fontSize=10.5,
            leading=14,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        body=_style("body", spaceAfter=4),
        numbered=_style(
            "numbered",
            fontSize=9.5,
            leading=13.5,
            leftIndent=7 * mm,
            bulletIndent=0,
            bulletFontName=fonts.SANS,
            spaceAfter=4,
        ),
        small=_style("small", fontSize=7.5, leading=10),
        muted=_style("muted", fontSize=8, leading=10.5, textColor=MUTED),
        label=_style("label", fontSize=7, leading=9, textColor=MUTED),
        label_right=_style(
            "label_right", fontSize=7, leading=9, textColor=MUTED, alignment=TA_RIGHT
        ),
        cell=_style("cell", fontSize=8.5, leading=11.5),
        cell_bold=_style("cell_bold", fontName=bold, fontSize=8.5, leading=11.5),
        cell_right=_style("cell_right", fontSize=8.5, leading=11.5, alignment=TA_RIGHT),
        mono=_style("mono", fontName=fonts.MONO, fontSize=7.5, leading=10),
        header_name=_style("header_name", fontName=bold, fontSize=10.5, leading=13),
        header_small=_style("header_small", fontSize=7.5, leading=9.5, textColor=MUTED),
        header_small_right=_style(
            "header_small_right", fontSize=7.5, leading=9.5, textColor=MUTED, alignment=TA_RIGHT
        ),
        header_title=_style(
            "header_title", fontName=bold, fontSize=10.5, leading=13, alignment=TA_RIGHT
        ),
        footer=_style("footer", fontSize=6.8, leading=8.6, textColor=MUTED),
    )


def table_style(commands: Sequence[tuple[object, ...]]) -> TableStyle:
    """A TableStyle whose plain-string cells use the embedded font, never Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.SANS), *commands])


def esc(text: str, font: str = fonts.SANS) -> str:
    """User text as Paragraph markup: escaped, right-to-left runs ordered, CJK fallback."""
    return fonts.markup(text, font)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph showing `text` literally (never parsed as markup)."""
    return Paragraph(esc(text, style.fontName), style)


def rich(markup: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph from markup the builder composed itself (user parts through esc)."""
    return Paragraph(markup, style)


@dataclass(frozen=True)
class PageFrame:
    """What every page shows around the body."""

    paper: PaperSize
    clinic_name: str
    clinic_lines: str  # address and phone, one line
    title: str
    subtitle: str  # e.g. visit kind and date
    subject_line: str  # e.g. patient and clinic number, so a loose page is identifiable
    footer: str  # markup (profile id and basis), composed with esc()
    pdf_title: str
    pdf_author: str
    pdf_subject: str = ""
    pdf_keywords: str = ""  # a signed record's id and content hash (domain.record_marks)


def build_pdf(frame: PageFrame, story: Sequence[Flowable]) -> bytes:
    """Lay out `story` inside the house page frame; returns the PDF bytes."""
    st = styles()
    width, height = page_size(frame.paper)
    inner = width - 2 * MARGIN_X
    footer = Paragraph(frame.footer, st.footer)
    _, footer_h = footer.wrap(inner - 28 * mm, height)
    bottom = MARGIN_BOTTOM + max(footer_h, 9) + GAP
    top = MARGIN_TOP + HEADER_H + GAP
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=(width, height),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=top,
        bottomMargin=bottom,
        title=frame.pdf_title,
        author=frame.pdf_author,
        subject=frame.pdf_subject,
        keywords=frame.pdf_keywords,
        creator="Isoface Desk",
        producer="Isoface Desk (ReportLab)",
        invariant=1,
        initialFontName=fonts.SANS,
    )
    body = Frame(
        MARGIN_X,
        bottom,
        inner,
        height - top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )

    def decorate(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_header(canvas, frame, width, height)
        footer.drawOn(canvas, MARGIN_X, MARGIN_BOTTOM)

    doc.addPageTemplates([PageTemplate(id="page", frames=[body], onPage=decorate)])
    doc.build(list(story), canvasmaker=NumberedCanvas)
    return buf.getvalue()


def draw_header(canvas: Canvas, frame: PageFrame) -> None:
    """The house header of `frame` on the current page, for builders that lay out each
    page themselves (a batch of lab orders, one patient per page)."""
    _draw_header(canvas, frame, *page_size(frame.paper))


def _draw_header(canvas: Canvas, frame: PageFrame, width: float, height: float) -> None:
    st = styles()
    inner = width - 2 * MARGIN_X
    y_top = height - MARGIN_TOP
    left = [para(frame.clinic_name, st.header_name), para(frame.clinic_lines, st.header_small)]
    right = [
        para(frame.title, st.header_title),
        para(frame.subtitle, st.header_small_right),
        para(frame.subject_line, st.header_small_right),
    ]
    columns = ((MARGIN_X, inner * 0.6, left), (MARGIN_X + inner * 0.6, inner * 0.4, right))
    for x, column_width, column in columns:
        y = y_top
        for p in column:
            _, h = p.wrap(column_width - 3 * mm, HEADER_H)
            y -= h
            p.drawOn(canvas, x + 3 * mm if column is right else x, y)
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    rule_y = y_top - HEADER_H
    canvas.line(MARGIN_X, rule_y, width - MARGIN_X, rule_y)
    canvas.restoreState()


class NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no types
    """Defers each page until the page count is known, then stamps "Page X of Y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._stamp(number, total)
            super().showPage()
        super().save()

    def _stamp(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setFont(fonts.SANS, 7.5)
        self.setFillColor(MUTED)
        self.drawRightString(width - MARGIN_X, MARGIN_BOTTOM, f"Page {number} of {total}")
        self.restoreState()
