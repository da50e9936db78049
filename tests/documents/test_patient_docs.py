"""The patient's copy of the acknowledgement and the wallet reminder card."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from isoface_desk.devtools.demo_documents import DEMO_NAMES, demo_checklist
from isoface_desk.documents.model import PaperSize
from isoface_desk.documents.patient_docs import (
    CARD_H,
    CARD_W,
    DEFAULT_KEY_RISKS,
    build_consent_pdf,
    build_reminder_card_pdf,
    reminder_card_from,
)
from tests.documents.pdftools import all_text, ink_fraction, pdffonts, render, squash


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_consent_copy_lists_what_was_explained_and_who_signed(name: str, tmp_path: Path) -> None:
    doc = demo_checklist("initiation", name)
    pdf = build_consent_pdf(doc)
    text = all_text(pdf)
    assert squash(name) in text
    for item in doc.counselling:
        assert (squash(item.patient_text) in text) == item.ticked
    for method in doc.contraception:
        assert method.name in text
    for sig in doc.signatures:
        assert squash(sig.name) in text
    assert doc.clinic.phone in text
    assert all(r["emb"] == "yes" for r in pdffonts(pdf, tmp_path))


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_reminder_card_has_risks_dates_and_phone(name: str, tmp_path: Path) -> None:
    doc = demo_checklist("initiation", name)
    card = reminder_card_from(doc, next_pregnancy_test=date(2026, 11, 9))
    pdf = build_reminder_card_pdf(card)
    text = all_text(pdf)
    assert squash(name) in text
    assert doc.clinic.phone in text
    assert "since 20 Jan 2025" in text and "9 Nov 2026" in text
    for risk in DEFAULT_KEY_RISKS:
        assert squash(risk) in text
    (png,) = render(pdf, tmp_path)
    assert ink_fraction(png) > 0.005
    assert all(r["emb"] == "yes" for r in pdffonts(pdf, tmp_path))


def test_card_is_bank_card_sized_on_the_clinic_paper() -> None:
    assert (round(CARD_W / 72 * 25.4, 1), round(CARD_H / 72 * 25.4, 1)) == (85.6, 54.0)
    card = reminder_card_from(demo_checklist(paper=PaperSize.LETTER))
    page = PdfReader(io.BytesIO(build_reminder_card_pdf(card))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_long_risks_shrink_to_fit_the_card() -> None:
    risks = tuple(f"Risk number {i}: " + "a fairly long sentence of advice " * 3 for i in range(6))
    card = reminder_card_from(demo_checklist(), key_risks=risks)
    text = all_text(build_reminder_card_pdf(card))
    assert "Risk number 5" in text
