"""A print job of the nurse workspace, run off the UI thread by ui/tasks.py.

The work function prepares the selection, renders it (one order per page, or labels),
delivers the PDF (written atomically to a file, or painted page by page onto a QPrinter
from QPdfDocument at the printer's resolution) and only then marks printed exactly the
orders in the delivered output (PrintResult.order_ids). Cancel while rendering stops
there and delivers what was rendered; cancel while sending pages to the printer aborts
the printer job and marks nothing. The outcome is kept on the job, so the controller
reads it whether the task ends "finished" or "cancelled".
"""

from __future__ import annotations

import gc
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from isoface_desk.errors import InputError
from isoface_desk.fileio import write_bytes_atomically
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_printing import LabPrintService, render_batch
from isoface_desk.ui.tasks import TaskContext

MAX_RENDER_DPI = 300  # finer than this only costs memory: the pages are text and barcodes


def set_aside_live_objects() -> None:
    """Keep full garbage collections short while a job runs. A full (generation 2) pass over
    the app's ~170,000 live objects takes over 100 ms and holds the GIL, freezing the
    window; gc.freeze() sets the objects alive now aside, so a pass during the job scans
    only the job's own. `bring_back_live_objects` undoes it when the job ends, so nothing
    escapes collection for good."""
    gc.freeze()


def bring_back_live_objects() -> None:
    gc.unfreeze()


@dataclass(frozen=True)
class PrintOutcome:
    requested: int
    printed: tuple[str, ...]  # the order ids (LO-...) in the delivered output
    marked: int
    delivered: bool
    destination: str  # "the printer" or the file's path


@dataclass
class PrintJob:
    """One job: what to print and where; `phase` and `outcome` are set by the worker."""

    order_ids: Sequence[int]
    labels: bool
    destination: Path | QPrinter
    phase: str = "render"  # then "deliver"
    stop_delivery: threading.Event = field(default_factory=threading.Event)
    outcome: PrintOutcome | None = None

    @property
    def to_printer(self) -> bool:
        return isinstance(self.destination, QPrinter)

    def cancel_delivery_if_started(self) -> None:
        if self.phase == "deliver":
            self.stop_delivery.set()


def run_print_job(
    job: PrintJob, ctx: TaskContext, printing: LabPrintService, actor: Actor
) -> PrintOutcome:
    batch = printing.prepare(actor, job.order_ids)
    count = len(batch.orders)
    steps = count * (2 if job.to_printer else 1)
    result = render_batch(batch, labels=job.labels, should_cancel=ctx.is_cancelled,
                          progress=lambda done, _total: ctx.report(done, steps),
                          in_child=True)  # fmt: skip
    delivered = False
    if result.order_ids:
        job.phase = "deliver"
        if isinstance(job.destination, QPrinter):
            delivered = paint_pdf(job.destination, result.pdf, job.stop_delivery.is_set,
                                  lambda done, total: ctx.report(count + done * count // total,
                                                                 steps))  # fmt: skip
        else:
            # the save dialog asked before replacing a file; a database or device is refused
            write_bytes_atomically(job.destination, result.pdf, database=printing.database,
                                   force=True)  # fmt: skip
            delivered = True
    marked = 0
    if delivered:
        marked = printing.work.mark_printed(actor, result.order_ids,
                                            job="labels" if job.labels else "orders")  # fmt: skip
    where = "the printer" if job.to_printer else str(job.destination)
    job.outcome = PrintOutcome(count, result.order_ids if delivered else (), marked,
                               delivered, where)  # fmt: skip
    return job.outcome


def paint_pdf(
    printer: QPrinter,
    pdf: bytes,
    stop: Callable[[], bool],
    progress: Callable[[int, int], None],
) -> bool:
    """Paint every page of `pdf` onto `printer`, full page; False if stopped (the printer
    job is then aborted, so nothing comes out)."""
    with tempfile.TemporaryDirectory(prefix="isoface-print-") as folder:
        path = Path(folder) / "job.pdf"
        path.write_bytes(pdf)
        document = QPdfDocument()
        if document.load(str(path)) != QPdfDocument.Error.None_:
            raise InputError("The print job could not be read back for the printer.")
        try:
            return _paint_pages(printer, document, stop, progress)
        finally:
            document.close()


def _paint_pages(
    printer: QPrinter,
    document: QPdfDocument,
    stop: Callable[[], bool],
    progress: Callable[[int, int], None],
) -> bool:
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise InputError("The printer could not be started. Check that it is connected.")
    pages = document.pageCount()
    dpi = min(printer.resolution(), MAX_RENDER_DPI)
    try:
        for page in range(pages):
            if stop():
                printer.abort()
                return False
            if page and not printer.newPage():
                raise InputError("The printer stopped accepting pages.")
            size = document.pagePointSize(page)
            image = document.render(page, QSize(round(size.width() * dpi / 72),
                                                round(size.height() * dpi / 72)))  # fmt: skip
            painter.drawImage(QRect(painter.viewport()), image)
            progress(page + 1, pages)
    finally:
        if painter.isActive():
            painter.end()
    return True
