"""A list-of-records answer (medicines, contraception methods, pregnancy tests, labs).

One row per record, one column per sub-field, under a header; sub-fields hide and show
per row as `visible_fields` says (the verification of a home test, the ULN of ALT/AST).
Sub-field editors come from the same factory as whole questions. A required list starts
with one empty row, so the first entry needs no "Add" press; removing every row answers
"none" (an empty list, as a draft keeps it), for the safety findings to judge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.checklist import Question, VisitContext, visible_fields
from isoface_desk.domain.checklist_model import visible_options
from isoface_desk.ui.visit.editors import AnswerEditor, ChoiceEditor
from isoface_desk.ui.visit.focus import chain, focusable_in
from isoface_desk.ui.visit.style import muted, scaled_font, wrapped

SubFactory = Callable[[Question, str], AnswerEditor]


@dataclass
class _Row:
    editors: dict[str, AnswerEditor]
    remove: QToolButton


class RecordsEditor(AnswerEditor):
    structure_changed = Signal()  # rows added or removed: the tab order needs redoing

    def __init__(
        self, question: Question, name: str, context: VisitContext, make_sub: SubFactory,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(question, parent)
        self.name = name
        self.context = context
        self.make_sub = make_sub
        self.rows: list[_Row] = []
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.headers = []
        for column, sub in enumerate(question.fields):
            header = wrapped(sub.label, f"Column: {sub.label}")
            scaled_font(header, 0.92, bold=True)
            muted(header)
            self.headers.append(header)
            self.grid.addWidget(header, 0, column, Qt.AlignmentFlag.AlignBottom)
            if sub.type == "text":
                self.grid.setColumnStretch(column, 1)
        self.add_button = QPushButton("+ Add")
        self.add_button.setAccessibleName(f"Add an entry: {name}")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        layout.addLayout(bottom)
        self._show(None)

    # ----- rows

    def _row_name(self, number: int) -> str:
        return f"{self.name}, entry {number}"

    def add_row(self, values: dict[str, Any] | None = None) -> _Row:
        number = len(self.rows) + 1
        editors: dict[str, AnswerEditor] = {}
        for sub in self.question.fields:
            editor = self.make_sub(sub, f"{sub.label}, {self._row_name(number)}")
            start = (values or {}).get(sub.id, sub.default if values is None else None)
            editor.set_value(start)
            editor.changed.connect(self._on_sub_changed)
            editors[sub.id] = editor
        remove = QToolButton()  # narrow, so a lab row fits at 1024 px
        remove.setText("✕")
        remove.setToolTip("Remove this entry")
        remove.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        remove.setAccessibleName(f"Remove {self._row_name(number)}")
        remove.clicked.connect(self._on_remove_clicked)
        row = _Row(editors, remove)
        self.rows.append(row)
        self._relayout()
        self._update_visibility(row)
        return row

    def _relayout(self) -> None:
        for row in self.rows:
            for widget in [*row.editors.values(), row.remove]:
                self.grid.removeWidget(widget)
        last = len(self.question.fields)
        for r, row in enumerate(self.rows, start=1):
            for column, editor in enumerate(row.editors.values()):
                self.grid.addWidget(editor, r, column, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(row.remove, r, last, Qt.AlignmentFlag.AlignTop)
            self._renumber(row, r)
        for column, sub in enumerate(self.question.fields):
            shown = any(not r.editors[sub.id].isHidden() for r in self.rows)
            self.headers[column].setVisible(shown)
        self._fix_tab_order()

    def _renumber(self, row: _Row, number: int) -> None:
        new = self._row_name(number)
        for widget in [row.remove, *(w for e in row.editors.values()
                                     for w in e.findChildren(QWidget))]:  # fmt: skip
            text = widget.accessibleName()
            if f"{self.name}, entry " in text:
                head = text.split(f"{self.name}, entry ")[0]
                widget.setAccessibleName(head + new)

    def tab_widgets(self) -> list[QWidget]:
        """Row by row, each row's fields and its Remove button, then Add."""
        out: list[QWidget] = []
        for row in self.rows:
            for editor in row.editors.values():
                out += focusable_in(editor)
            out.append(row.remove)
        return [*out, self.add_button]

    def _fix_tab_order(self) -> None:
        chain(self.tab_widgets())
        self.structure_changed.emit()

    def _update_visibility(self, row: _Row) -> None:
        self._update_offers(row)
        values = self._row_values(row)
        visible = {sub.id for sub in visible_fields(self.question, values, self.context)}
        for sub_id, editor in row.editors.items():
            editor.setVisible(sub_id in visible)
        for column, sub in enumerate(self.question.fields):  # a column no row shows: no header
            shown = any(not r.editors[sub.id].isHidden() for r in self.rows)
            self.headers[column].setVisible(shown)

    def _update_offers(self, row: _Row) -> None:
        """Choices whose options depend on the record (units by test), in field order."""
        for sub in self.question.fields:
            editor = row.editors[sub.id]
            if isinstance(editor, ChoiceEditor) and any(o.when for o in sub.options):
                offered = visible_options(self.question, sub, self._row_values(row), self.context)
                editor.offer([o.value for o in offered])

    @staticmethod
    def _row_values(row: _Row) -> dict[str, Any]:
        values = {sub_id: e.value() for sub_id, e in row.editors.items()}
        return {k: v for k, v in values.items() if v is not None}

    def _on_add_button_clicked(self) -> None:
        row = self.add_row()
        self._focus_row(row, None)
        self._emit()

    def _on_remove_clicked(self) -> None:
        button = self.sender()
        row = next((r for r in self.rows if r.remove is button), None)
        if row is None:
            return
        index = self.rows.index(row)
        self.rows.remove(row)
        self._drop_widgets(row)
        self._relayout()
        if self.rows:
            self._focus_row(self.rows[min(index, len(self.rows) - 1)], None)
        else:
            self.add_button.setFocus()
        self._emit()

    def _drop_widgets(self, row: _Row) -> None:
        for widget in [*row.editors.values(), row.remove]:
            self.grid.removeWidget(widget)
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()

    def _on_sub_changed(self) -> None:
        editor = self.sender()
        for row in self.rows:
            if editor in row.editors.values():
                self._update_visibility(row)
        self._emit()

    # ----- answer

    def value(self) -> list[dict[str, Any]]:
        return [self._row_values(row) for row in self.rows]

    def _show(self, value: Any) -> None:
        for row in self.rows:
            self._drop_widgets(row)
        self.rows = []
        records = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
        for record in records:
            self.add_row(record)
        if value is None and self.question.required:  # unanswered: a row ready to fill
            self.add_row()
        self._relayout()

    def problem(self) -> str | None:
        for number, row in enumerate(self.rows, start=1):
            for sub_id, editor in row.editors.items():
                what = editor.problem() if editor.isVisibleTo(self) else None
                if what:
                    label = self.question.sub(sub_id)
                    return f"entry {number}, {label.label.lower() if label else sub_id}: {what}"
        return None

    # ----- focus

    def _focus_row(self, row: _Row, sub_id: str | None) -> None:
        editor = row.editors.get(sub_id) if sub_id else None
        if editor is None or not editor.isVisibleTo(self):
            editor = next((e for e in row.editors.values() if e.isVisibleTo(self)), None)
        if editor is not None:
            editor.focus_first()

    def focus_first(self) -> None:
        if self.rows:
            self._focus_row(self.rows[0], None)
        else:
            self.add_button.setFocus(Qt.FocusReason.TabFocusReason)

    def focus_at(self, index: int | None, sub_id: str | None) -> None:
        if index is not None and 0 <= index < len(self.rows):
            self._focus_row(self.rows[index], sub_id)
        else:
            self.focus_first()
