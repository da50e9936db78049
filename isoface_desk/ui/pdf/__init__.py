"""In-app PDF preview and printing (QtPdf): `open_record_preview` for signed records."""

from __future__ import annotations

from isoface_desk.ui.pdf.preview import PdfPreviewController, PdfPreviewDialog
from isoface_desk.ui.pdf.record_preview import RecordPdfActions, open_record_preview

__all__ = ["PdfPreviewController", "PdfPreviewDialog", "RecordPdfActions", "open_record_preview"]
