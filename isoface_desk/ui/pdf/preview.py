"""In-app PDF preview: pages, zoom, Print (QPrintDialog + QPrinter) and Save as PDF.

`PdfPreviewController` works on any PDF through a `PdfActions` object, which decides who
may print or save and records it (for a signed record: record_preview.RecordPdfActions,
audited by the services). The printer and file dialogs are passed in, so tests drive the
real buttons without modal dialogs.

    dialog = PdfPreviewDialog(actions, channel, parent)
    dialog.controller.load(pdf_bytes)
    dialog.show()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QVBoxLayout, QWidget

from isoface_desk.errors import InputError, IntegrityError, IsofaceError
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.pdf.preview_view import ZOOM_STEPS, PdfPreviewView
from isoface_desk.ui.pdf.printing import (
    configure_printer,
    pages_to_print,
    print_dialog_options,
    print_document,
)
from isoface_desk.ui.tasks import Task, TaskContext, TaskProgressDialog, TaskRunner

log = logging.getLogger("isoface.ui.pdf")

PrinterChooser = Callable[[QWidget, QPrinter], bool]
PathChooser = Callable[[QWidget, str], Path | None]


class PdfActions(Protocol):
    """What the preview may do with its document, checked and recorded by the caller."""

    @property
    def title(self) -> str: ...  # window title and print job name: no patient names

    @property
    def suggested_file_name(self) -> str: ...

    def output_refusal(self) -> str:
        """Why Print and Save are not offered to this person; "" when they are."""
        ...

    def before_print(self) -> bytes:
        """Check and record the printing; the bytes about to be printed."""
        ...

    def save(self, path: Path) -> None:
        """Write the exact stored bytes to `path` (checked and recorded)."""
        ...


def ask_printer(parent: QWidget, printer: QPrinter) -> bool:
    """The system print dialog; True when the person pressed Print."""
    dialog = QPrintDialog(printer, parent)
    dialog.setOptions(print_dialog_options())
    dialog.setWindowTitle("Print the record")
    return dialog.exec() == QDialog.DialogCode.Accepted.value


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    dialog = QFileDialog(parent, "Save the signed PDF", str(Path.home() / suggested))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilter("PDF documents (*.pdf)")
    dialog.setDefaultSuffix("pdf")
    if dialog.exec() != QDialog.DialogCode.Accepted.value or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


class PdfPreviewController(QObject):
    """Behaviour of the preview; `printed(pages)` and `saved(path)` after success."""

    printed = Signal(int)
    saved = Signal(object)

    def __init__(
        self,
        view: PdfPreviewView,
        actions: PdfActions,
        channel: MessageChannel,
        *,
        choose_printer: PrinterChooser = ask_printer,
        choose_save_path: PathChooser = ask_save_path,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.actions = actions
        self.channel = channel
        self._choose_printer = choose_printer
        self._choose_save_path = choose_save_path
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self._pdf = b""
        self._runner = TaskRunner()
        self._printing: tuple[Task, QPrinter, TaskProgressDialog] | None = None
        self._connect()
        refusal = actions.output_refusal()
        view.set_output_allowed(not refusal, refusal)

    def _connect(self) -> None:
        v = self.view
        v.previous_button.clicked.connect(self._on_previous_button_clicked)
        v.next_button.clicked.connect(self._on_next_button_clicked)
        v.page_spin.valueChanged.connect(self._on_page_spin_value_changed)
        v.zoom_combo.currentIndexChanged.connect(self._on_zoom_combo_current_index_changed)
        v.zoom_in_button.clicked.connect(self._on_zoom_in_button_clicked)
        v.zoom_out_button.clicked.connect(self._on_zoom_out_button_clicked)
        v.print_button.clicked.connect(self._on_print_button_clicked)
        v.save_button.clicked.connect(self._on_save_button_clicked)
        navigator = v.pdf_view.pageNavigator()
        navigator.currentPageChanged.connect(self._on_navigator_current_page_changed)

    # ---------------------------------------------------------------- document

    def load(self, pdf: bytes) -> None:
        """Show `pdf` (InputError if QtPdf cannot open it)."""
        self.document.close()
        self._buffer.close()
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            raise InputError(f"The PDF cannot be shown ({self.document.error().name}).")
        self._pdf = pdf
        self.view.pdf_view.setDocument(self.document)
        self.view.set_page_count(self.page_count())
        self.view.set_current_page(0)

    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        return self.view.pdf_view.pageNavigator().currentPage()

    def go_to_page(self, index: int) -> None:
        """Scroll to the top of 0-based page `index` (clamped to the document)."""
        index = min(max(index, 0), self.page_count() - 1)
        navigator = self.view.pdf_view.pageNavigator()
        if index == navigator.currentPage() and self.page_count() > 1:
            # QPdfView scrolls only when the current page changes: step off and back.
            navigator.jump(1 if index == 0 else index - 1, QPointF(), navigator.currentZoom())
        navigator.jump(index, QPointF(), navigator.currentZoom())
        self.view.set_current_page(index)

    # ---------------------------------------------------------------- zoom

    def zoom(self) -> float:
        """The zoom factor in effect, also in the fit modes (1.0 = actual size)."""
        pdf_view = self.view.pdf_view
        if pdf_view.zoomMode() == QPdfView.ZoomMode.Custom or self.page_count() == 0:
            return float(pdf_view.zoomFactor())
        page = self.document.pagePointSize(self.current_page())
        margins = pdf_view.documentMargins()
        width = pdf_view.viewport().width() - margins.left() - margins.right()
        return width / (page.width() * pdf_view.logicalDpiX() / 72.0)

    def set_zoom(self, factor: float) -> None:
        self._keep_page(QPdfView.ZoomMode.Custom, factor)
        combo = self.view.zoom_combo
        combo.blockSignals(True)
        index = combo.findData(factor)
        if index < 0:
            combo.addItem(f"{factor:.0%}", factor)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    def _on_zoom_in_button_clicked(self) -> None:
        current = self.zoom()
        self.set_zoom(next((s for s in ZOOM_STEPS if s > current + 0.01), ZOOM_STEPS[-1]))

    def _on_zoom_out_button_clicked(self) -> None:
        current = self.zoom()
        smaller = [s for s in ZOOM_STEPS if s < current - 0.01]
        self.set_zoom(smaller[-1] if smaller else ZOOM_STEPS[0])

    def _on_zoom_combo_current_index_changed(self, index: int) -> None:
        data = self.view.zoom_combo.itemData(index)
        if data == "width":
            self._keep_page(QPdfView.ZoomMode.FitToWidth)
        elif data == "page":
            self._keep_page(QPdfView.ZoomMode.FitInView)
        elif isinstance(data, float):
            self.set_zoom(data)

    def _keep_page(self, mode: QPdfView.ZoomMode, factor: float | None = None) -> None:
        """Change the zoom keeping the middle of the window on the same spot of the
        document (QPdfView keeps the scroll offset, which lands on another page)."""
        pdf_view = self.view.pdf_view
        bar = pdf_view.verticalScrollBar()
        middle = (bar.value() + bar.pageStep() / 2) / max(1, bar.maximum() + bar.pageStep())
        page = self.current_page()
        pdf_view.setZoomMode(mode)
        if factor is not None:
            pdf_view.setZoomFactor(factor)
        if mode == QPdfView.ZoomMode.FitInView and self.page_count():
            self.go_to_page(page)  # the whole current page, from its top
        else:
            bar.setValue(round(middle * (bar.maximum() + bar.pageStep()) - bar.pageStep() / 2))

    # ---------------------------------------------------------------- pages

    def _on_previous_button_clicked(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def _on_next_button_clicked(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def _on_page_spin_value_changed(self, value: int) -> None:
        self.go_to_page(value - 1)

    def _on_navigator_current_page_changed(self, index: int) -> None:
        self.view.set_current_page(index)

    # ---------------------------------------------------------------- output

    def print_now(self) -> bool:
        """Ask for a printer, record the printing, and start printing in the background
        (`printed(pages)` at the end); False if nothing was started."""
        if self._printing is not None:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(printer, self.document, self.actions.title)
        if not self._choose_printer(self.view, printer):
            return False
        with self.channel.guard():
            if self.actions.before_print() != self._pdf:
                raise IntegrityError("The stored PDF changed while it was open: not printed.")
            pages = pages_to_print(printer, self.page_count(), self.current_page())
            self._start_printing(printer, pages)
            return True
        return False

    def is_printing(self) -> bool:
        return self._printing is not None

    def _start_printing(self, printer: QPrinter, pages: list[int]) -> None:
        document = self.document

        def work(ctx: TaskContext) -> int:
            return print_document(document, printer, pages, ctx.report, ctx.is_cancelled)

        task = Task(work, name="print")
        task.signals.finished.connect(self._on_print_task_finished)
        task.signals.failed.connect(self._on_print_task_failed)
        task.signals.cancelled.connect(self._on_print_task_cancelled)
        progress = TaskProgressDialog(task, "Printing…", self.view)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        self._printing = (task, printer, progress)
        self.view.status_label.setText(f"Printing {len(pages)} page(s)…")
        self._runner.submit(task)

    def _end_printing(self, text: str) -> None:
        if self._printing is not None:
            self._printing[2].deleteLater()
        self._printing = None
        self.view.status_label.setText(text)

    def _on_print_task_finished(self, printed: int) -> None:
        self._end_printing(f"Sent {printed} page(s) to the printer.")
        self.printed.emit(printed)

    def _on_print_task_failed(self, error: Exception) -> None:
        self._end_printing("Printing failed.")
        if not isinstance(error, IsofaceError):
            raise error  # a bug: the excepthook shows the crash dialog
        self.channel.report(error)

    def _on_print_task_cancelled(self) -> None:
        self._end_printing("Printing cancelled.")

    def save_copy(self) -> Path | None:
        """Ask for a file name and save the exact stored bytes there."""
        path = self._choose_save_path(self.view, self.actions.suggested_file_name)
        if path is None:
            return None
        with self.channel.guard():
            self.actions.save(path)
            self.view.status_label.setText(f"Saved to {path}")
            self.saved.emit(path)
            return path
        return None

    def _on_print_button_clicked(self) -> None:
        self.print_now()

    def _on_save_button_clicked(self) -> None:
        self.save_copy()


class PdfPreviewDialog(QDialog):
    """A non-modal window around the preview; closing it deletes it."""

    def __init__(
        self,
        actions: PdfActions,
        channel: MessageChannel,
        parent: QWidget | None = None,
        *,
        choose_printer: PrinterChooser = ask_printer,
        choose_save_path: PathChooser = ask_save_path,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(actions.title)
        self.setAccessibleName(actions.title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.view = PdfPreviewView(self)
        self.controller = PdfPreviewController(
            self.view,
            actions,
            channel,
            choose_printer=choose_printer,
            choose_save_path=choose_save_path,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._size_to_screen()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stay open while a print job still renders this window's document."""
        if self.controller.is_printing():
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        if not self.controller.is_printing():
            super().reject()

    def _size_to_screen(self) -> None:
        em = self.fontMetrics().height()
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(int(area.width() * 0.9), 48 * em), int(area.height() * 0.88))
