"""A multi-choice answer: one check box per code, from a forms/codes list or inline options.

A required question also offers "None of these" (first), so that "no allergies" is a
deliberate answer and not a section skipped: until a box is ticked the question is
unanswered. Codes with a patient-facing text (counselling items) show it under the label
and get a "Tick all" button. `allow_other` adds a line for further codes, separated by
commas. The boxes are one tab stop: Tab enters at the first box, Up and Down move
between the boxes, Space ticks, Tab leaves. Long lists take two columns when the width
allows it and one otherwise, so no label is ever cut off at the right edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.checklist import Question
from isoface_desk.ui.visit.editors import AnswerEditor, Choice
from isoface_desk.ui.visit.style import em, muted, scaled_font, wrapped

NONE_TEXT = "None of these"


class MultiChoiceEditor(AnswerEditor):
    def __init__(
        self, question: Question, name: str, choices: Sequence[Choice],
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(question, parent)
        self.choices = tuple(choices)
        self.boxes: dict[str, QCheckBox] = {}
        self.none_box: QCheckBox | None = None
        self.other: QLineEdit | None = None
        self.tick_all: QPushButton | None = None
        self.columns = 1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        described = any(c.description for c in self.choices)
        if described:
            self.tick_all = QPushButton("Tick all")
            self.tick_all.setAccessibleName(f"Tick all: {name}")
            self.tick_all.clicked.connect(self._on_tick_all_clicked)
            top = QHBoxLayout()
            top.addWidget(self.tick_all)
            top.addStretch(1)
            layout.addLayout(top)
        if question.required:
            self.none_box = QCheckBox(NONE_TEXT)
            self.none_box.setAccessibleName(f"{name}: {NONE_TEXT.lower()}")
            self.none_box.toggled.connect(self._on_none_box_toggled)
            self.none_box.installEventFilter(self)
            layout.addWidget(self.none_box)
        layout.addLayout(self._boxes(name, described))
        for box in self._ordered()[1:]:
            box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the group is one tab stop
        if question.allow_other:
            self.other = QLineEdit()
            self.other.setAccessibleName(f"{name}: other codes")
            self.other.setPlaceholderText("Other, as codes separated by commas")
            self.other.textChanged.connect(self._on_other_text_changed)
            layout.addWidget(self.other)

    def _boxes(self, name: str, described: bool) -> QGridLayout:
        grid = self.grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(4 if not described else 2)
        self.descriptions: dict[str, QLabel] = {}
        for choice in self.choices:
            box = QCheckBox(choice.label)
            box.setAccessibleName(f"{name}: {choice.label}")
            if choice.description:
                box.setAccessibleDescription(choice.description)
                self.descriptions[choice.value] = _description(choice.description)
            box.toggled.connect(self._on_box_toggled)
            box.installEventFilter(self)
            self.boxes[choice.value] = box
        self._place(1)
        return grid

    def _place(self, columns: int) -> None:
        """Lay the boxes out in `columns` columns, filled top to bottom."""
        self.columns = columns
        per_column = max(1, -(-len(self.choices) // columns))
        row_step = 2 if self.descriptions else 1
        for i, (code, box) in enumerate(self.boxes.items()):
            row, column = (i % per_column) * row_step, i // per_column
            self.grid.addWidget(box, row, column)  # re-adding a widget moves it
            if code in self.descriptions:
                self.grid.addWidget(self.descriptions[code], row + 1, column)

    def _fitting_columns(self, width: int) -> int:
        if self.descriptions or len(self.boxes) <= 4:
            return 1
        widest = max(box.sizeHint().width() for box in self.boxes.values())
        return 2 if width >= 2 * widest + self.grid.horizontalSpacing() else 1

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = self._fitting_columns(event.size().width())
        if columns != self.columns:
            self._place(columns)

    def minimumSizeHint(self) -> QSize:
        """As narrow as one column: two columns are used only when they fit."""
        hint = super().minimumSizeHint()
        widest = max((box.sizeHint().width() for box in self._ordered()), default=0)
        if self.other is not None:
            widest = max(widest, self.other.minimumSizeHint().width())
        return QSize(min(hint.width(), widest), hint.height())

    # ----- behaviour

    def _ordered(self) -> list[QCheckBox]:
        boxes = list(self.boxes.values())
        return [self.none_box, *boxes] if self.none_box is not None else boxes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QCheckBox):
            assert isinstance(event, QKeyEvent)
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            boxes = self._ordered()
            if step is not None and watched in boxes:
                index = boxes.index(watched) + step
                if 0 <= index < len(boxes):
                    boxes[index].setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def _on_box_toggled(self, checked: bool) -> None:
        if checked and self.none_box is not None and self.none_box.isChecked():
            self.none_box.blockSignals(True)
            self.none_box.setChecked(False)
            self.none_box.blockSignals(False)
        self._emit()

    def _on_none_box_toggled(self, checked: bool) -> None:
        if checked:
            for box in self.boxes.values():
                box.blockSignals(True)
                box.setChecked(False)
                box.blockSignals(False)
            if self.other is not None:
                self.other.blockSignals(True)
                self.other.clear()
                self.other.blockSignals(False)
        self._emit()

    def _on_other_text_changed(self, text: str) -> None:
        if text.strip() and self.none_box is not None and self.none_box.isChecked():
            self.none_box.blockSignals(True)
            self.none_box.setChecked(False)
            self.none_box.blockSignals(False)
        self._emit()

    def _on_tick_all_clicked(self) -> None:
        self._loading = True
        try:
            for box in self.boxes.values():
                box.setChecked(True)
        finally:
            self._loading = False
        self._emit()

    # ----- answer

    def _other_codes(self) -> list[str]:
        if self.other is None:
            return []
        return [c.strip().lower() for c in self.other.text().split(",") if c.strip()]

    def value(self) -> list[str] | None:
        codes = [code for code, box in self.boxes.items() if box.isChecked()]
        codes += [c for c in self._other_codes() if c not in codes]
        if codes or self.none_box is None or self.none_box.isChecked():
            return codes
        return None

    def _show(self, value: Any) -> None:
        codes = list(value) if isinstance(value, list | tuple) else []
        for code, box in self.boxes.items():
            box.setChecked(code in codes)
        if self.other is not None:
            self.other.setText(", ".join(c for c in codes if c not in self.boxes))
        if self.none_box is not None:
            self.none_box.setChecked(isinstance(value, list | tuple) and not codes)

    def tab_widgets(self) -> list[QWidget]:
        """Every box in order (only the first is a tab stop; the others keep their place in
        the chain so that Tab from any of them leaves the group), then the "other" line."""
        widgets: list[QWidget] = [self.tick_all] if self.tick_all is not None else []
        widgets += self._ordered()
        return widgets + ([self.other] if self.other is not None else [])

    def focus_first(self) -> None:
        first = self.tick_all or next(iter(self._ordered()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.TabFocusReason)


def _description(text: str) -> QLabel:
    label = wrapped(text)
    label.setIndent(int(1.6 * em(label)))
    scaled_font(label, 0.92)
    muted(label)
    return label
