"""Lab request forms: one order per page, many orders in one print job.

`build_order_pdf(orders, clinic, progress=..., should_cancel=...)` draws each order on
its own page (house header with the patient on it, identity, due window, the tests with
their LOINC codes, the fasting instruction for fasting tests, the prescriber's
signature, a Code128 barcode of the order id) and returns a PrintResult naming the
orders in the bytes. Pages are laid out one at a time onto one canvas, so a job can stop
between two orders and still return a complete PDF of the orders done so far.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame, Paragraph, Spacer, Table

from isoface_desk.documents import fonts
from isoface_desk.documents.blocks import (
    data_table,
    field_grid,
    fmt_date,
    heading,
    signature_stack,
)
from isoface_desk.documents.model import Clinic
from isoface_desk.documents.order_model import (
    PrintedOrder,
    PrintResult,
    Progress,
    ShouldCancel,
)
from isoface_desk.documents.print_job import check_job, describe, order_barcode, run_batch
from isoface_desk.documents.styles import (
    ACCENT,
    ACCENT_TINT,
    GAP,
    HEADER_H,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    RULE,
    WARN,
    WARN_TINT,
    NumberedCanvas,
    PageFrame,
    draw_header,
    esc,
    page_size,
    para,
    rich,
    styles,
    table_style,
)

DOCUMENT_TITLE = "Laboratory request"


def build_order_pdf(
    orders: Sequence[PrintedOrder],
    clinic: Clinic,
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> PrintResult:
    """One page per order, in the order given; stops early when should_cancel() says so."""
    check_job(orders)
    fonts.register_fonts()
    buf = io.BytesIO()
    canvas = NumberedCanvas(
        buf, pagesize=page_size(clinic.paper), invariant=1, initialFontName=fonts.SANS
    )
    describe(canvas, f"{DOCUMENT_TITLE}s", clinic.name)
    done = run_batch(orders, lambda o: draw_order_page(canvas, o, clinic), progress,
                     should_cancel)  # fmt: skip
    if not done:
        return PrintResult(b"", (), len(orders), 0)
    canvas.save()
    return PrintResult(buf.getvalue(), tuple(done), len(orders), len(done))


# --------------------------------------------------------------------------- one page


def draw_order_page(canvas: Canvas, order: PrintedOrder, clinic: Clinic) -> None:
    """Draw one order on the current page of `canvas`, then start a new page."""
    st = styles()
    width, height = page_size(clinic.paper)
    inner = width - 2 * MARGIN_X
    draw_header(canvas, page_frame(order, clinic))
    footer = Paragraph(footer_markup(order, clinic), st.footer)
    _, footer_h = footer.wrap(inner - 28 * mm, height)
    footer.drawOn(canvas, MARGIN_X, MARGIN_BOTTOM)
    bottom = MARGIN_BOTTOM + max(footer_h, 9) + GAP
    top = MARGIN_TOP + HEADER_H + GAP
    body_h = height - top - bottom
    stack(canvas, order_story(order, inner), MARGIN_X, height - top, inner, body_h)
    canvas.showPage()


def stack(
    canvas: Canvas, story: list[Flowable], x: float, y_top: float, width: float, height: float
) -> None:
    """Draw `story` top-down from y_top, as a Frame would, each flowable wrapped once;
    shrunk to fit if it is taller than `height` (so an order never runs onto a 2nd page)."""
    sizes = [f.wrap(width, height) for f in story]
    gaps = [(0 if i == 0 else f.getSpaceBefore(), f.getSpaceAfter()) for i, f in enumerate(story)]
    if sum(h for _, h in sizes) + sum(a + b for a, b in gaps) > height:
        Frame(x, y_top - height, width, height, 0, 0, 0, 0).addFromList(
            [KeepInFrame(width, height, story, mode="shrink")], canvas
        )
        return
    y = y_top
    for flowable, (_, h), (before, after) in zip(story, sizes, gaps, strict=True):
        y -= before + h
        flowable.drawOn(canvas, x, y)
        y -= after


def page_frame(order: PrintedOrder, clinic: Clinic) -> PageFrame:
    return PageFrame(
        paper=clinic.paper,
        clinic_name=clinic.name,
        clinic_lines=" · ".join(p for p in (clinic.address, clinic.phone) if p),
        title=DOCUMENT_TITLE,
        subtitle=f"Order {order.order_id}",
        subject_line=f"{_clip(order.patient.name, 60)} · clinic no. {order.patient.clinic_number}",
        footer="",
        pdf_title=DOCUMENT_TITLE,
        pdf_author=clinic.name,
    )


def _clip(text: str, limit: int) -> str:
    """The header's one line for the patient; the body shows the name in full."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def footer_markup(order: PrintedOrder, clinic: Clinic) -> str:
    results_to = " · ".join(esc(p) for p in (clinic.name, clinic.phone) if p)
    return (
        f"<b>Isotretinoin monitoring</b> — lab request {esc(order.order_id)}, "
        f"profile {esc(clinic.profile_id)}. Please send the results to {results_to}."
    )


