"""What the patient takes home at initiation: their copy of the signed acknowledgement
(consent) and a wallet-size reminder card, both as PDF bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from isoface_desk.documents import fonts
from isoface_desk.documents.blocks import (
    data_table,
    field_grid,
    fmt_date,
    heading,
    signature_boxes,
)
from isoface_desk.documents.model import ChecklistDocument, ReminderCard
from isoface_desk.documents.styles import (
    ACCENT,
    MUTED,
    RULE,
    PageFrame,
    build_pdf,
    content_width,
    esc,
    page_size,
    para,
    rich,
    styles,
)

CARD_W = 85.6 * mm  # ISO/IEC 7810 ID-1, the size of a bank card
CARD_H = 54 * mm

DEFAULT_KEY_RISKS = (
    "Isotretinoin can seriously harm an unborn baby. Do not get pregnant while taking it "
    "or for one month after.",
    "Tell someone at once if your mood changes or you have thoughts of harming yourself.",
    "Never share your capsules. Do not give blood during treatment or for one month after.",
    "Severe headache, blurred vision, severe stomach pain or dark urine: stop and call us.",
)


def build_consent_pdf(doc: ChecklistDocument) -> bytes:
    """The patient's copy of the acknowledgement they signed at initiation."""
    frame = PageFrame(
        paper=doc.clinic.paper,
        clinic_name=doc.clinic.name,
        clinic_lines=" · ".join(p for p in (doc.clinic.address, doc.clinic.phone) if p),
        title="Your copy",
        subtitle=f"Acknowledgement · {fmt_date(doc.visit_date)}",
        subject_line=doc.patient.name,
        footer=f"<b>Profile {esc(doc.clinic.profile_id)}</b> — "
        f"{esc(doc.clinic.profile_basis)}<br/>Record {esc(doc.record_id)}",
        pdf_title=f"Acknowledgement of risk, record {doc.record_id}",
        pdf_author=doc.clinic.name,
    )
    return build_pdf(frame, _consent_story(doc))


def _consent_story(doc: ChecklistDocument) -> list[Flowable]:
    st = styles()
    width = content_width(doc.clinic.paper)
    p = doc.patient
    story: list[Flowable] = [
        para("Isotretinoin: what you have been told and agreed", st.title),
        para("Keep this copy. Read it again whenever you have a question.", st.subtitle),
        Spacer(1, 4 * mm),
        field_grid(
            [
                ("Patient", p.name),
                ("Date of birth", fmt_date(p.birth_date)),
                ("Clinic number", p.clinic_number),
                ("Prescriber", doc.prescriber.name),
                ("Date", fmt_date(doc.visit_date)),
                ("Questions? Call", doc.clinic.phone),
            ],
            width,
        ),
        heading("I have been told, and I understand"),
    ]
    told = [i for i in doc.counselling if i.ticked]
    for n, item in enumerate(told, start=1):
        story.append(_statement(n, item.label, item.patient_text))
    if doc.contraception:
        rows = [
            [para(m.name, st.cell), para(fmt_date(m.start_date), st.cell)]
            for m in doc.contraception
        ]
        story += [
            heading("The contraception we agreed"),
            data_table(("Method", "Started"), rows, (width - 45 * mm, 45 * mm)),
        ]
    story.append(KeepTogether([heading("Signed"), signature_boxes(doc.signatures, width)]))
    return story


def _statement(n: int, label: str, text: str) -> Paragraph:
    st = styles()
    markup = f"<b>{esc(label)}.</b> {esc(text)}"
    return Paragraph(markup, st.numbered, bulletText=f"{n}.")


def reminder_card_from(
    doc: ChecklistDocument,
    key_risks: Sequence[str] = DEFAULT_KEY_RISKS,
    next_pregnancy_test: date | None = None,
) -> ReminderCard:
    return ReminderCard(
        clinic_name=doc.clinic.name,
        clinic_phone=doc.clinic.phone,
        patient_name=doc.patient.name,
        course_start=doc.visit_date,
        key_risks=tuple(key_risks),
        contraception=doc.contraception,
        next_pregnancy_test=next_pregnancy_test,
        paper=doc.clinic.paper,
    )


