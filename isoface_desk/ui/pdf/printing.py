"""Print a PDF through QPrinter: each page rendered by QtPdf at the printer's resolution.

QtPdf only renders pages to images, so a page is rendered in horizontal bands (a full A4
page at 1200 dpi would be a 550 MB image) and each band is drawn onto the printer's
QPainter. The page is printed at its actual size, centred on the paper, and shrunk only
when the paper is smaller than the page (an A4 record on Letter paper). Rendering is
capped at MAX_RENDER_DPI: no office printer resolves more, and a PDF "printer" at 1200 dpi
would otherwise write images of a gigabyte.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrinter

from isoface_desk.errors import InputError

log = logging.getLogger("isoface.ui.print")

POINTS_PER_INCH = 72.0
MAX_RENDER_DPI = 600
BAND_ROWS = 512

ShouldCancel = Callable[[], bool]
Progress = Callable[[int, int], None]


def configure_printer(printer: QPrinter, document: QPdfDocument, title: str) -> None:
    """Paper size and orientation of the document's first page, full-page coordinates,
    every page selectable; `title` names the print job (a record id, never a name)."""
    points = document.pagePointSize(0)
    if points.width() > 0 and points.height() > 0:
        size = QPageSize(points, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
        printer.setPageSize(size)
        landscape = points.width() > points.height()
        printer.setPageOrientation(
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        )
    printer.setFullPage(True)
    printer.setDocName(title)
    printer.setFromTo(1, max(1, document.pageCount()))


def pages_to_print(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """0-based page numbers the print dialog's choice selects, in order."""
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        return [min(max(current_page, 0), page_count - 1)] if page_count else []
    if mode == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(printer.fromPage(), 1)
        last = min(printer.toPage() or page_count, page_count)
        return list(range(first - 1, last))
    return list(range(page_count))


def print_document(
    document: QPdfDocument,
    printer: QPrinter,
    pages: Sequence[int],
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Render `pages` (0-based) of `document` onto `printer`; the number of pages printed.

    May run in a worker thread (Qt allows painting on a QPrinter there, and QtPdf
    serialises its renderer); `should_cancel` is polled before each page."""
    if not pages:
        raise InputError("There are no pages to print.")
    painter = QPainter()
    if not painter.begin(printer):
        raise InputError("The printer could not be started. Check that it is available.")
    printed = 0
    try:
        for index in pages:
            if should_cancel is not None and should_cancel():
                printer.abort()
                break
            if printed:
                printer.newPage()
            paint_page(painter, document, index, printer)
            printed += 1
            if progress is not None:
                progress(printed, len(pages))
    finally:
        painter.end()
    log.info("printed %d of %d pages", printed, len(pages))
    return printed


def target_rect(page_points: QSizeF, paper: QRect, dpi: int) -> QRectF:
    """Where a page goes on the paper (device pixels): actual size, centred, shrunk to fit."""
    width = page_points.width() * dpi / POINTS_PER_INCH
    height = page_points.height() * dpi / POINTS_PER_INCH
    scale = min(1.0, paper.width() / width, paper.height() / height)
    width, height = round(width * scale), round(height * scale)
    left = paper.left() + (paper.width() - width) // 2
    top = paper.top() + (paper.height() - height) // 2
    return QRectF(left, top, width, height)  # whole pixels: no seams between the bands


def paint_page(painter: QPainter, document: QPdfDocument, index: int, printer: QPrinter) -> None:
    """One page, rendered in bands at (at most MAX_RENDER_DPI) the printer's resolution."""
    paper = printer.paperRect(QPrinter.Unit.DevicePixel).toRect()
    paper.moveTo(0, 0)  # full-page mode: the painter's origin is the paper's corner
    dpi = printer.resolution()
    target = target_rect(document.pagePointSize(index), paper, dpi)
    render_scale = min(1.0, MAX_RENDER_DPI / dpi)
    full = QSize(round(target.width() * render_scale), round(target.height() * render_scale))
    if full.isEmpty():
        return
    for top in range(0, full.height(), BAND_ROWS):
        rows = min(BAND_ROWS, full.height() - top)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(full)
        options.setScaledClipRect(QRect(QPoint(0, top), QSize(full.width(), rows)))
        band = document.render(index, QSize(full.width(), rows), options)
        where = QRectF(
            target.left(),
            target.top() + top / render_scale,
            target.width(),
            rows / render_scale,
        )
        painter.drawImage(where, band)


def print_dialog_options() -> QAbstractPrintDialog.PrintDialogOption:
    """Page ranges and "current page" are offered; printing to a file is the system's."""
    option = QAbstractPrintDialog.PrintDialogOption
    return option.PrintPageRange | option.PrintCurrentPage | option.PrintToFile
