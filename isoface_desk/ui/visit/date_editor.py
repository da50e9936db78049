"""A date answer: a QDateEdit (ISO yyyy-MM-dd, calendar popup) with a "Not given" state.

QDateEdit always holds a date, so its minimum date stands for "not given" and is shown
as "Not given" (Qt's special value text). Keys: digits type the date from the year on
(2026 10 02: the sections advance by themselves), T puts the visit date, Delete makes it
"Not given" again, Alt+Down opens the calendar.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QToolButton, QWidget

from isoface_desk.domain.checklist import Question
from isoface_desk.ui.visit.editors import AnswerEditor

NOT_GIVEN = QDate(1900, 1, 1)
LATEST = QDate(2199, 12, 31)
NOT_GIVEN_TEXT = "Not given"
KEY_HELP = "Type the date as year, month, day; T for the visit date; Delete for not given."


def to_qdate(value: Any) -> QDate:
    if isinstance(value, date):
        return QDate(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return to_qdate(date.fromisoformat(value))
        except ValueError:
            return NOT_GIVEN
    return NOT_GIVEN


class _DateEdit(QDateEdit):
    def __init__(self, anchor: date) -> None:
        super().__init__()
        self.anchor = to_qdate(anchor)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NOT_GIVEN)
        self.setMaximumDate(LATEST)
        self.setSpecialValueText(NOT_GIVEN_TEXT)
        self.setCalendarPopup(True)
        self.setDate(NOT_GIVEN)

    def is_empty(self) -> bool:
        return self.date() == NOT_GIVEN

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab leaves the date (QDateTimeEdit would walk its sections, a keyboard trap when
        the date is "Not given"); typing moves through the sections by itself."""
        return QWidget.focusNextPrevChild(self, next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_Delete:
            self.setDate(NOT_GIVEN)
            event.accept()
            return
        if key == Qt.Key.Key_T and plain:
            self.setDate(self.anchor)
            self.setSelectedSection(QDateEdit.Section.DaySection)
            event.accept()
            return
        if self.is_empty() and (event.text().isdigit() or key in (Qt.Key.Key_Up, Qt.Key.Key_Down)):
            self.setDate(self.anchor)
            self.setSelectedSection(QDateEdit.Section.YearSection)
            if not event.text().isdigit():
                event.accept()
                return
        super().keyPressEvent(event)


class DateEditor(AnswerEditor):
    def __init__(
        self, question: Question, name: str, anchor: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, parent)
        self.edit = _DateEdit(anchor)
        self.edit.setAccessibleName(name)
        self.edit.setAccessibleDescription(KEY_HELP)
        self.edit.setToolTip(KEY_HELP)
        self.clear_button = QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setAccessibleName(f"Clear: {name}")
        self.clear_button.setToolTip("Not given (Delete)")
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Delete does it by keyboard
        self.clear_button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.edit.dateChanged.connect(self._on_edit_date_changed)
        self._update_clear()

    def _on_clear_button_clicked(self) -> None:
        self.edit.setDate(NOT_GIVEN)
        self.edit.setFocus()

    def _on_edit_date_changed(self, _date: QDate) -> None:
        self._update_clear()
        self._emit()

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(not self.edit.is_empty())

    def value(self) -> date | None:
        if self.edit.is_empty():
            return None
        q = self.edit.date()
        return date(q.year(), q.month(), q.day())

    def _show(self, value: Any) -> None:
        self.edit.setDate(to_qdate(value))
        self._update_clear()

    def focus_first(self) -> None:
        self.edit.setFocus(Qt.FocusReason.TabFocusReason)
