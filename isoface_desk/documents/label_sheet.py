"""Tube labels for lab orders on a sheet of standard labels (A4 or Letter).

Each order gets one label per specimen (the tests sharing a tube): patient name, birth
date and clinic number, the tests, fasting if so, and a Code128 barcode of the order id.
`start_at` skips labels already used on a partly used first sheet. Like the order forms,
a job reports progress per order, can be cancelled between orders, and returns a
PrintResult naming exactly the orders whose labels are in the bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame

from isoface_desk.documents import fonts
from isoface_desk.documents.blocks import fmt_date
from isoface_desk.documents.model import Clinic, PaperSize
from isoface_desk.documents.order_model import (
    OrderTestLine,
    PrintedOrder,
    PrintResult,
    Progress,
    ShouldCancel,
)
from isoface_desk.documents.print_job import check_job, describe, order_barcode, run_batch
from isoface_desk.documents.styles import INK, RULE, WARN, esc, para, rich
from isoface_desk.errors import InputError


@dataclass(frozen=True)
class LabelLayout:
    """A sheet of labels: geometry in points, from the sheet's top-left corner."""

    name: str
    paper: PaperSize
    columns: int
    rows: int
    label_w: float
    label_h: float
    left: float  # margin to the first column
    top: float  # margin to the first row
    pitch_x: float  # from one column's left edge to the next one's
    pitch_y: float
    padding: float = 2 * mm

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def origin(self, slot: int) -> tuple[float, float]:
        """Bottom-left corner of label `slot` (0 = top left, row by row)."""
        _, height = A4 if self.paper is PaperSize.A4 else LETTER
        row, col = divmod(slot, self.columns)
        return self.left + col * self.pitch_x, height - self.top - row * self.pitch_y - self.label_h


LAYOUTS: dict[str, LabelLayout] = {
    "avery-l7160": LabelLayout(
        "Avery L7160 (A4, 3 × 7 labels of 63.5 × 38.1 mm)", PaperSize.A4, 3, 7,
        63.5 * mm, 38.1 * mm, 7.25 * mm, 15.15 * mm, 66.04 * mm, 38.1 * mm,
    ),
    "avery-5160": LabelLayout(
        "Avery 5160 (Letter, 3 × 10 labels of 2⅝ × 1 in)", PaperSize.LETTER, 3, 10,
        2.625 * inch, 1 * inch, 0.1875 * inch, 0.5 * inch, 2.75 * inch, 1 * inch, 1.5 * mm,
    ),
}  # fmt: skip


def default_layout(paper: PaperSize) -> LabelLayout:
    return LAYOUTS["avery-l7160" if paper is PaperSize.A4 else "avery-5160"]


def build_label_sheet(
    orders: Sequence[PrintedOrder],
    clinic: Clinic,
    *,
    layout: LabelLayout | None = None,
    start_at: int = 0,
    outlines: bool = False,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> PrintResult:
    """Tube labels for `orders` on label sheets; the layout defaults to the clinic's paper."""
    check_job(orders)
    sheet = layout or default_layout(clinic.paper)
    if not 0 <= start_at < sheet.per_sheet:
        raise InputError(f"start at label: must be 0 to {sheet.per_sheet - 1}, got {start_at}")
    fonts.register_fonts()
    buf = io.BytesIO()
    size = A4 if sheet.paper is PaperSize.A4 else LETTER
    canvas = Canvas(buf, pagesize=size, invariant=1, initialFontName=fonts.SANS)
    describe(canvas, "Tube labels", clinic.name)
    placer = _Placer(canvas, sheet, start_at, outlines)
    done = run_batch(orders, placer.add_order, progress, should_cancel)
    if not done:
        return PrintResult(b"", (), len(orders), 0)
    canvas.save()
    return PrintResult(buf.getvalue(), tuple(done), len(orders), placer.pages)


class _Placer:
    """Puts labels into the next free positions, starting a new sheet when one is full."""

    def __init__(self, canvas: Canvas, sheet: LabelLayout, start_at: int, outlines: bool):
        self.canvas = canvas
        self.sheet = sheet
        self.next = start_at
        self.outlines = outlines
        self.pages = 1

    def add_order(self, order: PrintedOrder) -> None:
        for specimen, lines in order.specimen_groups():
            if self.next == self.sheet.per_sheet:
                self.canvas.showPage()
                self.pages += 1
                self.next = 0
            x, y = self.sheet.origin(self.next)
            self.next += 1
            draw_label(self.canvas, order, specimen, lines, x, y, self.sheet, self.outlines)


def draw_label(
    canvas: Canvas,
    order: PrintedOrder,
    specimen: str,
    lines: tuple[OrderTestLine, ...],
    x: float,
    y: float,
    sheet: LabelLayout,
    outlines: bool = False,
) -> None:
    w, h, pad = sheet.label_w, sheet.label_h, sheet.padding
    if outlines:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.roundRect(x, y, w, h, 2 * mm)
        canvas.restoreState()
    code_h = min(12 * mm, h * 0.32)
    barcode = order_barcode(order.order_id, w - 2 * pad, code_h)
    code_w, _ = barcode.wrap(w, h)
    barcode.drawOn(canvas, x + (w - code_w) / 2, y + pad)
    text_y = y + pad + code_h + 0.8 * mm
    text_h = y + h - pad - text_y
    frame = Frame(x + pad, text_y, w - 2 * pad, text_h, 0, 0, 0, 0, id="label")
    story = label_text(order, specimen, lines, large=h >= 30 * mm)
    frame.addFromList([KeepInFrame(w - 2 * pad, text_h, story, mode="shrink")], canvas)


def label_text(
    order: PrintedOrder, specimen: str, lines: tuple[OrderTestLine, ...], large: bool = False
) -> list[Flowable]:
    st = _label_styles(large)
    p = order.patient
    fasting = any(line.fasting for line in lines)
    tests = " · ".join(line.code for line in lines)
    flag = f' · <font color="{WARN.hexval()}"><b>FASTING</b></font>' if fasting else ""
    return [
        para(p.name, st.name),
        para(f"DOB {fmt_date(p.birth_date)} · {p.clinic_number}", st.line),
        rich(f"<b>{esc(tests)}</b>{flag}", st.line),
        para(f"{specimen} · {order.order_id}", st.line),
    ]


@dataclass(frozen=True)
class _LabelStyles:
    name: ParagraphStyle
    line: ParagraphStyle


@lru_cache(maxsize=2)
def _label_styles(large: bool) -> _LabelStyles:
    """Type sizes for a label: larger on the taller A4 labels, compact on Letter ones."""
    fonts.register_fonts()
    size = 8 if large else 7
    base = {"textColor": INK, "splitLongWords": 1}
    return _LabelStyles(
        name=ParagraphStyle(
            "label_name",
            fontName=fonts.SANS_BOLD,
            fontSize=size + 2,
            leading=(size + 2) * 1.22,
            **base,
        ),
        line=ParagraphStyle(
            "label_line", fontName=fonts.SANS, fontSize=size, leading=size * 1.22, **base
        ),
    )
