"""Which section of the visit checklist is shown, and where the keyboard is in it.

The section list, the section combo (narrow windows) and the Previous/Next buttons show
the same current section; the navigator keeps them in step, moves to a section, to a
question (a record, a sub-field), to the question a finding or a note points at, and
turns the focus into the position a draft reopens at ("section#question").
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from isoface_desk.domain.checklist import Form, locate_field
from isoface_desk.domain.findings import Finding
from isoface_desk.ui.visit.carried import Confirmations
from isoface_desk.ui.visit.checklist_view import ChecklistView
from isoface_desk.ui.visit.live_check import Note
from isoface_desk.ui.visit.section_list import SectionState


class SectionNavigator(QObject):
    """Moving about the checklist, apart from what the answers mean.

    It exists so the controller deals with answers, the live check and signing only:
    the navigator owns the current section and the focus within it. `section_changed`
    is emitted when a move shows another section and asked to be saved (the draft is
    written at once on a section change).
    """

    section_changed = Signal()

    def __init__(
        self, view: ChecklistView, form: Form, carried: Confirmations, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.view, self.form, self.carried = view, form, carried
        view.section_list.section_chosen.connect(self._on_section_chosen)
        view.section_list.section_entered.connect(self.go_to_section)
        view.section_combo.activated.connect(self._on_combo_activated)
        view.prev_button.clicked.connect(self.previous_section)
        view.panel.finding_activated.connect(self.go_to_finding)
        view.panel.note_activated.connect(self.go_to_note)

    # ----- the sections shown

    def visible_section_ids(self) -> list[str]:
        return self.view.section_list.section_ids()

    def show_sections(self, states: list[SectionState]) -> None:
        """List the visible sections with their marks; if the current one is hidden now,
        show the next visible one (else the last)."""
        section_ids = [state.section.id for state in states]
        current = self.view.current_section_id()
        if current not in section_ids and section_ids:
            following = [s for s in section_ids if self._index(s) > self._index(current)]
            current = following[0] if following else section_ids[-1]
            self.view.show_section(current)
        self.view.section_list.show_sections(states, current)
        combo = self.view.section_combo
        combo.blockSignals(True)
        combo.clear()
        for n, state in enumerate(states, start=1):
            combo.addItem(f"{n}. {state.section.title}", state.section.id)
        combo.setCurrentIndex(section_ids.index(current) if current in section_ids else -1)
        combo.blockSignals(False)
        position = section_ids.index(current) if current in section_ids else 0
        self._enable_buttons(position, len(section_ids))

    def _mark_current(self, section_id: str) -> None:
        ids = self.visible_section_ids()
        if section_id in ids:
            self.view.section_list.blockSignals(True)
            self.view.section_list.setCurrentRow(ids.index(section_id))
            self.view.section_list.blockSignals(False)
            combo = self.view.section_combo
            combo.blockSignals(True)
            combo.setCurrentIndex(ids.index(section_id))
            combo.blockSignals(False)
            self._enable_buttons(ids.index(section_id), len(ids))

    def _enable_buttons(self, position: int, count: int) -> None:
        self.view.prev_button.setEnabled(position > 0)
        self.view.next_button.setEnabled(position < count - 1)

    def _index(self, section_id: str) -> int:
        return next(i for i, s in enumerate(self.form.sections) if s.id == section_id)

    # ----- moving between sections

    def go_to_section(self, section_id: str, *, focus: bool = True, save: bool = True) -> None:
        changed = section_id != self.view.current_section_id()
        if changed:
            self.view.show_section(section_id)
            self._mark_current(section_id)
        if focus:
            self.focus_first_question(section_id)
        if changed and save:
            self.section_changed.emit()

    def next_section(self) -> None:
        """The next visible section; after the last one, the findings and Sign."""
        ids = self.visible_section_ids()
        current = self.view.current_section_id()
        if current in ids and ids.index(current) < len(ids) - 1:
            self.go_to_section(ids[ids.index(current) + 1])
        else:
            self.view.panel.focus_panel()

    def previous_section(self) -> None:
        ids = self.visible_section_ids()
        current = self.view.current_section_id()
        if current in ids and ids.index(current) > 0:
            self.go_to_section(ids[ids.index(current) - 1])

    def section_by_number(self, number: int) -> None:
        ids = self.visible_section_ids()
        if 1 <= number <= len(ids):
            self.go_to_section(ids[number - 1])

    def _on_section_chosen(self, section_id: str) -> None:
        self.go_to_section(section_id, focus=False)  # a click or arrows: the focus stays

    def _on_combo_activated(self, index: int) -> None:
        section_id = self.view.section_combo.itemData(index)
        if section_id:
            self.go_to_section(str(section_id))

    # ----- the focus

    def take_focus(self) -> None:
        """Once shown: the focus to the current section (its first question, or the
        confirmation of what it carried), unless it is in the checklist already."""
        if self.focus_widget_in_view() is None:
            self.focus_first_question(self.view.current_section_id())

    def focus_first_question(self, section_id: str) -> None:
        page = self.view.pages[section_id]
        if self.carried.needs(section_id):
            page.banner.button.setFocus()  # one key: confirm unchanged (or Tab to edit)
            return
        for widget in page.questions.values():
            if widget.isVisibleTo(page):
                widget.editor.focus_first()
                return

    def focus_widget_in_view(self) -> QWidget | None:
        focused = QApplication.focusWidget()
        return focused if focused is not None and self.view.isAncestorOf(focused) else None

    # ----- to a question

    def go_to_question(self, question_id: str, index: int | None = None,
                       sub_id: str | None = None, *, save: bool = True) -> bool:  # fmt: skip
        """Show the question's section and focus the question (a record, a sub-field)."""
        widget = self.view.question_widget(question_id)
        section_id = self.form.section_of(question_id).id
        if section_id not in self.visible_section_ids() or widget.isHidden():
            return False
        self.go_to_section(section_id, focus=False, save=save)
        widget.editor.focus_at(index, sub_id)
        self.view.reveal(question_id)
        QTimer.singleShot(0, lambda: self._reveal_focus(question_id))
        return True

    def _reveal_focus(self, question_id: str) -> None:
        page = self.view.pages[self.form.section_of(question_id).id]
        focused = QApplication.focusWidget()
        if focused is not None and page.isAncestorOf(focused):
            page.ensureWidgetVisible(focused, 0, 24)

    def go_to_finding(self, finding: Finding) -> None:
        found = locate_field(self.form, finding.field)
        sub_id = found.sub.id if found is not None and found.sub is not None else None
        if found is None or not self.go_to_question(found.question.id, found.index, sub_id):
            self.view.draft_label.setText("This finding comes from the patient's record")

    def go_to_note(self, note: Note) -> None:
        if note.question_id:
            self.go_to_question(note.question_id, note.index, note.sub_id)

    # ----- the position a draft reopens at

    def go_to_position(self, position: str) -> None:
        """Reopen at "section#question" (else the section's first question; an unknown
        or hidden section: the first visible one)."""
        section_id, _, question_id = position.partition("#")
        ids = self.visible_section_ids()
        if section_id not in ids:
            section_id = ids[0] if ids else self.form.sections[0].id
        self.go_to_section(section_id, focus=False, save=False)
        questions = self.view.question_widgets()
        if question_id in questions and not questions[question_id].isHidden():
            self.go_to_question(question_id, save=False)
        else:
            self.focus_first_question(section_id)

    def position(self) -> str:
        section_id = self.view.current_section_id()
        focused = QApplication.focusWidget()
        page = self.view.pages[section_id]
        if focused is not None and page.isAncestorOf(focused):
            for qid, widget in page.questions.items():
                if widget.isAncestorOf(focused):
                    return f"{section_id}#{qid}"
        return section_id
