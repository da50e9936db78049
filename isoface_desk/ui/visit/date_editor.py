"""A date answer: typed text in the clinic's formats, a calendar to pick from, "not given".

The date is typed as 2026-10-15 (ISO, how it is shown), 15/10/2026 (also 15.10.2026 or
15-10-2026) or 20261015; text that is no date is a problem shown under the question (and
blocks signing), never silently ignored. Keys: T puts the visit date, Delete empties the
field ("not given"), Alt+Down opens the calendar, which starts at the current date or,
with none, at the visit date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.checklist import Question
from isoface_desk.ui.visit.editors import AnswerEditor

FORMATS_TEXT = "yyyy-mm-dd or dd/mm/yyyy"
KEY_HELP = (f"Type the date as {FORMATS_TEXT}; T for the visit date; Delete for not given; "
            "Alt+Down for the calendar.")  # fmt: skip
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> date | None:
    """The date of typed text in one of the accepted formats (None if it is none)."""
    text = text.strip()
    parts: tuple[str, str, str] | None = None
    if m := _ISO.match(text) or _DIGITS.match(text):
        parts = (m[1], m[2], m[3])
    elif m := _DMY.match(text):
        parts = (m[3], m[2], m[1])
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return parse_date(value) if isinstance(value, str) else None


class _DateLine(QLineEdit):
    def __init__(self, owner: DateEditor) -> None:
        super().__init__()
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        if key == Qt.Key.Key_T and plain:
            self._owner.set_date(self._owner.anchor)
        elif key == Qt.Key.Key_Delete and plain:
            self.clear()
        elif key == Qt.Key.Key_Down and alt:
            self._owner.open_calendar()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class _CalendarPopup(QWidget):
    """The calendar, as a popup under the field; a click or Enter on a day picks it."""

    def __init__(self, owner: DateEditor) -> None:
        super().__init__(owner, Qt.WindowType.Popup)
        self.setAccessibleName(f"Calendar: {owner.edit.accessibleName()}")
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calendar)
        self.calendar.activated.connect(self._on_calendar_picked)
        self.calendar.clicked.connect(self._on_calendar_picked)
        self._owner = owner

    def _on_calendar_picked(self, day: QDate) -> None:
        self._owner.set_date(date(day.year(), day.month(), day.day()))
        self.hide()
        self._owner.edit.setFocus()


class DateEditor(AnswerEditor):
    def __init__(
        self, question: Question, name: str, anchor: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, parent)
        self.anchor = anchor
        self.edit = _DateLine(self)
        self.edit.setAccessibleName(name)
        self.edit.setAccessibleDescription(KEY_HELP)
        self.edit.setToolTip(KEY_HELP)
        self.edit.setPlaceholderText(FORMATS_TEXT)
        em = self.fontMetrics().height()
        digits = self.edit.fontMetrics().horizontalAdvance("2026-10-15")
        self.edit.setMinimumWidth(digits + em)  # a whole date stays legible in a record row
        self.edit.setMaximumWidth(digits + 3 * em)
        self.calendar_button = self._tool("▾", f"Calendar: {name}", "Calendar (Alt+Down)")
        self.clear_button = self._tool("✕", f"Clear: {name}", "Not given (Delete)")
        self.popup: _CalendarPopup | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.edit.editingFinished.connect(self._on_edit_editing_finished)
        self._update_clear()

    def _tool(self, text: str, name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setAccessibleName(name)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys do it from the field
        button.setAutoRaise(True)
        return button

    # ----- behaviour

    def set_date(self, day: date | None) -> None:
        """Show a date (None: not given) as a person's edit (emits `changed`)."""
        self.edit.setText("" if day is None else day.isoformat())

    def open_calendar(self) -> None:
        if self.popup is None:
            self.popup = _CalendarPopup(self)
        start = self.value() or self.anchor
        self.popup.calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        self.popup.calendar.setCurrentPage(start.year, start.month)
        self.popup.adjustSize()
        self.popup.move(self.edit.mapToGlobal(QPoint(0, self.edit.height())))
        self.popup.show()
        self.popup.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _on_clear_button_clicked(self) -> None:
        self.edit.clear()
        self.edit.setFocus()

    def _on_edit_text_changed(self, _text: str) -> None:
        self._update_clear()
        self._emit()

    def _on_edit_editing_finished(self) -> None:
        day = self.value()
        if day is not None and self.edit.text() != day.isoformat():
            self.set_date(day)  # shown the one way dates are printed

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(bool(self.edit.text().strip()))

    # ----- answer

    def value(self) -> date | None:
        return parse_date(self.edit.text())

    def problem(self) -> str | None:
        text = self.edit.text().strip()
        if not text or self.value() is not None:
            return None
        return f"{text!r} is not a date: write it as {FORMATS_TEXT} (e.g. 2026-10-15)"

    def _show(self, value: Any) -> None:
        day = as_date(value)
        self.edit.setText("" if day is None else day.isoformat())
        self._update_clear()

    def focus_first(self) -> None:
        self.edit.setFocus(Qt.FocusReason.TabFocusReason)
