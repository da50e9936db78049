"""The PDF timings helper measures what it says: a 3-page checklist and a 3-page baseline."""

from __future__ import annotations

from isoface_desk.devtools.pdf_bench import measure


def test_measure_reports_three_page_documents_and_positive_times() -> None:
    timings = measure(repeats=1)
    assert timings.checklist_pages == 3
    assert timings.plain_pages == 3
    assert timings.checklist_ms > 0 and timings.sign_ms > 0 and timings.plain_ms > 0
    assert timings.signed_bytes > 10_000
