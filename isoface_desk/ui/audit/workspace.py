"""The Audit area's page (layout): signed records, the integrity check, recent events.

Tabs by permission: an auditor gets all three; an administrator (integrity.verify only)
gets the integrity check. The records tab is a search form and a lazy list on the left,
the opened record on the right; behaviour lives in controller.AuditController.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.ui.audit.filters import FilterBar
from isoface_desk.ui.audit.integrity import IntegrityPanel
from isoface_desk.ui.audit.model import RecordListModel
from isoface_desk.ui.audit.record_panel import RecordPanel
from isoface_desk.ui.widgets.search_table import search_table

EVENT_COLUMNS = ("#", "When", "Who", "Action", "Target", "Details")
LIST_SHARE = 0.6
#: The widest usual text of each list column (the patient column takes what is left).
COLUMN_SAMPLES = ("Record ↻", "2026-12-31", "Initiation", "", "Dr Dana Derm", "Justified ⚠")


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return label


class RecordsTab(QWidget):
    """Search form, count, list and export buttons | the opened record."""

    def __init__(
        self, model: RecordListModel, filters: FilterBar, panel: RecordPanel,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.model, self.filters, self.panel = model, filters, panel
        self.setAccessibleName("Signed records")
        em = self.fontMetrics().height()
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of records found")
        self.table = search_table(model, "recordTable", "Signed records found", int(em * 1.6))
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(COLUMN_SAMPLES):
            if sample:
                header.resizeSection(column, metrics.horizontalAdvance(sample) + em)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.csv_button = QPushButton("Export &CSV…")
        self.csv_button.setAccessibleName("Export the records found as CSV")
        self.pdf_button = QPushButton("Export PDF s&ummary…")
        self.pdf_button.setAccessibleName("Export a PDF summary of the records found")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, em // 2, 0)
        left_layout.addWidget(filters)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(panel)
        self.splitter.setStretchFactor(0, 7)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(em, em // 2, em, em // 2)
        layout.addWidget(self.splitter)
        self._sized = False

    def showEvent(self, event: QShowEvent) -> None:
        """The first time: 60 % of the width for the list, the rest for the record (once
        the layout has given the splitter its width)."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            QTimer.singleShot(0, self, self._share_width)

    def _share_width(self) -> None:
        total = max(self.splitter.width(), 1)
        self.splitter.setSizes([int(total * LIST_SHARE), total - int(total * LIST_SHARE)])

    def show_count(self, total: int, capped: bool, searching: bool) -> None:
        noun = "record" if total == 1 else "records"
        text = f"{total:,}{' or more' if capped else ''} signed {noun}"
        text += " match" if searching else " in all"
        self.count_label.setText(text)
        self.count_label.setAccessibleDescription(text)


class EventsTab(QWidget):
    """The newest audit events of everyone (the chain, read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Recent audit events")
        em = self.fontMetrics().height()
        self.table = QTableWidget(0, len(EVENT_COLUMNS))
        self.table.setAccessibleName("Audit events, newest first")
        self.table.setHorizontalHeaderLabels(EVENT_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((5, 10, 9, 8, 9)):
            self.table.setColumnWidth(column, width * em)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setAccessibleName("Refresh the audit events")
        top = QHBoxLayout()
        top.addWidget(QLabel("The newest 200 events of the audit chain, newest first."), 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(em, em, em, em)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)


class AuditWorkspace(QWidget):
    """The page of the Audit area."""

    def __init__(
        self,
        records: RecordsTab | None,
        integrity: IntegrityPanel | None,
        events: EventsTab | None,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Audit page")
        self.records, self.integrity, self.events = records, integrity, events
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Audit sections")
        for widget, title in ((records, "Signed &records"), (integrity, "&Integrity check"),
                              (events, "Audit &trail")):  # fmt: skip
            if widget is not None:
                self.tabs.addTab(widget, title)
        em = self.fontMetrics().height()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(int(1.5 * em), em, int(1.5 * em), em // 2)
        layout.addWidget(heading("Audit"))
        layout.addWidget(self.tabs, 1)
        self.today = today
