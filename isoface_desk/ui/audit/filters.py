"""The auditor's search form: visit dates, prescriber, patient, profile, kind, verdict and
whether warnings were justified. `FilterBar.values()` reads it; the controller resolves
the patient's clinic number to an id and searches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from isoface_desk.services.audit.audit_review import PersonName

KINDS = ("initiation", "follow-up", "end-of-course")
VERDICTS = (("clear", "Clear"), ("needs-review", "Needs review (justified warnings)"))
JUSTIFIED = (
    ("With or without warnings", None),
    ("With justified warnings", True),
    ("Without warnings", False),
)


@dataclass(frozen=True)
class FilterValues:
    date_from: dt.date | None
    date_to: dt.date | None
    prescriber_id: int | None
    clinic_number: str
    profile_id: str | None
    visit_kind: str | None
    verdict: str | None
    has_justified_warnings: bool | None


def _combo(name: str, choices: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for text, value in choices:
        combo.addItem(text, value)
    return combo


def _date_edit(name: str, value: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setAccessibleName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class FilterBar(QWidget):
    """The search form; `search_requested` on Search or Enter in the patient box."""

    search_requested = Signal()

    def __init__(self, today: dt.date, profiles: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Record search")
        self.use_from = QCheckBox("&From")
        self.use_from.setAccessibleName("Filter by first visit date")
        self.date_from = _date_edit("First visit date", today.replace(day=1))
        self.use_to = QCheckBox("&To")
        self.use_to.setAccessibleName("Filter by last visit date")
        self.date_to = _date_edit("Last visit date", today)
        self.prescriber = _combo("Prescriber", [("Any prescriber", None)])
        self.patient = QLineEdit()
        self.patient.setAccessibleName("Patient clinic number")
        self.patient.setPlaceholderText("Clinic number")
        self.patient.setClearButtonEnabled(True)
        for button in self.patient.findChildren(QToolButton):  # the clear button
            button.setAccessibleName("Clear the clinic number")
        self.profile = _combo("Profile", [("Any profile", None)] + [(p, p) for p in profiles])
        self.kind = _combo("Visit kind", [("Any kind", None)] + [(k, k) for k in KINDS])
        self.verdict = _combo("Verdict", [("Any verdict", None), *VERDICTS])
        self.justified = _combo("Justified warnings", list(JUSTIFIED))
        self.search_button = QPushButton("&Search")
        self.search_button.setAccessibleName("Search records")
        self.search_button.setDefault(True)
        self.clear_button = QPushButton("C&lear")
        self.clear_button.setAccessibleName("Clear the filters")
        self._layout()
        for box, edit in ((self.use_from, self.date_from), (self.use_to, self.date_to)):
            edit.setEnabled(False)
            box.toggled.connect(edit.setEnabled)
        self.search_button.clicked.connect(self.search_requested)
        self.patient.returnPressed.connect(self.search_requested)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)

    def _layout(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        dates = QHBoxLayout()
        for date_widget in (self.use_from, self.date_from, self.use_to, self.date_to):
            dates.addWidget(date_widget)
        dates.addStretch(1)
        grid.addLayout(dates, 0, 0, 1, 4)
        patient_label = QLabel("&Patient:")
        patient_label.setBuddy(self.patient)
        row: tuple[QWidget, ...] = (patient_label, self.patient, self.prescriber, self.profile)
        for column, widget in enumerate(row):
            grid.addWidget(widget, 1, column)
        for column, combo in enumerate((self.kind, self.verdict, self.justified)):
            grid.addWidget(combo, 2, column + 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.search_button)
        grid.addLayout(buttons, 3, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)

    def set_people(self, people: list[PersonName]) -> None:
        """Offer as prescribers the users who hold (or held) the dermatologist role."""
        current = self.prescriber.currentData()
        self.prescriber.clear()
        self.prescriber.addItem("Any prescriber", None)
        for person in people:
            if "dermatologist" in person.roles.split(","):
                suffix = "" if person.active else " (disabled)"
                self.prescriber.addItem(f"{person.display_name}{suffix}", person.id)
        index = self.prescriber.findData(current)
        self.prescriber.setCurrentIndex(max(index, 0))

    def values(self) -> FilterValues:
        return FilterValues(
            date_from=_py_date(self.date_from.date()) if self.use_from.isChecked() else None,
            date_to=_py_date(self.date_to.date()) if self.use_to.isChecked() else None,
            prescriber_id=self.prescriber.currentData(),
            clinic_number=self.patient.text().strip(),
            profile_id=self.profile.currentData(),
            visit_kind=self.kind.currentData(),
            verdict=self.verdict.currentData(),
            has_justified_warnings=self.justified.currentData(),
        )

    def set_period(self, first: dt.date | None, last: dt.date | None) -> None:
        for box, edit, value in ((self.use_from, self.date_from, first),
                                 (self.use_to, self.date_to, last)):  # fmt: skip
            box.setChecked(value is not None)
            if value is not None:
                edit.setDate(QDate(value.year, value.month, value.day))

    def _on_clear_button_clicked(self) -> None:
        self.set_period(None, None)
        self.patient.clear()
        for combo in (self.prescriber, self.profile, self.kind, self.verdict, self.justified):
            combo.setCurrentIndex(0)
        self.search_requested.emit()


def _py_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())
