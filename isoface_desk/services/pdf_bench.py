"""Checklist PDF timings for `isoface-desk bench pdf` (the CLI may not reach documents/
itself): build and sign a 3-page checklist, against a plain 3-page ReportLab document in
the same font, measured in the same run."""

from __future__ import annotations

from isoface_desk.documents.bench import PdfTimings, measure

__all__ = ["PdfTimings", "pdf_timings"]


def pdf_timings(repeats: int) -> PdfTimings:
    """Median milliseconds of `repeats` runs each (after one warm-up)."""
    return measure(repeats)
