"""Behaviour of the visit checklist: the answers, the live check and signing.

On every answer change: questions hide and show as `shown()` says, the live check runs
(well under a millisecond per evaluation), the findings panel, section marks and the Sign
button follow, and the draft's autosave is told. Moving about the checklist is the
`SectionNavigator`'s (ui.visit.section_navigator); when the draft is written, the
`DraftAutosave`'s (ui.visit.autosave).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import (
    Form,
    VisitContext,
    form_signers,
    locate_field,
    shown,
)
from isoface_desk.domain.visit_prefill import SectionNote
from isoface_desk.errors import AuthenticationError, IsofaceError
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.autosave import DraftAutosave
from isoface_desk.ui.visit.carried import CONFIRMED_KEY, Confirmations
from isoface_desk.ui.visit.checklist_view import ChecklistView
from isoface_desk.ui.visit.editors import AnswerEditor, SignatureEditor
from isoface_desk.ui.visit.live_check import LiveResult, live_check
from isoface_desk.ui.visit.optional import optional_questions
from isoface_desk.ui.visit.records_editor import RecordsEditor
from isoface_desk.ui.visit.section_list import SectionState
from isoface_desk.ui.visit.section_navigator import SectionNavigator
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


def opening_answers(form: Form, context: VisitContext, given: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a checklist opens with: `given` (a draft's, else the initial ones),
    then what the context already knows, then the questions' defaults (never a yes/no's)."""
    answers = dict(given)
    for q in form.questions():
        context_value = getattr(context, CONTEXT_FIELDS.get(q.field or "", ""), None)
        if q.id not in answers and context_value is not None:
            answers[q.id] = context_value
        elif q.id not in answers and q.default is not None and q.type != "bool":
            answers[q.id] = q.default
    return answers


def section_states(form: Form, section_ids: list[str], result: LiveResult) -> list[SectionState]:
    """Each visible section with its mark: a blocking or warning finding in it wins, then
    something still to answer ("todo"), else "done"."""
    marks: dict[str, str] = {}
    for note in result.notes:
        if note.section_id:
            marks.setdefault(note.section_id, "todo")
    findings = result.evaluation.findings if result.evaluation is not None else ()
    for finding in reversed(findings):  # blocks come first, so they win
        found = locate_field(form, finding.field)
        if found is not None and finding.severity in ("block", "warn"):
            marks[found.section.id] = finding.severity
    sections = {s.id: s for s in form.sections}
    return [SectionState(sections[sid], marks.get(sid, "done")) for sid in section_ids]


class ChecklistController(QObject):
    """The visit checklist's state: its answers, what the live check found, signing.

    It composes a `SectionNavigator` (`navigator`: which section is shown, the focus, the
    position a draft reopens at) and a `DraftAutosave` (`autosave`: when the draft is
    written); the navigation and save methods below are theirs, kept here for the screen
    and the keyboard shortcuts.
    """

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
        self.navigator = SectionNavigator(view, form, self.carried, self)
        self.autosave = DraftAutosave(
            drafts, lambda: (self.draft_answers(), self.navigator.position()),
            view.draft_label, self.messages, autosave_ms, self,
        )  # fmt: skip
        self._connect()
        self._loading = True
        position = self._load(initial_answers or {})
        self._loading = False
        self.refresh()
        view.fix_tab_order()
        self.navigator.go_to_position(position)

    # ----- wiring

    def _connect(self) -> None:
        v = self.view
        for qid, editor in self.editors.items():
            editor.changed.connect(lambda q=qid: self._on_answer_changed(q))
            if isinstance(editor, RecordsEditor):
                editor.structure_changed.connect(v.fix_tab_order)
        v.next_button.clicked.connect(self.next_section)
        v.panel.justification_changed.connect(self._on_panel_justification_changed)
        v.panel.sign_requested.connect(self._on_panel_sign_requested)
        for sid, page in v.pages.items():
            page.banner.confirm_requested.connect(lambda s=sid: self.confirm_section(s))
        self.navigator.section_changed.connect(self.save_now)  # a section change: at once
        self.autosave.saved.connect(self.draft_saved)

    def _load(self, initial: Mapping[str, Any]) -> str:
        """Show the draft's answers (else the initial ones, context values and defaults);
        the position to reopen at."""
        saved = self.drafts.answers if self.drafts is not None else {}
        answers = opening_answers(self.form, self.context, saved or initial)
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
        self.autosave.schedule(question_id)

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
        self.navigator.show_sections(
            section_states(self.form, [s.id for s in view.sections], result)
        )
        self._update_sign_state()
        self.evaluated.emit(result)
        return result

    def _update_sign_state(self) -> None:
        if self.result is None or self.is_signed:
            return
        ok, reason = sign_readiness(self.result, self.view.panel.justifications())
        self.view.panel.set_sign_state(ok and self.sign is not None, reason)

    def _on_panel_justification_changed(self) -> None:
        self._update_sign_state()
        self.autosave.schedule("_justification")

    # ----- carried sections

    def confirm_section(self, section_id: str) -> None:
        """The prescriber confirms a carried section unchanged; on to the next section."""
        self._confirm(section_id)
        if section_id == self.view.current_section_id():
            self.next_section()

    def next_section(self) -> None:
        """Ctrl+Enter or Next: a carried section shown is confirmed, then the next one."""
        self._confirm(self.view.current_section_id())
        self.navigator.next_section()

    def _confirm(self, section_id: str) -> None:
        if self.carried.confirm(section_id):
            self.refresh()
            self.autosave.schedule("_confirmed")

    # ----- the navigator's and the autosave's, for the screen

    def previous_section(self) -> None:
        self.navigator.previous_section()

    def section_by_number(self, number: int) -> None:
        self.navigator.section_by_number(number)

    def visible_section_ids(self) -> list[str]:
        return self.navigator.visible_section_ids()

    def go_to_section(self, section_id: str, *, focus: bool = True, save: bool = True) -> None:
        self.navigator.go_to_section(section_id, focus=focus, save=save)

    def go_to_question(self, question_id: str, index: int | None = None,
                       sub_id: str | None = None, *, save: bool = True) -> bool:  # fmt: skip
        return self.navigator.go_to_question(question_id, index, sub_id, save=save)

    def focus_first_question(self, section_id: str) -> None:
        self.navigator.focus_first_question(section_id)

    def take_focus(self) -> None:
        self.navigator.take_focus()

    def save_now(self) -> bool:
        """Write the draft now (answers and position); False if it could not be saved."""
        return self.autosave.save_now()

    def has_pending_save(self) -> bool:
        return self.autosave.has_pending()

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
        self.autosave.stop()
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
