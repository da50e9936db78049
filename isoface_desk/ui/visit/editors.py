"""Answer editors for the simple question types: bool, choice, number, text, signature.

Every editor is an `AnswerEditor`: `value()` gives the answer in the shape the domain
expects (None while unanswered), `set_value()` shows one without emitting `changed`,
`problem()` says what is wrong with typed text that is not a valid answer yet, and
`focus_first()` puts the keyboard focus on it. Editors are created from the Question
definitions by `ui/visit/factory.py`, never per question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.checklist import Question
from isoface_desk.ui.widgets.signature_pad import SignatureBox


@dataclass(frozen=True)
class Choice:
    """One possible answer of a choice or multi-choice question."""

    value: str
    label: str
    description: str = ""


class AnswerEditor(QWidget):
    """Base of every editor. `changed` is emitted when the person changes the answer."""

    changed = Signal()

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self._loading = False

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def problem(self) -> str | None:
        return None

    def focus_first(self) -> None:
        self.focusNextChild()

    def focus_at(self, index: int | None, sub_id: str | None) -> None:
        """Focus one record / questionnaire item (editors without parts focus themselves)."""
        self.focus_first()

    def _emit(self) -> None:
        if not self._loading:
            self.changed.emit()


def _row(parent: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    return layout


# --------------------------------------------------------------------------- bool


class _KeyRadio(QRadioButton):
    """A radio button that also answers to a letter key (Y for Yes, N for No)."""

    def __init__(self, text: str, owner: BoolEditor) -> None:
        super().__init__(text)
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._owner.key_answer(event.key()):
            event.accept()
            return
        super().keyPressEvent(event)


class BoolEditor(AnswerEditor):
    """Yes / No radio buttons; neither is checked until the person answers.
    Keys: Y or N answer; arrow keys move between the two."""

    def __init__(self, question: Question, name: str, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.yes = _KeyRadio("Yes", self)
        self.no = _KeyRadio("No", self)
        self.group = QButtonGroup(self)
        for button, text in ((self.yes, "Yes"), (self.no, "No")):
            button.setAccessibleName(f"{name}: {text}")
            button.setAccessibleDescription("Press Y for yes or N for no.")
            self.group.addButton(button)
        layout = _row(self)
        layout.addWidget(self.yes)
        layout.addSpacing(16)
        layout.addWidget(self.no)
        layout.addStretch(1)
        self.group.buttonToggled.connect(self._on_group_toggled)

    def key_answer(self, key: int) -> bool:
        target = {Qt.Key.Key_Y: self.yes, Qt.Key.Key_N: self.no}.get(Qt.Key(key))
        if target is None:
            return False
        target.setFocus()
        if not target.isChecked():
            target.setChecked(True)
        return True

    def _on_group_toggled(self, _button: QRadioButton, checked: bool) -> None:
        if checked:
            self._emit()

    def value(self) -> bool | None:
        if self.yes.isChecked():
            return True
        if self.no.isChecked():
            return False
        return None

    def _show(self, value: Any) -> None:
        self.group.setExclusive(False)
        self.yes.setChecked(value is True)
        self.no.setChecked(value is False)
        self.group.setExclusive(True)

    def focus_first(self) -> None:
        (self.no if self.no.isChecked() else self.yes).setFocus(Qt.FocusReason.TabFocusReason)


# --------------------------------------------------------------------------- choice


class ChoiceEditor(AnswerEditor):
    """A drop-down list; empty ("Choose…") until answered. Typing a letter picks an entry."""

    def __init__(
        self, question: Question, name: str, choices: Sequence[Choice],
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(question, parent)
        self.choices = tuple(choices)
        self.combo = QComboBox()
        self.combo.setAccessibleName(name)
        self.combo.setPlaceholderText("Choose…")
        for choice in self.choices:
            self.combo.addItem(choice.label, choice.value)
            if choice.description:
                self.combo.setItemData(self.combo.count() - 1, choice.description,
                                       Qt.ItemDataRole.ToolTipRole)  # fmt: skip
        self.combo.setCurrentIndex(-1)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        layout = _row(self)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.combo.currentIndexChanged.connect(self._on_combo_current_index_changed)

    def _on_combo_current_index_changed(self, _index: int) -> None:
        self._emit()

    def offer(self, values: Sequence[str]) -> bool:
        """Offer only these of the choices (a unit that fits the chosen test); a current
        answer no longer offered is cleared, a single offer is chosen. True if the answer
        changed (no `changed` is emitted: the caller knows)."""
        before = self.value()
        offered = [c for c in self.choices if c.value in values]
        shown = [self.combo.itemData(i) for i in range(self.combo.count())]
        if shown != [c.value for c in offered]:
            self.combo.blockSignals(True)
            self.combo.clear()
            for choice in offered:
                self.combo.addItem(choice.label, choice.value)
            self.combo.setCurrentIndex(self.combo.findData(before) if before is not None else -1)
            self.combo.blockSignals(False)
        if self.combo.currentIndex() < 0 and len(offered) == 1:
            self.combo.blockSignals(True)
            self.combo.setCurrentIndex(0)
            self.combo.blockSignals(False)
        return self.value() != before

    def value(self) -> str | None:
        data = self.combo.currentData()
        return None if data is None else str(data)

    def _show(self, value: Any) -> None:
        self.combo.setCurrentIndex(self.combo.findData(value) if value is not None else -1)

    def focus_first(self) -> None:
        self.combo.setFocus(Qt.FocusReason.TabFocusReason)


# --------------------------------------------------------------------------- text


class TextEditor(AnswerEditor):
    """One line of text; with `suggest`, completion from a list of names."""

    def __init__(
        self, question: Question, name: str, suggestions: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(question, parent)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(name)
        if suggestions:
            completer = QCompleter(sorted(set(suggestions), key=str.casefold), self.edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            popup = completer.popup()
            if popup is not None:
                popup.setAccessibleName(f"Suggestions for {name}")
            self.edit.setCompleter(completer)
            self.edit.setPlaceholderText("Type to search the medicine lists")
        layout = _row(self)
        layout.addWidget(self.edit, 1)
        self.edit.textChanged.connect(self._on_edit_text_changed)

    def _on_edit_text_changed(self, _text: str) -> None:
        self._emit()

    def value(self) -> str | None:
        text = self.edit.text()
        return text if text.strip() else None

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def focus_first(self) -> None:
        self.edit.setFocus(Qt.FocusReason.TabFocusReason)


# --------------------------------------------------------------------------- number


def _fmt(number: float) -> str:
    return f"{number:g}"


def range_text(question: Question) -> str:
    """'20 to 300 kg', 'above 0 mg/day', 'at most 99'."""
    unit = f" {question.unit}" if question.unit else ""
    low, high = question.min, question.max
    if low is not None and high is not None and not question.exclusive_min:
        return f"{_fmt(low)} to {_fmt(high)}{unit}"
    parts = []
    if low is not None:
        parts.append(f"above {_fmt(low)}" if question.exclusive_min else f"at least {_fmt(low)}")
    if high is not None:
        parts.append(f"at most {_fmt(high)}")
    return " and ".join(parts) + unit


class NumberEditor(AnswerEditor):
    """A number typed as text ("," or "." as decimal mark), with its unit and range."""

    def __init__(self, question: Question, name: str, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(name)
        hint = range_text(question)
        self.edit.setAccessibleDescription(f"A {'whole ' if question.integer else ''}number"
                                           + (f", {hint}" if hint else ""))  # fmt: skip
        em = self.fontMetrics().height()
        self.edit.setMinimumWidth(4 * em)  # legible in a narrow column of a record
        self.edit.setMaximumWidth(7 * em)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = _row(self)
        layout.addWidget(self.edit)
        if question.unit:
            unit = QLabel(question.unit)
            unit.setAccessibleName(f"unit: {question.unit}")
            layout.addWidget(unit)
        layout.addStretch(1)
        self.edit.textChanged.connect(self._on_edit_text_changed)

    def _on_edit_text_changed(self, _text: str) -> None:
        self._emit()

    def _parsed(self) -> float | int | None:
        text = self.edit.text().strip().replace(",", ".").replace(" ", "")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return None
        if self.question.integer:
            return int(number) if number.is_integer() else None
        return int(number) if number.is_integer() and "." not in text else number

    def _in_range(self, number: float) -> bool:
        q = self.question
        if q.min is not None and (number <= q.min if q.exclusive_min else number < q.min):
            return False
        return q.max is None or number <= q.max

    def value(self) -> float | int | None:
        number = self._parsed()
        return number if number is not None and self._in_range(number) else None

    def problem(self) -> str | None:
        if not self.edit.text().strip():
            return None
        number = self._parsed()
        what = "a whole number" if self.question.integer else "a number"
        hint = range_text(self.question)
        if number is None or not self._in_range(number):
            return f"enter {what}" + (f", {hint}" if hint else "")
        return None

    def _show(self, value: Any) -> None:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        self.edit.setText(_fmt(value) if is_number else "" if value is None else str(value))

    def focus_first(self) -> None:
        self.edit.setFocus(Qt.FocusReason.TabFocusReason)
        self.edit.selectAll()


# --------------------------------------------------------------------------- signature


class SignatureEditor(AnswerEditor):
    """A signature pad. Its answer is "signed" once there is ink; the image goes to the
    record when the visit is signed. A draft keeps the strokes (`strokes()`, lists of
    [x, y, pen width] points), so a signature drawn before the window closed comes back;
    `set_value` takes them (or None to clear)."""

    def __init__(self, question: Question, name: str, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.box = SignatureBox(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        self.box.title_label.setText("")  # the question label above says it
        self.box.setMaximumWidth(40 * self.fontMetrics().height())
        self.box.pad.changed.connect(self._on_pad_changed)

    def _on_pad_changed(self) -> None:
        self._emit()

    def value(self) -> str | None:
        return None if self.box.pad.is_empty() else "signed"

    def _show(self, value: Any) -> None:
        if value is None or isinstance(value, list):
            self.box.pad.clear()
        for stroke in value if isinstance(value, list) else ():
            points = _points(stroke)
            if points:
                width = sum(w for _, _, w in points) / len(points)
                self.box.pad.add_stroke([(x, y) for x, y, _ in points], width)

    def strokes(self) -> list[list[list[float]]]:
        """The ink as JSON-ready strokes ([] when the pad is empty)."""
        strokes = self.box.pad._strokes  # the pad has no public reader of its strokes
        return [[[round(p.pos.x(), 1), round(p.pos.y(), 1), round(p.width, 2)] for p in s]
                for s in strokes if s]  # fmt: skip

    def png(self) -> bytes | None:
        return None if self.box.pad.is_empty() else self.box.pad.to_png()

    def focus_first(self) -> None:
        self.box.pad.setFocus(Qt.FocusReason.TabFocusReason)


def _points(stroke: object) -> list[tuple[float, float, float]]:
    """[x, y, width] points of a stored stroke; anything malformed is left out."""
    out: list[tuple[float, float, float]] = []
    for point in stroke if isinstance(stroke, list) else ():
        if (
            isinstance(point, list)
            and len(point) == 3
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
        ):
            out.append((float(point[0]), float(point[1]), float(point[2])))
    return out
