"""Results entry for one order: per test a value, its unit and the laboratory's upper
limit (or positive/negative for the pregnancy test), and one result date.

Each row is checked and graded as it is typed, with the domain's own `result_problems`
and `assess_result` on the profile's laboratory parameters, so the nurse sees "TG 797.13
mg/dL = 9.00 mmol/L: 9 mmol/L or more" before saving. Save stays disabled until every
test has a usable result; the service checks and grades again when it stores them.
"""

from __future__ import annotations

import datetime as dt
import math

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.lab_results import (
    ResultEntry,
    assess_result,
    result_problems,
)
from isoface_desk.domain.lab_tests import LabTestTable
from isoface_desk.domain.profiles import LabParams
from isoface_desk.services.labs.lab_work import DueItem
from isoface_desk.ui.visit.style import BLOCK, CLEAR, WARN, colored, em, muted

LEVEL_COLORS = {"normal": CLEAR, "high": WARN, "warn": WARN, "block": BLOCK}


def parse_number(text: str) -> float | None:
    """A typed number ("4,8" or "4.8"), or None when empty or not a finite number."""
    cleaned = text.strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _Row:
    """The editors of one test."""

    def __init__(self, test: str, tests: LabTestTable, grid: QGridLayout, row: int) -> None:
        self.test = test
        definition = tests.get(test)
        self.presence = definition.result == "presence"
        name = QLabel(definition.name)
        grid.addWidget(name, row, 0)
        self.value = QLineEdit()
        self.value.setAccessibleName(f"{test} value")
        self.unit = QComboBox()
        self.unit.setAccessibleName(f"{test} unit")
        self.uln = QLineEdit()
        self.uln.setAccessibleName(f"{test} upper limit of normal")
        self.choice = QComboBox()
        self.choice.setAccessibleName(f"{test} result")
        if self.presence:
            for text, data in (("Choose…", ""), ("Negative", "negative"), ("Positive", "positive")):
                self.choice.addItem(text, data)
            grid.addWidget(self.choice, row, 1, 1, 3)
        else:
            for unit in definition.units:
                self.unit.addItem(unit.ucum, unit.ucum)
            self.uln.setPlaceholderText("required" if test in ("ALT", "AST") else "optional")
            grid.addWidget(self.value, row, 1)
            grid.addWidget(self.unit, row, 2)
            grid.addWidget(self.uln, row, 3)
        for editor in (self.value, self.uln):
            editor.setMinimumWidth(6 * em(editor))
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName(f"{test} check")
        grid.addWidget(self.verdict, row, 4)
        name.setBuddy(self.choice if self.presence else self.value)

    def entry(self, day: dt.date) -> ResultEntry | None:
        if self.presence:
            choice = str(self.choice.currentData() or "")
            return ResultEntry(self.test, day, choice) if choice else None
        value = parse_number(self.value.text())
        if value is None:
            return None
        uln = parse_number(self.uln.text()) if self.uln.text().strip() else None
        return ResultEntry(self.test, day, value, str(self.unit.currentData()), uln)


class ResultsDialog(QDialog):
    def __init__(
        self,
        item: DueItem,
        tests: LabTestTable,
        params: LabParams,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Results of {item.code}")
        self.setAccessibleName(f"Results of {item.code}")
        self.tests, self.params, self.today = tests, params, today
        layout = QVBoxLayout(self)
        layout.addLayout(self._header(item, today))
        layout.addLayout(self._grid(item, tests))
        self.problems = colored(QLabel(), BLOCK)
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Problems")
        layout.addWidget(self.problems)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for row in self.rows:
            row.value.textChanged.connect(self._on_any_changed)
            row.uln.textChanged.connect(self._on_any_changed)
            row.unit.currentIndexChanged.connect(self._on_any_changed)
            row.choice.currentIndexChanged.connect(self._on_any_changed)
        self.date.dateChanged.connect(self._on_any_changed)
        self._on_any_changed()

    def _header(self, item: DueItem, today: dt.date) -> QFormLayout:
        form = QFormLayout()
        form.addRow("Order:", QLabel(f"{item.code} · {' '.join(item.tests)} · {item.reason}"))
        form.addRow("Patient:", QLabel(f"{item.patient_name} ({item.clinic_number})"))
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setAccessibleName("Result date")
        self.date.setMaximumWidth(10 * em(self))
        form.addRow("Result &date:", self.date)
        return form

    def _grid(self, item: DueItem, tests: LabTestTable) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(em(self) // 2)
        for column, text in enumerate(("Test", "Value", "Unit", "Upper limit", "Check")):
            grid.addWidget(muted(QLabel(text)), 0, column)
        self.rows = [_Row(test, tests, grid, i + 1) for i, test in enumerate(item.tests)]
        grid.setColumnStretch(4, 1)
        grid.setColumnMinimumWidth(4, 18 * em(self))
        return grid

    def result_date(self) -> dt.date:
        day = self.date.date()
        return dt.date(day.year(), day.month(), day.day())

    def entries(self) -> list[ResultEntry]:
        """The entered results (rows left empty are not included)."""
        day = self.result_date()
        return [entry for row in self.rows if (entry := row.entry(day)) is not None]

    def _on_any_changed(self, *_args: object) -> None:
        day = self.result_date()
        problems: list[str] = []
        for row in self.rows:
            entry = row.entry(day)
            if entry is None:
                row.verdict.setText("")
                problems.append(f"{row.test}: no result yet")
                continue
            found = result_problems(entry, self.tests, self.today)
            problems += found
            if found:
                row.verdict.setText("")
                continue
            graded = assess_result(entry, self.params)
            row.verdict.setText(graded.message)
            colored(row.verdict, LEVEL_COLORS[graded.level])
        self.problems.setText("\n".join(problems))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not problems)
        self.problems.setVisible(bool(problems))
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
