"""Behaviour of the Audit area: search, open a record, export reports, recent events.

A search resolves the patient's clinic number, then hands the filter to the lazy model.
Choosing a row opens that record after a short pause (so arrowing through the list does
not open every record on the way); opening is an audited "view" done by the service,
off the UI thread when a runner is given. Exports ask for a file name and run in the
background; the services check every permission again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QTableWidgetItem, QWidget

from isoface_desk.errors import IsofaceError, NotFound
from isoface_desk.services.audit.audit_review import AuditReviewService, OpenedRecord, RecordFilter
from isoface_desk.services.audit.reports import ExportedReport, ReportService
from isoface_desk.services.context import Actor
from isoface_desk.ui.audit.model import RECORD_ID_ROLE
from isoface_desk.ui.audit.record_panel import trail_details
from isoface_desk.ui.audit.workspace import EventsTab, RecordsTab
from isoface_desk.ui.messages import MessageChannel, Severity
from isoface_desk.ui.tasks import TaskRunner

log = logging.getLogger("isoface.ui.audit")

OPEN_DELAY_MS = 350
ExportPathChooser = Callable[[QWidget, str, str], Path | None]  # parent, format, suggested


def ask_export_path(parent: QWidget, fmt: str, suggested: str) -> Path | None:
    kinds = {"csv": "CSV files (*.csv)", "pdf": "PDF documents (*.pdf)"}
    name, _ = QFileDialog.getSaveFileName(parent, "Export the records found",
                                          str(Path.home() / suggested), kinds[fmt])  # fmt: skip
    return Path(name) if name else None


class AuditController(QObject):
    record_opened = Signal(object)  # OpenedRecord
    exported = Signal(object)  # ExportedReport

    def __init__(
        self,
        records: RecordsTab | None,
        events: EventsTab | None,
        review: AuditReviewService,
        reports: ReportService,
        actor: Actor,
        channel: MessageChannel,
        *,
        runner: TaskRunner | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        choose_export_path: ExportPathChooser = ask_export_path,
    ) -> None:
        super().__init__(records or events)
        self.records, self.events = records, events
        self.review, self.reports, self.actor = review, reports, actor
        self.channel, self.runner, self.today = channel, runner, today
        self.choose_export_path = choose_export_path
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(OPEN_DELAY_MS)
        self._open_timer.timeout.connect(self._on_open_timer_timeout)
        self._opening: int | None = None
        if records is not None:
            self._connect_records(records)
        if events is not None:
            events.refresh_button.clicked.connect(self.refresh_events)

    def _connect_records(self, tab: RecordsTab) -> None:
        tab.filters.search_requested.connect(self.search)
        tab.model.total_changed.connect(self._on_model_total_changed)
        tab.model.search_failed.connect(self.channel.report)
        tab.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        tab.table.activated.connect(self._on_table_activated)
        tab.csv_button.clicked.connect(lambda: self.export("csv"))
        tab.pdf_button.clicked.connect(lambda: self.export("pdf"))

    def start(self) -> None:
        """Fill the prescriber choice, list every record and the recent events."""
        with self.channel.guard():
            if self.records is not None:
                self.records.filters.set_people(self.review.people(self.actor))
                self.search()
            if self.events is not None:
                self.refresh_events()

    # ----- searching

    def current_filter(self) -> RecordFilter | None:
        """The form as a filter (None, after a message, if the patient is unknown)."""
        assert self.records is not None
        v = self.records.filters.values()
        patient_id = None
        if v.clinic_number:
            patient_id = self.review.find_patient(self.actor, v.clinic_number)
            if patient_id is None:
                raise NotFound(f"No patient has the clinic number {v.clinic_number}.")
        return RecordFilter(date_from=v.date_from, date_to=v.date_to,
                            prescriber_id=v.prescriber_id, patient_id=patient_id,
                            profile_id=v.profile_id, visit_kind=v.visit_kind, verdict=v.verdict,
                            has_justified_warnings=v.has_justified_warnings)  # fmt: skip

    def search(self) -> None:
        if self.records is None:
            return
        with self.channel.guard():
            flt = self.current_filter()
            if flt is not None:
                self.records.panel.clear()
                self.records.model.set_filter(flt)

    def _on_model_total_changed(self, total: int) -> None:
        assert self.records is not None
        model = self.records.model
        self.records.show_count(total, model.capped, model.current_filter != RecordFilter())

    # ----- opening a record

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        value = current.data(RECORD_ID_ROLE) if current.isValid() else None
        self._opening = int(value) if value is not None else None
        self._open_timer.start()

    def _on_table_activated(self, index: QModelIndex) -> None:
        value = index.data(RECORD_ID_ROLE)
        if value is not None:
            self._open_timer.stop()
            self.open_record(int(value))

    def _on_open_timer_timeout(self) -> None:
        if self._opening is not None:
            self.open_record(self._opening)

    def open_record(self, record_id: int) -> None:
        panel = self.records.panel if self.records is not None else None
        if panel is not None and panel.opened is not None and panel.opened.item.id == record_id:
            return
        self._run(lambda: self.review.open_record(self.actor, record_id), self._on_opened,
                  "open record")  # fmt: skip

    def _on_opened(self, opened: OpenedRecord) -> None:
        if self.records is None:
            return
        with self.channel.guard():
            self.records.panel.show_record(opened)
            log.info("record %d opened for review", opened.item.id)
            self.record_opened.emit(opened)

    # ----- exports

    def export(self, fmt: str) -> None:
        if self.records is None:
            return
        flt = self.records.model.current_filter
        suggested = f"isoface-audit-{self.today().isoformat()}.{fmt}"
        path = self.choose_export_path(self.records, fmt, suggested)
        if path is None:
            return
        # force: the save dialog asked before replacing a file (databases are still refused)
        self._run(lambda: self.reports.export(self.actor, flt, path, fmt, force=True),
                  self._on_exported, "export report")  # fmt: skip

    def _on_exported(self, done: ExportedReport) -> None:
        self.channel.notice("Report exported",
                            f"{done.records:,} records written to {done.path} "
                            f"({done.size:,} bytes).", Severity.INFO)  # fmt: skip
        self.exported.emit(done)

    # ----- recent events

    def refresh_events(self) -> None:
        if self.events is None:
            return
        with self.channel.guard():
            entries = self.review.recent_events(self.actor)
            table = self.events.table
            table.setRowCount(len(entries))
            for row, e in enumerate(entries):
                when = e.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
                values = (str(e.seq), when, e.actor, e.action, e.target, trail_details(e))
                for column, text in enumerate(values):
                    table.setItem(row, column, QTableWidgetItem(text))

    # ----- background work

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None], name: str) -> None:
        if self.runner is None:
            with self.channel.guard():
                done(work())
            return
        self.runner.start(lambda _ctx: work(), name=name, on_finished=done,
                          on_failed=self._on_task_failed)  # fmt: skip

    def _on_task_failed(self, error: Exception) -> None:
        if not isinstance(error, IsofaceError):
            raise error
        self.channel.report(error)