def order_story(order: PrintedOrder, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        title_block(order, width),
        Spacer(1, 5 * mm),
        identity_grid(order, width),
        Spacer(1, 4 * mm),
        due_banner(order, width),
        heading("Tests requested"),
        tests_table(order, width),
    ]
    if order.fasting:
        story += [Spacer(1, 4 * mm), fasting_box(order.fasting_instruction, width)]
    story += [Spacer(1, 5 * mm), closing_block(order, width)]
    return story


def title_block(order: PrintedOrder, width: float) -> Table:
    st = styles()
    code_w = 72 * mm
    subtitle = "Isotretinoin monitoring"
    if order.reason:
        subtitle += f": {order.reason}"
    left: list[Flowable] = [para(DOCUMENT_TITLE, st.title), para(subtitle, st.subtitle)]
    if order.issued_on is not None:
        left.append(para(f"Issued {fmt_date(order.issued_on)}", st.muted))
    right: list[Flowable] = [
        order_barcode(order.order_id, code_w, 13 * mm),
        para(order.order_id, _centred_mono()),
    ]
    table = Table([[left, right]], colWidths=[width - code_w, code_w], hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


@lru_cache(maxsize=1)
def _centred_mono() -> ParagraphStyle:
    return ParagraphStyle("mono_centre", parent=styles().mono, alignment=TA_CENTER, fontSize=8.5)


def identity_grid(order: PrintedOrder, width: float) -> Table:
    p, r = order.patient, order.prescriber
    return field_grid(
        [
            ("Patient", p.name),
            ("Date of birth", fmt_date(p.birth_date)),
            ("Clinic number", p.clinic_number),
            ("Ordering prescriber", r.name),
            ("Role", r.role),
            ("Licence number", r.licence_number),
        ],
        width,
    )


def due_banner(order: PrintedOrder, width: float) -> Table:
    st = styles()
    text = (
        f"<b>Take the sample between {esc(fmt_date(order.due_from))} and "
        f"{esc(fmt_date(order.due_until))}</b>"
    )
    if order.due is not None:
        text += f" (due {esc(fmt_date(order.due))})"
    table = Table([[rich(text, st.body)]], colWidths=[width], hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ACCENT_TINT),
                ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def tests_table(order: PrintedOrder, width: float) -> Table:
    st = styles()
    rows = [
        [
            para(t.name, st.cell_bold),
            para(t.loinc, st.cell),
            para(t.loinc_display, st.cell),
            para(t.specimen + (", fasting" if t.fasting else ""), st.cell),
        ]
        for t in order.tests
    ]
    widths = (width * 0.27, width * 0.11, width * 0.40, width * 0.22)
    return data_table(("Test", "LOINC", "LOINC name", "Specimen"), rows, widths)


def fasting_box(instruction: str, width: float) -> Table:
    st = styles()
    table = Table(
        [[rich(f'<font color="{WARN.hexval()}"><b>Fasting sample</b></font>', st.body)],
         [para(instruction, st.body)]],
        colWidths=[width],
        hAlign="LEFT",
    )  # fmt: skip
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), WARN_TINT),
                ("LINEBEFORE", (0, 0), (0, -1), 3, WARN),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (0, 0), 6),
                ("TOPPADDING", (0, 1), (0, 1), 0),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
            ]
        )
    )
    return table


def closing_block(order: PrintedOrder, width: float) -> Table:
    """The prescriber's signature on the left, the laboratory's boxes on the right."""
    half = width / 2
    table = Table(
        [[heading("Ordered by"), heading("For the laboratory")],
         [signature_cell(order, half - 8 * mm), lab_boxes(half)]],
        colWidths=[half, half],
        hAlign="LEFT",
    )  # fmt: skip
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def signature_cell(order: PrintedOrder, width: float) -> Table:
    st = styles()
    picture: Flowable = Spacer(width, 16 * mm)
    if order.signature_png:
        picture = _signature_image(order.signature_png, width, 16 * mm)
    r = order.prescriber
    lines = [
        para(r.name, st.cell_bold),
        para(f"{r.role} · licence {r.licence_number}" if r.role else
             f"Licence {r.licence_number}", st.cell),
    ]  # fmt: skip
    return signature_stack(picture, lines, width)


def _signature_image(png: bytes, max_w: float, max_h: float) -> Flowable:
    reader = _image_reader(png)
    w, h = reader.getSize()
    scale = min(max_w / w, max_h / h)
    return _Picture(reader, w * scale, h * scale)


@lru_cache(maxsize=8)
def _image_reader(png: bytes) -> ImageReader:
    """Decoded once per job rather than once per page (the same prescriber signs many)."""
    return ImageReader(io.BytesIO(png))


class _Picture(Flowable):  # type: ignore[misc]  # ReportLab ships no types
    def __init__(self, reader: ImageReader, width: float, height: float) -> None:
        super().__init__()
        self.reader, self.width, self.height = reader, width, height

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self.reader, 0, 0, self.width, self.height, mask="auto")


def lab_boxes(width: float) -> Table:
    st = styles()
    labels = ("Sample taken (date, time)", "Taken by", "Received by the laboratory")
    rows = [[para(label, st.label)] for label in labels]
    table = Table(rows, colWidths=[width], rowHeights=[9 * mm] * len(rows), hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
