"""The printed checklist of one visit: what was asked and answered, what the safety engine
found, what was prescribed, who signed, and how to prove the copy is the stored record.

`build_checklist_pdf(doc)` returns the PDF bytes; it is deterministic (same document, same
bytes) so a stored record can be compared byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from isoface_desk.documents import clinical_blocks as cb
from isoface_desk.documents.blocks import (
    field_grid,
    fmt_date,
    heading,
    qr_code,
    qr_payload,
    question_table,
    signature_boxes,
)
from isoface_desk.documents.model import VISIT_KIND_TITLES, ChecklistDocument
from isoface_desk.documents.styles import (
    ZEBRA,
    PageFrame,
    build_pdf,
    content_width,
    esc,
    para,
    rich,
    styles,
    table_style,
)
from isoface_desk.domain.record_marks import pdf_keywords

DOCUMENT_TITLE = "Isotretinoin prescribing checklist"


def build_checklist_pdf(doc: ChecklistDocument) -> bytes:
    """The checklist of one visit as PDF bytes (A4 or Letter, from the clinic setting)."""
    return build_pdf(page_frame(doc), checklist_story(doc))


def page_frame(doc: ChecklistDocument) -> PageFrame:
    clinic = doc.clinic
    footer = (
        f"<b>Profile {esc(clinic.profile_id)}</b> — {esc(clinic.profile_basis)}"
        f"<br/>Form {esc(doc.form.form_id)} v{esc(doc.form.version)} · "
        f"record {esc(doc.record_id)}"
    )
    return PageFrame(
        paper=clinic.paper,
        clinic_name=clinic.name,
        clinic_lines=" · ".join(p for p in (clinic.address, clinic.phone) if p),
        title="Isotretinoin checklist",
        subtitle=f"{VISIT_KIND_TITLES[doc.visit_kind]} · {fmt_date(doc.visit_date)}",
        subject_line=f"{doc.patient.name} · clinic no. {doc.patient.clinic_number}",
        footer=footer,
        pdf_title=f"{DOCUMENT_TITLE}, record {doc.record_id}",
        pdf_author=clinic.name,
        pdf_subject=f"{VISIT_KIND_TITLES[doc.visit_kind]}, {doc.visit_date.isoformat()}",
        pdf_keywords=pdf_keywords(doc.record_id, doc.record_hash),
    )


def checklist_story(doc: ChecklistDocument) -> list[Flowable]:
    width = content_width(doc.clinic.paper)
    story: list[Flowable] = [*_title(doc), identity_block(doc, width), Spacer(1, 4 * mm)]
    story += cb.verdict_banner(doc, width)
    story += cb.findings_block(doc.findings, width)
    if doc.sections:
        story.append(heading("Checklist as answered"))
    for section in doc.sections:
        rows = [(r.label, r.answer) for r in section.rows]
        story += [question_table(section.title, rows, width), Spacer(1, 3 * mm)]
    story += cb.phq9_block(doc.phq9, width)
    story += cb.pregnancy_block(doc, width)
    story += cb.labs_block(doc.labs, width)
    story += cb.dose_block(doc.dose, width)
    story += cb.counselling_block(doc.counselling, width)
    # Signatures and the record identity close the document together, on one page.
    closing = [
        heading("Signatures"),
        signature_boxes(doc.signatures, width),
        *integrity_block(doc, width),
    ]
    story.append(KeepTogether(closing))
    return story


def _title(doc: ChecklistDocument) -> Sequence[Flowable]:
    st = styles()
    kind = VISIT_KIND_TITLES[doc.visit_kind]
    title = [
        para(DOCUMENT_TITLE, st.title),
        para(f"{kind} on {fmt_date(doc.visit_date)}", st.subtitle),
    ]
    if doc.amends:  # a correction says at the top which record it amends, and why
        title.append(para(doc.amends, st.subtitle))
    return [*title, Spacer(1, 4 * mm)]


def identity_block(doc: ChecklistDocument, width: float) -> Flowable:
    p, r = doc.patient, doc.prescriber
    return field_grid(
        [
            ("Patient", p.name),
            ("Date of birth", fmt_date(p.birth_date)),
            ("Sex · clinic number", f"{p.sex} · {p.clinic_number}"),
            ("Prescriber", r.name),
            ("Role", r.role),
            ("Licence number", r.licence_number),
        ],
        width,
    )


def integrity_block(doc: ChecklistDocument, width: float) -> list[Flowable]:
    """Form identity, record id and hash, and the QR code that carries them."""
    st = styles()
    qr_size = 30 * mm
    lines = [
        ("Form", f"{doc.form.form_id}, version {doc.form.version}"),
        ("Form hash", doc.form.form_hash),
        ("Record id", doc.record_id),
        ("Record hash", doc.record_hash),
    ]
    text: list[Flowable] = []
    for label, value in lines:
        text.append(para(label, st.label))
        mono = label.endswith("hash") or label == "Record id"
        text.append(para(value, st.mono if mono else st.cell))
    text.append(Spacer(1, 2 * mm))
    text.append(
        rich(
            esc(
                "Scan the code to check this copy against the stored record "
                "(isoface-desk verify-pdf checks the digital signature)."
            ),
            st.label,
        )
    )
    table = Table(
        [[text, qr_code(qr_payload(doc.record_id, doc.record_hash), qr_size)]],
        colWidths=[width - qr_size - 8 * mm, qr_size + 8 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [heading("Record"), table]
