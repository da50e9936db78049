"""Timings of the document builders against a plain ReportLab baseline, in one run.

`measure()` builds the 3-page demo initiation checklist, signs it with a generated clinic
certificate (key loaded once, as the app does), and builds a plain 3-page ReportLab
document in the same font for comparison. Each figure is the median of `repeats` runs
after one warm-up, in milliseconds.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from isoface_desk.documents import fonts

PLAIN_TEXT = (
    "Isotretinoin is a retinoid taken by mouth for severe acne. This paragraph is filler "
    "for a plain document of three pages, set in the same embedded font as the checklist "
    "so that the difference measured is the layout work, not the font. "
)


@dataclass(frozen=True)
class PdfTimings:
    checklist_ms: float
    checklist_pages: int
    sign_ms: float
    plain_ms: float
    plain_pages: int
    signed_bytes: int


def plain_document(paragraphs: int = 36) -> bytes:
    """A plain three-page ReportLab document in DejaVu Sans."""
    fonts.register_fonts()
    style = ParagraphStyle("plain", fontName=fonts.SANS, fontSize=10, leading=14, spaceAfter=6)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1, initialFontName=fonts.SANS)
    doc.build([Paragraph(f"{i + 1}. {PLAIN_TEXT}", style) for i in range(paragraphs)])
    return buf.getvalue()


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    action()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def page_count(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ")


def measure(repeats: int = 5) -> PdfTimings:
    from isoface_desk.devtools.demo_documents import demo_checklist
    from isoface_desk.documents.checklist_pdf import build_checklist_pdf
    from isoface_desk.documents.signing import (
        generate_clinic_certificate,
        load_pem_signer,
        sign_pdf,
    )

    doc = demo_checklist("initiation")
    pdf = build_checklist_pdf(doc)
    signer = load_pem_signer(*generate_clinic_certificate(doc.clinic.name))
    signed = sign_pdf(pdf, signer)
    plain = plain_document()
    return PdfTimings(
        checklist_ms=_median_ms(lambda: build_checklist_pdf(doc), repeats),
        checklist_pages=page_count(pdf),
        sign_ms=_median_ms(lambda: sign_pdf(pdf, signer), repeats),
        plain_ms=_median_ms(plain_document, repeats),
        plain_pages=page_count(plain),
        signed_bytes=len(signed),
    )
