"""A correction's printed checklist says at the top which record it amends and why (issue
10, item 5); a record that corrects nothing prints no such line. Read back with pypdf."""

from __future__ import annotations

from dataclasses import replace

from isoface_desk.devtools.demo_documents import DEMO_NAMES, demo_checklist
from isoface_desk.documents.checklist_pdf import build_checklist_pdf
from tests.documents.pdftools import page_texts, squash

AMENDS = ("Correction of record 12 signed 2026-10-12 (the follow-up visit of 2026-10-12): "
          "weight misread as <b>62</b> & kg, it was 59.5")  # fmt: skip


def test_the_correction_line_is_printed_literally_on_the_first_page() -> None:
    doc = replace(demo_checklist("follow-up", DEMO_NAMES[0]), amends=AMENDS)
    pages = [" ".join(text.split()) for text in page_texts(build_checklist_pdf(doc))]
    assert squash(AMENDS) in pages[0], "markup characters print as typed"
    first = pages[0]
    title, identity = first.index("Follow-up visit on"), first.index("Date of birth")
    assert title < first.index("Correction of record 12") < identity, "under the title"
    assert all("Correction of record" not in text for text in pages[1:])


def test_a_record_that_corrects_nothing_says_nothing_of_it() -> None:
    doc = demo_checklist("follow-up", DEMO_NAMES[0])
    assert doc.amends == ""
    text = " ".join(page_texts(build_checklist_pdf(doc)))
    assert "Correction of record" not in text
