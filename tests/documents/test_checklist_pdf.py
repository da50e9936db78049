"""The printed checklist, opened with real tools: pypdf, pdffonts, pdftoppm, zbarimg."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from isoface_desk.devtools.demo_documents import DEMO_NAMES, demo_checklist
from isoface_desk.documents.blocks import parse_qr_payload
from isoface_desk.documents.checklist_pdf import build_checklist_pdf
from isoface_desk.documents.model import Finding, PaperSize, Row, Section, VisitKind
from tests.documents.pdftools import (
    all_text,
    built,
    ink_fraction,
    page_texts,
    pdffonts,
    render,
    squash,
    zbar,
)

KINDS: tuple[VisitKind, ...] = ("initiation", "follow-up", "end-of-course")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", DEMO_NAMES)
def test_text_has_every_answer_finding_and_the_patient_name(kind: VisitKind, name: str) -> None:
    doc = demo_checklist(kind, name)
    text = all_text(built(kind, name))
    assert squash(name) in text
    for section in doc.sections:
        assert squash(section.title) in text
        for row in section.rows:
            assert squash(row.label) in text and squash(row.answer) in text
    for f in doc.findings:
        assert f.code in text and squash(f.message) in text
        if f.justification:
            assert squash(f.justification) in text
    assert doc.phq9 is not None
    for item in doc.phq9.items:
        assert squash(item.text) in text
    assert f"Total {doc.phq9.total} of 27" in text
    for item in doc.counselling:
        assert squash(item.patient_text) in text
    assert doc.record_id in text and doc.record_hash in text
    assert doc.prescriber.licence_number in text


def test_page_x_of_y_on_every_page() -> None:
    pages = page_texts(built("initiation", DEMO_NAMES[0]))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert len(re.findall(r"Page \d+ of \d+", text)) == 1


def test_every_page_names_the_patient_and_the_profile_basis() -> None:
    doc = demo_checklist("follow-up", DEMO_NAMES[1])
    for text in page_texts(built("follow-up", DEMO_NAMES[1])):
        assert DEMO_NAMES[1] in text
        assert doc.clinic.profile_id in text
        assert "EMA retinoid referral" in text


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_only_embedded_fonts(name: str, tmp_path: Path) -> None:
    rows = pdffonts(built("initiation", name), tmp_path)
    assert rows and all(r["emb"] == "yes" for r in rows), rows
    names = " ".join(r["name"] for r in rows)
    assert ("WenQuanYi" in names) == (name == "李小龍")


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_pages_render_and_are_not_blank(name: str, tmp_path: Path) -> None:
    pages = render(built("follow-up", name), tmp_path)
    assert len(pages) == len(PdfReader(io.BytesIO(built("follow-up", name))).pages)
    for png in pages:
        assert ink_fraction(png) > 0.01, png.name


def test_user_strings_with_markup_characters_print_literally() -> None:
    doc = demo_checklist()
    nasty = "<b>bold?</b> & <font name='x'>AT&T</font> > 3"
    doc = replace(
        doc,
        sections=(Section("A & B <c>", (Row(nasty, "x < y & y > z"),)),),
        findings=(Finding("X_CODE", "warn", "Message <with> & tags", "", "Because <i>"),),
    )
    text = all_text(build_checklist_pdf(doc))
    for literal in (nasty, "x < y & y > z", "A & B <c>", "Message <with> & tags", "Because <i>"):
        assert squash(literal) in text


@pytest.mark.parametrize(
    ("paper", "size"), [(PaperSize.A4, (595, 842)), (PaperSize.LETTER, (612, 792))]
)
def test_paper_size_follows_the_clinic_setting(paper: PaperSize, size: tuple[int, int]) -> None:
    reader = PdfReader(io.BytesIO(built("initiation", DEMO_NAMES[0], paper)))
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == size


def test_the_same_document_gives_the_same_bytes() -> None:
    doc = demo_checklist("end-of-course", DEMO_NAMES[2])
    assert build_checklist_pdf(doc) == build_checklist_pdf(doc)


def test_qr_code_decodes_to_record_id_and_hash(tmp_path: Path) -> None:
    doc = demo_checklist("initiation", DEMO_NAMES[3])
    pdf = built("initiation", DEMO_NAMES[3])
    last = len(PdfReader(io.BytesIO(pdf)).pages)
    (png,) = render(pdf, tmp_path, dpi=150, first=last, last=last)
    payloads = zbar(png)
    assert payloads, "zbarimg found no QR code on the last page"
    assert parse_qr_payload(payloads[0]) == (doc.record_id, doc.record_hash)


def test_unsigned_blocked_visit_says_so() -> None:
    doc = replace(
        demo_checklist(signed=False),
        findings=(Finding("PREGNANT", "block", "A pregnancy test was positive."),),
    )
    text = all_text(build_checklist_pdf(doc))
    assert "Blocked" in text and "cannot be signed" in text
    assert "Not signed yet" in text


def test_a_long_form_splits_across_pages_with_its_title_repeated() -> None:
    rows = tuple(Row(f"Question number {i} about something", f"Answer {i}") for i in range(90))
    doc = replace(demo_checklist(), sections=(Section("Very long section", rows),))
    pages = page_texts(build_checklist_pdf(doc))
    holding = [t for t in pages if "Question number" in t]
    assert len(holding) >= 2
    assert all("Very long section" in t for t in holding)
    text = all_text(build_checklist_pdf(doc))
    assert all(f"Answer {i}" in text for i in range(90))
