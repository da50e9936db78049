"""A print job of the nurse workspace, run off the UI thread by ui/tasks.py.

The steps (prepare, render in a child process, deliver, then mark printed exactly the
orders in the delivered output) are services/labs/lab_printing.py's `run_job`; this module
adds only what the window does itself: painting the PDF page by page onto a QPrinter from
QPdfDocument at the printer's resolution (a file is written by the service's
`print_to_file`), and the progress of both phases. Cancel while rendering stops there and
delivers what was rendered; cancel while sending pages to the printer aborts the printer
job and marks nothing. The outcome is kept on the job, so the controller reads it
whether the task ends "finished" or "cancelled".
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
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_printing import LabPrintService, PrintOutcome
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


@dataclass
class PrintJob:
    """One job: what to print and where; `phase` and `outcome` are set by the worker."""

    order_ids: Sequence[int]
    labels: bool
    destination: Path | QPrinter
    phase: str = "render"  # then "deliver", once the pages go to the printer
    stop_delivery: threading.Event = field(default_factory=threading.Event)
    outcome: PrintOutcome | None = None

    def cancel_delivery_if_started(self) -> None:
        if self.phase == "deliver":
            self.stop_delivery.set()


def run_print_job(
    job: PrintJob, ctx: TaskContext, printing: LabPrintService, actor: Actor
) -> PrintOutcome:
    """The job through the service. To a printer, rendering fills the first half of the
    progress bar and sending the pages the second."""
    if not isinstance(job.destination, QPrinter):
        # the save dialog asked before replacing a file; a database or device is refused
        job.outcome = printing.print_to_file(
            actor, job.order_ids, job.destination, labels=job.labels, force=True,
            progress=ctx.report, should_cancel=ctx.is_cancelled, in_child=True,
        )  # fmt: skip
        return job.outcome
    printer = job.destination

    def deliver(pdf: bytes) -> bool:
        job.phase = "deliver"
        return paint_pdf(printer, pdf, job.stop_delivery.is_set,
                         lambda done, pages: ctx.report(pages + done, 2 * pages))  # fmt: skip

    job.outcome = printing.run_job(
        actor, job.order_ids, deliver, destination="the printer", labels=job.labels,
        progress=lambda done, total: ctx.report(done, 2 * total),
        should_cancel=ctx.is_cancelled, in_child=True,
    )  # fmt: skip
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
