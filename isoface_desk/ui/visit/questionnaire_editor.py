"""A questionnaire answer (the PHQ-9): the official stem and items, one row of answer
buttons per item, and the total with its severity band, updated live.

The answer buttons of an item read 0 to 3 under column headings with the official answer
labels. Keys: 0, 1, 2 or 3 answer the focused item and move to the next one (nine key
presses for the whole PHQ-9); arrows move within an item. An alert item (PHQ-9 item 9)
above 0 shows the same-day follow-up reminder. The answer is
{"items": [nine values or None], "difficulty": value or None}.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.checklist import Question, questionnaire_items
from isoface_desk.domain.questionnaire import AnswerOption, Questionnaire
from isoface_desk.ui.visit.editors import AnswerEditor
from isoface_desk.ui.visit.style import BLOCK, colored, muted, scaled_font, wrapped

ALERT_TEXT = "Thoughts of self-harm: a same-day risk assessment is needed, whatever the total."


class _ItemButton(QRadioButton):
    """An answer button; a digit key answers its item and moves on to the next."""

    def __init__(self, text: str, owner: QuestionnaireEditor, row: int) -> None:
        super().__init__(text)
        self._owner = owner
        self.row = row

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and self._owner.answer_by_key(self.row, int(text)):
            event.accept()
            return
        super().keyPressEvent(event)


class QuestionnaireEditor(AnswerEditor):
    def __init__(
        self, question: Question, name: str, questionnaire: Questionnaire,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(question, parent)
        self.questionnaire = q = questionnaire
        self.groups: list[QButtonGroup] = []
        self.buttons: list[list[_ItemButton]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        stem = wrapped(q.stem, f"{name}: {q.stem}")
        scaled_font(stem, 1.0, bold=True)
        layout.addWidget(stem)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self._headers(grid, q.answers)
        for row, item in enumerate(q.items, start=1):
            number = QLabel(f"{item.number}.")
            number.setAccessibleName(f"Item {item.number}")
            text = wrapped(item.text, f"Item {item.number}: {item.text}")
            grid.addWidget(number, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, row, 1)
            self._answer_row(grid, row, f"{name}, item {item.number}", q.answers)
        layout.addLayout(grid)
        self.total_label = QLabel()
        self.total_label.setAccessibleName("PHQ-9 total")
        scaled_font(self.total_label, 1.15, bold=True)
        self.alert_label = colored(wrapped(ALERT_TEXT), BLOCK)
        scaled_font(self.alert_label, 1.0, bold=True)
        layout.addWidget(self.total_label)
        layout.addWidget(self.alert_label)
        self.difficulty_row = -1
        if q.difficulty is not None:
            layout.addWidget(self._difficulty(name))
        notice = muted(wrapped(q.copyright, "PHQ-9 copyright notice"))
        scaled_font(notice, 0.85)
        layout.addWidget(notice)
        self._update_total()

    def _headers(self, grid: QGridLayout, answers: tuple[AnswerOption, ...]) -> None:
        for column, answer in enumerate(answers, start=2):
            header = wrapped(f"{answer.label}\n({answer.value})", f"Column: {answer.label}")
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            scaled_font(header, 0.9, bold=True)
            header.setMaximumWidth(7 * self.fontMetrics().height())
            grid.addWidget(header, 0, column, Qt.AlignmentFlag.AlignBottom)

    def _answer_row(
        self, grid: QGridLayout, row: int, name: str, answers: tuple[AnswerOption, ...]
    ) -> None:
        group = QButtonGroup(self)
        buttons = []
        for column, answer in enumerate(answers, start=2):
            button = _ItemButton(str(answer.value), self, len(self.groups))
            button.setAccessibleName(f"{name}: {answer.label} ({answer.value})")
            group.addButton(button, answer.value)
            buttons.append(button)
            grid.addWidget(button, row, column, Qt.AlignmentFlag.AlignCenter)
        group.idToggled.connect(self._on_group_id_toggled)
        self.groups.append(group)
        self.buttons.append(buttons)

    def _difficulty(self, name: str) -> QWidget:
        follow = self.questionnaire.difficulty
        assert follow is not None
        box = QFrame()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 8, 0, 0)
        grid.setColumnStretch(1, 1)
        optional = " (optional)" if follow.optional else ""
        grid.addWidget(wrapped(follow.text + optional), 0, 0, 1, 2)
        self.difficulty_row = len(self.groups)
        group = QButtonGroup(self)
        buttons = []
        for column, answer in enumerate(follow.answers):
            button = _ItemButton(answer.label, self, self.difficulty_row)
            button.setAccessibleName(f"{name}, difficulty: {answer.label} ({answer.value})")
            group.addButton(button, answer.value)
            buttons.append(button)
            grid.addWidget(button, 1 + column // 2, column % 2)
        group.idToggled.connect(self._on_group_id_toggled)
        self.groups.append(group)
        self.buttons.append(buttons)
        return box

    # ----- behaviour

    def answer_by_key(self, row: int, value: int) -> bool:
        group = self.groups[row]
        button = group.button(value)
        if button is None:
            return False
        button.setChecked(True)
        following = row + 1
        if following < len(self.groups):
            self._focus_row(following)
        else:
            button.setFocus()
        return True

    def _focus_row(self, row: int) -> None:
        group = self.groups[row]
        target = group.checkedButton() or group.buttons()[0]
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def _on_group_id_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._update_total()
            self._emit()

    def _items(self) -> list[int | None]:
        count = len(self.questionnaire.items)
        return [g.checkedId() if g.checkedId() >= 0 else None for g in self.groups[:count]]

    def _update_total(self) -> None:
        items = self._items()
        answered = [v for v in items if v is not None]
        q = self.questionnaire
        total = sum(answered)
        if len(answered) == len(items):
            band = q.band(total)
            self.total_label.setText(f"Total {total} of {q.max_total}: {band.label}")
        else:
            self.total_label.setText(
                f"Total so far {total} ({len(answered)} of {len(items)} items answered)"
            )
        self.total_label.setAccessibleDescription(self.total_label.text())
        alert = any((items[n - 1] or 0) > 0 for n in q.alert_items())
        self.alert_label.setVisible(alert)

    # ----- answer

    def value(self) -> dict[str, Any] | None:
        items = self._items()
        if all(v is None for v in items):
            return None
        difficulty = None
        if self.difficulty_row >= 0:
            checked = self.groups[self.difficulty_row].checkedId()
            difficulty = checked if checked >= 0 else None
        return {"items": items, "difficulty": difficulty}

    def _show(self, value: Any) -> None:
        items = questionnaire_items(value) or []
        difficulty = value.get("difficulty") if isinstance(value, dict) else None
        for row, group in enumerate(self.groups):
            wanted = difficulty if row == self.difficulty_row else (
                items[row] if row < len(items) else None)  # fmt: skip
            group.setExclusive(False)
            for button in group.buttons():
                button.setChecked(group.id(button) == wanted)
            group.setExclusive(True)
        self._update_total()

    def total_text(self) -> str:
        return self.total_label.text()

    def focus_first(self) -> None:
        first = next((r for r, g in enumerate(self.groups) if g.checkedId() < 0), 0)
        self._focus_row(first)

    def focus_at(self, index: int | None, sub_id: str | None) -> None:
        if index is not None and 0 <= index < len(self.groups):
            self._focus_row(index)
        else:
            self.focus_first()