def build_reminder_card_pdf(card: ReminderCard) -> bytes:
    """One page: the card's front and back side by side, to cut out and fold in two."""
    fonts.register_fonts()
    width, height = page_size(card.paper)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(width, height), invariant=1, initialFontName=fonts.SANS)
    canvas.setTitle("Isotretinoin reminder card")
    canvas.setAuthor(card.clinic_name)
    canvas.setCreator("Isoface Desk")
    x0 = (width - 2 * CARD_W) / 2
    y0 = height - 30 * mm - CARD_H
    _card_outline(canvas, x0, y0)
    _front(canvas, card, x0, y0)
    _back(canvas, card, x0 + CARD_W, y0)
    note = para(
        "Cut along the solid line, fold along the dashed line, and keep the card in your "
        "wallet. Show it to any doctor, nurse or pharmacist you see during treatment.",
        styles().muted,
    )
    note.wrap(2 * CARD_W, 30 * mm)
    note.drawOn(canvas, x0, y0 - 14 * mm)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _card_outline(canvas: Canvas, x: float, y: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.roundRect(x, y, 2 * CARD_W, CARD_H, 3 * mm)
    canvas.setDash(3, 3)
    canvas.line(x + CARD_W, y, x + CARD_W, y + CARD_H)
    canvas.restoreState()


def _front(canvas: Canvas, card: ReminderCard, x: float, y: float) -> None:
    st = styles()
    canvas.saveState()
    canvas.setFillColor(ACCENT)
    canvas.rect(x + 4 * mm, y + CARD_H - 5 * mm, CARD_W - 8 * mm, 1.2 * mm, stroke=0, fill=1)
    canvas.restoreState()
    top = y + CARD_H - 6.5 * mm
    inner = CARD_W - 8 * mm
    head = [
        rich(f'<font color="{ACCENT.hexval()}"><b>I take isotretinoin</b></font>', st.body),
        para(f"{card.patient_name} · since {fmt_date(card.course_start)}", st.small),
    ]
    top = _draw_column(canvas, head, x + 4 * mm, top, inner)
    risks = [f"• {esc(r)}" for r in card.key_risks]
    _draw_fitted(canvas, risks, x + 4 * mm, top - 1 * mm, inner, top - y - 4 * mm)


def _back(canvas: Canvas, card: ReminderCard, x: float, y: float) -> None:
    st = styles()
    inner = CARD_W - 8 * mm
    lines = [f'<font color="{ACCENT.hexval()}"><b>My contraception</b></font>']
    lines += [
        f"{esc(m.name)} — since {esc(fmt_date(m.start_date))}" for m in card.contraception
    ] or ["None recorded."]
    if card.next_pregnancy_test:
        lines.append(f"<b>Next pregnancy test:</b> {esc(fmt_date(card.next_pregnancy_test))}")
    _draw_fitted(canvas, lines, x + 4 * mm, y + CARD_H - 5 * mm, inner, 28 * mm)
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.line(x + 4 * mm, y + 17 * mm, x + CARD_W - 4 * mm, y + 17 * mm)
    canvas.restoreState()
    contact = [
        para("Questions or side effects? Call", st.small),
        rich(f"<b>{esc(card.clinic_phone)}</b>", st.body),
        para(card.clinic_name, st.label),
    ]
    _draw_column(canvas, contact, x + 4 * mm, y + 15.5 * mm, inner)


def _draw_column(
    canvas: Canvas, paragraphs: Sequence[Paragraph], x: float, top: float, width: float
) -> float:
    """Draw paragraphs downwards from `top`; returns the y where the next one would go."""
    for p in paragraphs:
        _, h = p.wrap(width, 100 * mm)
        top -= h
        p.drawOn(canvas, x, top)
    return top


def _draw_fitted(
    canvas: Canvas, lines: Sequence[str], x: float, top: float, width: float, height: float
) -> None:
    """Draw markup lines as large as fits in the box (7.5 pt down to 5.5 pt)."""
    size = 7.5
    while True:
        style = styles().small.clone("fit", fontSize=size, leading=size * 1.25, spaceAfter=1)
        paragraphs = [Paragraph(line, style) for line in lines]
        total = sum(p.wrap(width, height)[1] + 1 for p in paragraphs)
        if total <= height or size <= 5.5:
            break
        size -= 0.25
    _draw_column(canvas, paragraphs, x, top, width)
