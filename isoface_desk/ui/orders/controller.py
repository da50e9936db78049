"""Behaviour of the nurse workspace: load the due list in the background, filter, select,
print the selection as one background job (printer or PDF file) with progress and Cancel,
mark collected, enter results, regenerate from the schedules.

Every service call is checked by the service itself (an auditor's attempt to print ends
in AccessDenied, shown through the message channel). Long work goes through ui/tasks.py,
so the window keeps painting while 500 orders are rendered.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from isoface_desk.domain.lab_orders import order_number
from isoface_desk.errors import InputError, IsofaceError
from isoface_desk.fileio import checked_target
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_desk import LabDesk
from isoface_desk.services.labs.lab_printing import PrintOutcome
from isoface_desk.services.labs.lab_work import PRINTABLE, DueItem, DueList
from isoface_desk.ui.messages import MessageChannel, Severity
from isoface_desk.ui.orders.due_model import DueFilter
from isoface_desk.ui.orders.print_job import (
    PrintJob,
    bring_back_live_objects,
    run_print_job,
    set_aside_live_objects,
)
from isoface_desk.ui.orders.results_dialog import ResultsDialog
from isoface_desk.ui.orders.view import OrdersView
from isoface_desk.ui.tasks import Task, TaskRunner

log = logging.getLogger("isoface.ui.orders")


class OrdersController(QObject):
    loaded = Signal()  # a due list arrived and is shown
    job_done = Signal(object)  # PrintOutcome of a finished or stopped print job
    changed = Signal()  # orders were collected, resulted or regenerated

    def __init__(
        self,
        view: OrdersView,
        desk: LabDesk,
        actor: Actor,
        channel: MessageChannel,
        runner: TaskRunner,
    ) -> None:
        super().__init__(view)
        self.view, self.desk, self.actor = view, desk, actor
        self.channel, self.runner = channel, runner
        self.due: DueList | None = None
        self.job: PrintJob | None = None
        self.job_task: Task | None = None
        self.results_dialog: ResultsDialog | None = None
        self._loading = False
        self._selected: list[DueItem] | None = None
        self._connect()
        self._update_actions()
        view.destroyed.connect(self._on_view_destroyed)

    def _connect(self) -> None:
        v = self.view
        v.refresh_button.clicked.connect(self.refresh)
        v.regenerate_button.clicked.connect(self._on_regenerate_button_clicked)
        v.patient_filter.textChanged.connect(self._on_filter_changed)
        v.test_filter.currentIndexChanged.connect(self._on_filter_changed)
        v.prescriber_filter.currentIndexChanged.connect(self._on_filter_changed)
        v.tree.selectionModel().selectionChanged.connect(self._on_tree_selection_changed)
        v.model.modelReset.connect(self._on_model_reset)
        v.select_all_button.clicked.connect(self._on_select_all_button_clicked)
        v.print_button.clicked.connect(lambda: self._on_print_clicked(labels=False))
        v.labels_button.clicked.connect(lambda: self._on_print_clicked(labels=True))
        v.save_button.clicked.connect(self._on_save_button_clicked)
        v.collected_button.clicked.connect(self._on_collected_button_clicked)
        v.results_button.clicked.connect(self._on_results_button_clicked)
        v.cancel_button.clicked.connect(self._on_cancel_button_clicked)

    def _on_view_destroyed(self) -> None:
        """The session ended (sign-out, lock): stop a print job; what it finished is kept."""
        if self.job_task is not None:
            self.job_task.cancel()

    # ----- loading

    def refresh(self) -> None:
        """Read the due list again, off the UI thread."""
        if self._loading:
            return
        self._loading = True
        self.view.refresh_button.setEnabled(False)
        self.runner.start(lambda _ctx: self.desk.work.due_list(self.actor), name="due list",
                          on_finished=self._on_load_finished,
                          on_failed=self._on_load_failed)  # fmt: skip

    def _on_load_finished(self, due: DueList) -> None:
        self._loading = False
        self.view.refresh_button.setEnabled(True)
        self.due = due
        self._fill_prescribers(due)
        self.view.model.set_list(due)
        self.view.date_label.setText(f"Due list of {due.today:%A %d %B %Y}")
        self.view.tree.expandAll()
        self.loaded.emit()

    def _on_load_failed(self, error: Exception) -> None:
        self._loading = False
        self.view.refresh_button.setEnabled(True)
        self._report(error)

    def _fill_prescribers(self, due: DueList) -> None:
        combo = self.view.prescriber_filter
        current = combo.currentData()
        names = sorted({(i.prescriber_name, i.prescriber_id) for i in due.items
                        if i.prescriber_id is not None}, key=lambda p: p[0])  # fmt: skip
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All prescribers", None)
        for name, prescriber_id in names:
            combo.addItem(name or f"User {prescriber_id}", prescriber_id)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    # ----- filters and selection

    def _on_filter_changed(self, *_args: object) -> None:
        v = self.view
        v.model.set_filter(DueFilter(str(v.test_filter.currentData() or ""),
                                     v.prescriber_filter.currentData(),
                                     v.patient_filter.text()))  # fmt: skip
        v.tree.expandAll()

    def _on_model_reset(self) -> None:
        self._selected = None
        for row in range(self.view.model.rowCount()):  # group titles across the columns
            self.view.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        shown = len(self.view.model.shown_items())
        total = len(self.due.items) if self.due else 0
        self.view.count_label.setText(f"{shown} of {total} orders shown")
        self._update_actions()

    def _on_select_all_button_clicked(self) -> None:
        self.view.tree.selectAll()

    def _on_tree_selection_changed(self, *_args: object) -> None:
        self._selected = None
        self._update_actions()

    def selected_items(self) -> list[DueItem]:
        """The selected orders, a selected group row standing for all its orders (worked out
        once per selection change: asking the view costs Python calls per selected row)."""
        if self._selected is None:
            seen: dict[int, DueItem] = {}
            for index in self.view.tree.selectionModel().selectedRows():
                for item in self.view.model.items_at(index):
                    seen.setdefault(item.order_id, item)
            self._selected = list(seen.values())
        return list(self._selected)

    def _update_actions(self) -> None:
        v, items = self.view, self.selected_items()
        busy = self.job is not None
        writer = self.actor.may(Permission.ORDER_WRITE)
        printable = writer and not busy and any(i.status in PRINTABLE for i in items)
        for button in (v.print_button, v.labels_button, v.save_button, v.collected_button):
            button.setEnabled(printable)
        v.results_button.setEnabled(writer and not busy and len(items) == 1)
        v.regenerate_button.setEnabled(writer and not busy)
        v.selection_label.setText(f"{len(items)} selected" if items else "No orders selected")
        if len(items) == 1:
            v.detail.setText(_detail(items[0]))

    # ----- printing

    def _on_print_clicked(self, *, labels: bool) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self.view)
        dialog.setWindowTitle("Print tube labels" if labels else "Print lab orders")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_selection(printer, labels=labels)

    def _on_save_button_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self.view, "Save lab orders as PDF",
                                              "lab-orders.pdf", "PDF files (*.pdf)")  # fmt: skip
        if name:
            self.print_selection(Path(name), labels=False)

    def print_selection(self, destination: Path | QPrinter, *, labels: bool = False) -> bool:
        """Start one background job for the selected printable orders; False if refused."""
        ids = [i.order_id for i in self.selected_items() if i.status in PRINTABLE]
        try:
            if not ids:
                raise InputError("Select one or more planned or printed orders to print.")
            if isinstance(destination, Path):
                # force: the save dialog asked before replacing a file
                checked_target(destination, database=self.desk.printing.database, force=True)
        except IsofaceError as error:
            self.channel.report(error)
            return False
        job = PrintJob(ids, labels, destination)
        self.job = job
        set_aside_live_objects()
        what = "labels" if labels else "orders"
        self.view.show_progress(True, f"Printing {len(ids)} {what}…")
        self._update_actions()
        self.job_task = self.runner.start(
            lambda ctx: run_print_job(job, ctx, self.desk.printing, self.actor),
            name="print orders",
            on_progress=self._on_job_progress,
            on_finished=self._on_job_finished,
            on_failed=self._on_job_failed,
            on_cancelled=self._on_job_ended,
        )
        log.info("print job of %d order(s) started", len(ids))
        return True

    def _on_job_progress(self, done: int, total: int) -> None:
        self.view.progress.setValue(done * 100 // max(total, 1))

    def _on_cancel_button_clicked(self) -> None:
        if self.job is None or self.job_task is None:
            return
        self.job.cancel_delivery_if_started()
        self.job_task.cancel()
        self.view.cancel_button.setEnabled(False)
        self.view.set_progress_text("Stopping…")

    def _on_job_finished(self, _outcome: object) -> None:
        self._on_job_ended()

    def _on_job_ended(self) -> None:
        job, self.job, self.job_task = self.job, None, None
        if job is not None:
            bring_back_live_objects()
        self.view.show_progress(False)
        self._update_actions()
        outcome = job.outcome if job is not None else None
        if outcome is None:  # failed: read the list again
            self.refresh()
            return
        log.info("print job ended: %d of %d marked printed", outcome.marked, outcome.requested)
        if outcome.printed:  # shown in place: a reset would lay out every row again
            self.view.model.set_status({order_number(c) for c in outcome.printed}, "printed")
        self.channel.notice(*_job_message(outcome))
        self.job_done.emit(outcome)

    def _on_job_failed(self, error: Exception) -> None:
        self._on_job_ended()
        self._report(error)

    # ----- collected, results, regenerate

    def _on_collected_button_clicked(self) -> None:
        ids = [i.order_id for i in self.selected_items() if i.status in PRINTABLE]
        with self.channel.guard():
            count = self.desk.work.mark_collected(self.actor, ids)
            self.view.detail.setText(f"{count} order(s) marked collected.")
            self.changed.emit()
        self.refresh()

    def _on_results_button_clicked(self) -> None:
        items = self.selected_items()
        if len(items) != 1:
            return
        with self.channel.guard():
            today = self.desk.results.today()
            params = self.desk.results.lab_params(self.actor, today)
            dialog = ResultsDialog(items[0], self.desk.results.tests, params, today, self.view)
            dialog.accepted.connect(lambda: self._on_results_dialog_accepted(dialog, items[0]))
            self.results_dialog = dialog
            dialog.open()

    def _on_results_dialog_accepted(self, dialog: ResultsDialog, item: DueItem) -> None:
        with self.channel.guard():
            stored = self.desk.results.record(self.actor, item.order_id, dialog.entries())
            note = " Abnormal: see the highlighted row." if stored.abnormal else ""
            self.view.detail.setText(f"Results of {item.code} saved.{note}")
            self.changed.emit()
        self.refresh()

    def _on_regenerate_button_clicked(self) -> None:
        self.view.regenerate_button.setEnabled(False)
        self.runner.start(lambda _ctx: self.desk.work.regenerate_all(self.actor),
                          name="regenerate orders", on_finished=self._on_regenerated,
                          on_failed=self._on_load_failed)  # fmt: skip

    def _on_regenerated(self, sync: Any) -> None:
        self._update_actions()
        self.view.detail.setText(
            f"Orders updated from the schedules: {sync.created} new, {sync.updated} changed, "
            f"{sync.cancelled} cancelled."
        )
        self.changed.emit()
        self.refresh()

    def _report(self, error: Exception) -> None:
        if isinstance(error, IsofaceError):
            self.channel.report(error)
        else:
            raise error


def _detail(item: DueItem) -> str:
    parts = [f"{item.code}: {' '.join(item.tests)} for {item.patient_name} "
             f"({item.clinic_number}), {item.reason}, due {item.due:%d %b %Y}, "
             f"window {item.due_from:%d %b} – {item.due_until:%d %b}."]  # fmt: skip
    if item.patient_alert:
        parts.append(f"Latest abnormal results: {item.patient_alert}")
    return " ".join(parts)


def _job_message(outcome: PrintOutcome) -> tuple[str, str, Severity]:
    if not outcome.delivered:
        return ("Print job stopped", "Nothing was printed and no order was marked printed.",
                Severity.WARNING)  # fmt: skip
    done = len(outcome.printed)
    if done < outcome.requested:
        return ("Print job stopped",
                f"{done} of {outcome.requested} orders went to {outcome.destination} and were "
                f"marked printed; the other {outcome.requested - done} are still due.",
                Severity.WARNING)  # fmt: skip
    return ("Printed", f"{done} order(s) went to {outcome.destination} and were marked printed.",
            Severity.INFO)  # fmt: skip
