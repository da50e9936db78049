"""Behaviour of the visit checklist: live findings, visibility, navigation, autosave, signing.

On every answer change: questions hide and show as `shown()` says, the live check runs
(well under a millisecond per evaluation), the findings panel, section marks and the Sign
button follow. The draft is saved `autosave_ms` after the last change to a field, at
once when another field is changed while a save is pending, and at once on a section
change, so after a crash at most the edit in flight is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import (
    Form,
    VisitContext,
    form_signers,
    locate_field,
    shown,
)
from isoface_desk.domain.findings import Finding
from isoface_desk.domain.visit_prefill import SectionNote
from isoface_desk.errors import AuthenticationError, IsofaceError
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.carried import CONFIRMED_KEY, Confirmations
from isoface_desk.ui.visit.checklist_view import ChecklistView
from isoface_desk.ui.visit.editors import AnswerEditor, SignatureEditor
from isoface_desk.ui.visit.live_check import LiveResult, Note, live_check
from isoface_desk.ui.visit.optional import optional_questions
from isoface_desk.ui.visit.records_editor import RecordsEditor
from isoface_desk.ui.visit.section_list import SectionState
from isoface_desk.ui.visit.sign_dialog import SignDialog
from isoface_desk.ui.visit.signing import (
    DraftStore,
    SignCallback,
    SignRequest,
    current_justifications,
    sign_readiness,
    summary_text,
)

log = logging.getLogger("isoface.ui.visit")

JUSTIFICATIONS_KEY = "_justifications"  # kept with the answers of a draft
#: Check-format fields the context may already know, shown pre-filled in their question.
CONTEXT_FIELDS = {
    "phq9_baseline_total": "phq9_baseline_total",
    "course.previous_course_end": "previous_course_end",
}


class ChecklistController(QObject):
    evaluated = Signal(object)  # LiveResult, after every change
    draft_saved = Signal()
    signed = Signal(object)  # what the sign callback returned

    def __init__(
        self, view: ChecklistView, form: Form, context: VisitContext, catalog: Catalog, *,
        drafts: DraftStore | None = None, sign: SignCallback | None = None,
        messages: MessageChannel | None = None, initial_answers: Mapping[str, Any] | None = None,
        autosave_ms: int = 500, prescriber: str = "",
        signer_names: Mapping[str, str] | None = None,
        notes: Mapping[str, SectionNote] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(view)
        self.carried = Confirmations(form, notes or {})  # sections opened filled
        self._loading = False
        self.signer_names = dict(signer_names or {})
        self.view, self.form, self.context, self.catalog = view, form, context, catalog
        self.drafts, self.sign, self.prescriber = drafts, sign, prescriber
        self.messages = messages or MessageChannel(view)
        self.editors: dict[str, AnswerEditor] = {
            qid: w.editor for qid, w in view.question_widgets().items()
        }
        self.result: LiveResult | None = None
        self.sign_dialog: SignDialog | None = None
        self.is_signed = False
        self._pending: str | None = None
        self._save_failed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(autosave_ms)
        self._timer.timeout.connect(self.save_now)
        self._connect()
        self._loading = True
        position = self._load(initial_answers or {})
        self._loading = False
        self.refresh()
        view.fix_tab_order()
        self._go_to_position(position)

    # ----- wiring

    def _connect(self) -> None:
        v = self.view
        for qid, editor in self.editors.items():
            editor.changed.connect(lambda q=qid: self._on_answer_changed(q))
            if isinstance(editor, RecordsEditor):
                editor.structure_changed.connect(v.fix_tab_order)
        v.section_list.section_chosen.connect(self._on_section_list_section_chosen)
        v.section_list.section_entered.connect(self._on_section_list_section_entered)
        v.section_combo.activated.connect(self._on_section_combo_activated)
        v.prev_button.clicked.connect(self.previous_section)
        v.next_button.clicked.connect(self.next_section)
        v.panel.finding_activated.connect(self._on_panel_finding_activated)
        v.panel.note_activated.connect(self._on_panel_note_activated)
        v.panel.justification_changed.connect(self._on_panel_justification_changed)
        v.panel.sign_requested.connect(self._on_panel_sign_requested)
        for sid, page in v.pages.items():
            page.banner.confirm_requested.connect(lambda s=sid: self.confirm_section(s))

    def _load(self, initial: Mapping[str, Any]) -> str:
        """Show the draft's answers (else the initial ones, context values and defaults);
        the position to reopen at."""
        saved = self.drafts.answers if self.drafts is not None else {}
        answers = dict(saved or initial)
        for q in self.form.questions():
            context_value = getattr(self.context, CONTEXT_FIELDS.get(q.field or "", ""), None)
            if q.id not in answers and context_value is not None:
                answers[q.id] = context_value
            elif q.id not in answers and q.default is not None and q.type != "bool":
                answers[q.id] = q.default
        for qid, value in answers.items():
            if qid in self.editors:
                self.editors[qid].set_value(value)
        self.carried.restore(answers.get(CONFIRMED_KEY))
        justifications = answers.get(JUSTIFICATIONS_KEY)
        if isinstance(justifications, Mapping):
            self.view.panel.set_justifications(justifications)
        if saved:
            self.view.draft_label.setText("Draft restored")
        return self.drafts.position if saved and self.drafts is not None else ""

    # ----- answers

    def answers(self) -> dict[str, Any]:
        """Every answer given (hidden questions' too, so they come back when shown)."""
        values = {qid: editor.value() for qid, editor in self.editors.items()}
        return {qid: value for qid, value in values.items() if value is not None}

    def visible_answers(self) -> dict[str, Any]:
        view = shown(self.form, self.answers(), self.context)
        return {qid: v for qid, v in view.answers.items()
                if self.form.question(qid).type != "signature"}  # fmt: skip

    def draft_answers(self) -> dict[str, Any]:
        answers = {qid: v for qid, v in self.answers().items()
                   if self.form.question(qid).type != "signature"}  # fmt: skip
        for qid, editor in self.editors.items():  # drawn signatures as their strokes
            if isinstance(editor, SignatureEditor) and editor.strokes():
                answers[qid] = editor.strokes()
        justifications = {k: v for k, v in self.view.panel.justifications().items() if v}
        if justifications:
            answers[JUSTIFICATIONS_KEY] = justifications
        if self.carried.confirmed:
            answers[CONFIRMED_KEY] = self.carried.saved()
        return answers

    def _on_answer_changed(self, question_id: str) -> None:
        if self.is_signed or self._loading:
            return
        self.carried.confirm(self.form.section_of(question_id).id)  # edited: seen
        self.refresh()
        self._schedule_save(question_id)

    # ----- live state

    def refresh(self) -> LiveResult:
        answers = self.answers()
        view = shown(self.form, answers, self.context)
        visible = {q.id for q in view.questions}
        for qid, widget in self.view.question_widgets().items():
            widget.setVisible(qid in visible)
        problems = {qid: p for qid in visible if (p := self.editors[qid].problem())}
        result = live_check(self.form, answers, self.context, self.catalog, problems)
        waiting = self.carried.waiting(s.id for s in view.sections)
        result = replace(result, notes=result.notes + waiting) if waiting else result
        for sid, page in self.view.pages.items():
            page.banner.show_note(self.carried.notes.get(sid), sid in self.carried.confirmed)
        self.result = result
        self.view.panel.show_result(result)
        optional = optional_questions(self.form, answers, self.context, self.catalog, result)
        for qid, widget in self.view.question_widgets().items():
            widget.set_optional(qid in optional)
        self._show_sections([s.id for s in view.sections], result)
        self._update_sign_state()
        self.evaluated.emit(result)
        return result

    def _show_sections(self, section_ids: list[str], result: LiveResult) -> None:
        marks: dict[str, str] = {}
        for note in result.notes:
            if note.section_id:
                marks.setdefault(note.section_id, "todo")
        findings = result.evaluation.findings if result.evaluation is not None else ()
        for finding in reversed(findings):  # blocks come first, so they win
            found = locate_field(self.form, finding.field)
            if found is not None and finding.severity in ("block", "warn"):
                marks[found.section.id] = finding.severity
        states = [SectionState(self.form.sections[self._index(sid)], marks.get(sid, "done"))
                  for sid in section_ids]  # fmt: skip
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
        self.view.prev_button.setEnabled(position > 0)
        self.view.next_button.setEnabled(position < len(section_ids) - 1)

    def _index(self, section_id: str) -> int:
        return next(i for i, s in enumerate(self.form.sections) if s.id == section_id)

    def _update_sign_state(self) -> None:
        if self.result is None or self.is_signed:
            return
        ok, reason = sign_readiness(self.result, self.view.panel.justifications())
        self.view.panel.set_sign_state(ok and self.sign is not None, reason)

    def _on_panel_justification_changed(self) -> None:
        self._update_sign_state()
        self._schedule_save("_justification")

    # ----- navigation

    def visible_section_ids(self) -> list[str]:
        return self.view.section_list.section_ids()

    def go_to_section(self, section_id: str, *, focus: bool = True, save: bool = True) -> None:
        changed = section_id != self.view.current_section_id()
        if changed:
            self.view.show_section(section_id)
            self.refresh_marks_only(section_id)
        if focus:
            self.focus_first_question(section_id)
        if changed and save:
            self.save_now()  # a section change is saved at once

    def refresh_marks_only(self, section_id: str) -> None:
        ids = self.visible_section_ids()
        if section_id in ids:
            self.view.section_list.blockSignals(True)
            self.view.section_list.setCurrentRow(ids.index(section_id))
            self.view.section_list.blockSignals(False)
            combo = self.view.section_combo
            combo.blockSignals(True)
            combo.setCurrentIndex(ids.index(section_id))
            combo.blockSignals(False)
            self.view.prev_button.setEnabled(ids.index(section_id) > 0)
            self.view.next_button.setEnabled(ids.index(section_id) < len(ids) - 1)

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

    def confirm_section(self, section_id: str) -> None:
        """The prescriber confirms a carried section unchanged; on to the next section."""
        if self.carried.confirm(section_id):
            self.refresh()
            self._schedule_save("_confirmed")
        if section_id == self.view.current_section_id():
            self.next_section()

    def next_section(self) -> None:
        ids = self.visible_section_ids()
        current = self.view.current_section_id()
        if self.carried.confirm(current):  # Ctrl+Enter on a carried section confirms it
            self.refresh()
            self._schedule_save("_confirmed")
        if current in ids and ids.index(current) < len(ids) - 1:
            self.go_to_section(ids[ids.index(current) + 1])
        else:
            self.view.panel.focus_panel()  # after the last section: the findings and Sign

    def previous_section(self) -> None:
        ids = self.visible_section_ids()
        current = self.view.current_section_id()
        if current in ids and ids.index(current) > 0:
            self.go_to_section(ids[ids.index(current) - 1])

    def section_by_number(self, number: int) -> None:
        ids = self.visible_section_ids()
        if 1 <= number <= len(ids):
            self.go_to_section(ids[number - 1])

    def _on_section_list_section_chosen(self, section_id: str) -> None:
        self.go_to_section(section_id, focus=False)

    def _on_section_list_section_entered(self, section_id: str) -> None:
        self.go_to_section(section_id)

    def _on_section_combo_activated(self, index: int) -> None:
        section_id = self.view.section_combo.itemData(index)
        if section_id:
            self.go_to_section(str(section_id))

    def go_to_question(self, question_id: str, index: int | None = None,
                       sub_id: str | None = None, *, save: bool = True) -> bool:  # fmt: skip
        """Show the question's section and focus the question (a record, a sub-field)."""
        widget = self.view.question_widget(question_id)
        section_id = self.form.section_of(question_id).id
        if section_id not in self.visible_section_ids() or widget.isHidden():
            return False
        self.go_to_section(section_id, focus=False, save=save)
        self.editors[question_id].focus_at(index, sub_id)
        self.view.reveal(question_id)
        QTimer.singleShot(0, lambda: self._reveal_focus(question_id))
        return True

    def _reveal_focus(self, question_id: str) -> None:
        page = self.view.pages[self.form.section_of(question_id).id]
        focused = QApplication.focusWidget()
        if focused is not None and page.isAncestorOf(focused):
            page.ensureWidgetVisible(focused, 0, 24)

    def _on_panel_finding_activated(self, finding: Finding) -> None:
        found = locate_field(self.form, finding.field)
        sub_id = found.sub.id if found is not None and found.sub is not None else None
        if found is None or not self.go_to_question(found.question.id, found.index, sub_id):
            self.view.draft_label.setText("This finding comes from the patient's record")

    def _on_panel_note_activated(self, note: Note) -> None:
        if note.question_id:
            self.go_to_question(note.question_id, note.index, note.sub_id)

    def _go_to_position(self, position: str) -> None:
        section_id, _, question_id = position.partition("#")
        ids = self.visible_section_ids()
        if section_id not in ids:
            section_id = ids[0] if ids else self.form.sections[0].id
        self.go_to_section(section_id, focus=False, save=False)
        if question_id in self.editors and not self.view.question_widget(question_id).isHidden():
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

    # ----- autosave

    def _schedule_save(self, key: str) -> None:
        if self.drafts is None or self.is_signed:
            return
        if self._pending is not None and self._pending != key:
            self.save_now()  # another field: the previous edit is written first
        self._pending = key
        self._timer.start()

    def save_now(self) -> bool:
        """Write the draft now (answers and position); False if it could not be saved."""
        self._timer.stop()
        self._pending = None
        if self.drafts is None or self.is_signed:
            return False
        try:
            self.drafts.save(self.draft_answers(), self.position())
        except IsofaceError as exc:
            self.view.draft_label.setText("Draft NOT saved")
            if not self._save_failed:
                self.messages.report(exc)
            self._save_failed = True
            return False
        self._save_failed = False
        self.view.draft_label.setText(f"Draft saved {datetime.now():%H:%M:%S}")
        self.draft_saved.emit()
        return True

    def has_pending_save(self) -> bool:
        return self._timer.isActive()

    # ----- signing

    def _on_panel_sign_requested(self) -> None:
        if self.result is None or self.sign is None:
            return
        ok, reason = sign_readiness(self.result, self.view.panel.justifications())
        if not ok or self.result.evaluation is None:
            self.view.panel.set_sign_state(False, reason)
            return
        self.save_now()
        drawn = tuple(self.drawn_signatures())
        summary = summary_text(self.result.evaluation, self.form, self.context, drawn)
        needed = tuple(s for s in drawn if not self.signer_names.get(s))
        dialog = SignDialog(summary, self.prescriber, self.view, names_needed=needed)
        dialog.submitted.connect(self._on_sign_dialog_submitted)
        dialog.finished.connect(dialog.deleteLater)
        self.sign_dialog = dialog
        dialog.open()

    def sign_request(self, password: str, names: Mapping[str, str] | None = None) -> SignRequest:
        assert self.result is not None and self.result.evaluation is not None
        signatures = self.drawn_signatures()
        return SignRequest(
            form=self.form, context=self.context, answers=self.visible_answers(),
            visit=self.result.visit, evaluation=self.result.evaluation,
            justifications=current_justifications(
                self.result.evaluation, self.view.panel.justifications()),
            signatures=signatures, password=password,
            signer_names={**self.signer_names, **(names or {})},
        )  # fmt: skip

    def drawn_signatures(self) -> dict[str, bytes]:
        """Signer -> PNG of the signatures drawn in the signature questions the form shows
        (`form_signers`, the rule services.records checks: the initiation asks for the
        patient's, and a guardian's under 18; a follow-up or end-of-course for none)."""
        asked = form_signers(self.form, self.answers(), self.context).asked
        view = shown(self.form, self.answers(), self.context)
        drawn: dict[str, bytes] = {}
        for q in view.questions:
            editor = self.editors[q.id]
            if q.signer in asked and isinstance(editor, SignatureEditor):
                png = editor.png()
                if png is not None:
                    drawn[q.signer] = png
        return drawn

    def _on_sign_dialog_submitted(self, password: str) -> None:
        dialog = self.sign_dialog
        assert self.sign is not None and dialog is not None
        try:
            outcome = self.sign(self.sign_request(password, dialog.entered_names()))
        except AuthenticationError as exc:
            dialog.show_error(str(exc) or "The password is not correct.")
            return
        except IsofaceError as exc:
            dialog.reject()
            self.messages.report(exc)
            return
        dialog.accept()
        self._after_signing(outcome)

    def _after_signing(self, outcome: object) -> None:
        self.is_signed = True
        self._timer.stop()
        if self.drafts is not None:
            with self.messages.guard():
                self.drafts.discard()
        for page in self.view.pages.values():
            body = page.widget()
            if body is not None:
                body.setEnabled(False)
        self.view.panel.set_sign_state(False, "Signed. The record can no longer be changed.")
        self.view.draft_label.setText("Signed")
        log.info("visit signed (form %s)", self.form.id)
        self.signed.emit(outcome)

    def focus_widget_in_view(self) -> QWidget | None:
        focused = QApplication.focusWidget()
        return focused if focused is not None and self.view.isAncestorOf(focused) else None
