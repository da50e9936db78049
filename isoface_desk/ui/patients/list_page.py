"""The patient list: one search box (name, birth date or clinic number) over a lazy table.

Typing searches after a short pause (debounce), so a fast typist does not start a query
per key; Down moves from the search box into the list, Enter opens the patient, Ctrl+N
adds one. The count above the list is the number of matches, not of loaded rows.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.ui.patients.model import PATIENT_ID_ROLE, PatientListModel
from isoface_desk.ui.widgets.search_table import search_table

DEBOUNCE_MS = 250
SEARCH_HINT = "Name, birth date (2004-05-10 or 10/05/2004) or clinic number"


class _SearchBox(QLineEdit):
    """A line edit whose Down/PgDown keys move into the list (`down_pressed`)."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class PatientListPage(QWidget):
    """Search box, count, table and buttons. `open_requested(patient_id)`, `add_requested`."""

    open_requested = Signal(int)
    add_requested = Signal()

    def __init__(self, model: PatientListModel, *, can_add: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setAccessibleName("Patient list")
        self._build(can_add)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.down_pressed.connect(self._on_search_down_pressed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.table.activated.connect(self._on_table_activated)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.add_button.clicked.connect(self.add_requested)
        model.total_changed.connect(self._on_model_total_changed)
        model.modelReset.connect(self._on_model_reset)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        for sequence, slot in (("Ctrl+F", self.focus_search), ("Ctrl+N", self._on_add_shortcut)):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._update_buttons()

    def _build(self, can_add: bool) -> None:
        em = self.fontMetrics().height()
        heading = QLabel("Patients")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        heading.setAccessibleName("Patients")
        self.search = _SearchBox()
        self.search.setAccessibleName("Search patients")
        self.search.setAccessibleDescription(SEARCH_HINT + ". Down arrow moves into the list.")
        self.search.setPlaceholderText(SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        for button in self.search.findChildren(QToolButton):  # the clear button
            button.setAccessibleName("Clear search")
        self.search.setMinimumWidth(int(26 * em))
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of patients found")
        self.table = search_table(self.model, "patientTable", "Patients found", int(em * 1.7))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((12, 10, 7, 4, 9, 8)):
            header.resizeSection(column, int(width * em))
        for column in (0, 1):  # the names take the room a wide window has
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.open_button = QPushButton("&Open patient")
        self.open_button.setAccessibleName("Open patient")
        self.add_button = QPushButton("&Add patient…")
        self.add_button.setAccessibleName("Add patient")
        self.add_button.setToolTip("Ctrl+N")
        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(int(1.5 * em), em, int(1.5 * em), em)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_button.setVisible(can_add)  # only once parented: never a window of its own
        self.can_add = can_add

    # ----- what the area calls

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def search_now(self) -> None:
        """Run the pending search at once (Enter in the box, and tests)."""
        self._debounce.stop()
        self.model.set_query(self.search.text())

    def current_patient_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.model.data(index, PATIENT_ID_ROLE)
        return int(value) if value is not None else None

    def select_patient(self, patient_id: int) -> None:
        row = self.model.row_of(patient_id)
        if row is not None:
            self.table.selectRow(row)

    # ----- slots

    def _on_search_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _on_debounce_timeout(self) -> None:
        self.model.set_query(self.search.text())

    def _on_search_return_pressed(self) -> None:
        if self._debounce.isActive():
            self.search_now()
            return
        if self.model.rowCount() == 1:
            self.open_requested.emit(self.model.patient_at(0).id)  # type: ignore[union-attr]
        else:
            self._on_search_down_pressed()

    def _on_search_down_pressed(self) -> None:
        if self.model.rowCount() == 0:
            return
        self.table.setFocus()
        if not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _on_table_activated(self, index: QModelIndex) -> None:
        value = self.model.data(index, PATIENT_ID_ROLE)
        if value is not None:
            self.open_requested.emit(int(value))

    def _on_open_button_clicked(self) -> None:
        patient_id = self.current_patient_id()
        if patient_id is not None:
            self.open_requested.emit(patient_id)

    def _on_add_shortcut(self) -> None:
        if self.can_add:
            self.add_requested.emit()

    def _on_model_total_changed(self, total: int) -> None:
        query = self.model.query_text()
        searching = bool(query.text or query.birth_date)
        noun = "patient" if total == 1 else "patients"
        text = f"{total:,} {noun}" + (" found" if searching else "")
        self.count_label.setText(text)
        self.count_label.setAccessibleDescription(text)

    def _on_model_reset(self) -> None:
        self._update_buttons()

    def _on_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.current_patient_id() is not None)
