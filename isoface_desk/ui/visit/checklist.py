"""`VisitChecklist`: the visit checklist a screen embeds (view + controller + shortcuts).

    checklist = VisitChecklist(
        form, context, catalog,
        drafts=services.drafts.open_visit_draft(engine, actor, key, form),
        sign=lambda request: records.sign_visit(...),  # raises AuthenticationError etc.
        messages=channel, heading="Patient 1042 · follow-up 2026-10-12",
    )
    checklist.signed.connect(...)
    window.set_area_page("visit", checklist)

Keyboard (see SHORTCUTS): the whole visit works without a mouse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import Form, VisitContext
from isoface_desk.domain.visit_prefill import SectionNote
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.checklist_controller import ChecklistController
from isoface_desk.ui.visit.checklist_view import ChecklistView
from isoface_desk.ui.visit.factory import EditorEnv
from isoface_desk.ui.visit.signing import DraftStore, SignCallback

#: (keys, what they do), for the help text and the report.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Tab / Shift+Tab", "next / previous control (section list, questions, findings, Sign)"),
    ("Ctrl+Enter, Ctrl+PgDown", "next section (after the last one: the findings panel)"),
    ("Ctrl+Shift+Enter, Ctrl+PgUp", "previous section"),
    ("Alt+1 … Alt+9, Alt+0", "section 1 to 10"),
    ("Ctrl+L", "the section list (arrows, Enter goes into the section)"),
    ("Ctrl+F", "the findings panel (Enter on a finding: go to its question)"),
    ("Esc (in the findings panel)", "back to the question you were on"),
    ("Ctrl+S", "save the draft now (it also saves by itself)"),
    ("Alt+S", "Sign… (when signing is allowed)"),
    ("Y / N", "answer a yes/no question"),
    ("0–3", "answer a PHQ-9 item and move to the next"),
    ("T / Delete / digits", "date: the visit day / not given / type yyyy mm dd"),
)


class VisitChecklist(QWidget):
    """The checklist of one visit. `signed(outcome)` after a successful sign callback."""

    signed = Signal(object)

    def __init__(
        self, form: Form, context: VisitContext, catalog: Catalog, *,
        drafts: DraftStore | None = None, sign: SignCallback | None = None,
        messages: MessageChannel | None = None, initial_answers: Mapping[str, Any] | None = None,
        heading: str = "", prescriber: str = "", autosave_ms: int = 500,
        signer_names: Mapping[str, str] | None = None,
        notes: Mapping[str, SectionNote] | None = None,
        env: EditorEnv | None = None, parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setAccessibleName(form.title)
        env = env or EditorEnv.build(catalog, context, form)
        self.view = ChecklistView(form, env, heading)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.controller = ChecklistController(
            self.view, form, context, catalog, drafts=drafts, sign=sign, messages=messages,
            initial_answers=initial_answers, autosave_ms=autosave_ms, prescriber=prescriber,
            signer_names=signer_names, notes=notes,
        )  # fmt: skip
        self.controller.signed.connect(self.signed)
        self._last_question_focus: QWidget | None = None
        QApplication.instance().focusChanged.connect(self._on_app_focus_changed)  # type: ignore[union-attr]
        self._shortcuts()

    def _shortcuts(self) -> None:
        c = self.controller
        ctrl, shift, alt = Qt.Modifier.CTRL, Qt.Modifier.SHIFT, Qt.Modifier.ALT
        K = Qt.Key
        bindings: list[tuple[list[QKeySequence], Callable[[], None], QWidget]] = [
            ([QKeySequence(ctrl | K.Key_Return), QKeySequence(ctrl | K.Key_Enter),
              QKeySequence(ctrl | K.Key_PageDown)], c.next_section, self),
            ([QKeySequence(ctrl | shift | K.Key_Return), QKeySequence(ctrl | shift | K.Key_Enter),
              QKeySequence(ctrl | K.Key_PageUp)], c.previous_section, self),
            ([QKeySequence(ctrl | K.Key_F)], self.view.panel.focus_panel, self),
            ([QKeySequence(ctrl | K.Key_L)], self.view.section_list.setFocus, self),
            ([QKeySequence(ctrl | K.Key_S)], self.flush_quietly, self),
            ([QKeySequence(alt | K.Key_S)], self.sign_if_allowed, self),
            ([QKeySequence(K.Key_Escape)], self.back_to_question, self.view.panel),
        ]  # fmt: skip
        for n in range(1, 11):
            key = K.Key_0 if n == 10 else K(K.Key_0.value + n)
            bindings.append(([QKeySequence(alt | key)], partial(c.section_by_number, n), self))
        self.shortcuts: list[QShortcut] = []
        for sequences, slot, owner in bindings:
            for sequence in sequences:
                shortcut = QShortcut(sequence, owner)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
                self.shortcuts.append(shortcut)

    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.view.stack.isAncestorOf(new):
            self._last_question_focus = new

    def back_to_question(self) -> None:
        target = self._last_question_focus
        if target is not None and target.isVisible():
            target.setFocus()
        else:
            self.controller.focus_first_question(self.view.current_section_id())

    # ----- what a screen calls

    def answers(self) -> dict[str, Any]:
        return self.controller.answers()

    def sign_if_allowed(self) -> None:
        button = self.view.panel.sign_button
        if button.isEnabled():
            button.click()

    def flush_quietly(self) -> None:
        self.controller.save_now()

    def flush(self) -> bool:
        """Save the draft now (leaving the screen, signing out, locking)."""
        return self.controller.save_now()

    def hideEvent(self, event: QHideEvent) -> None:
        if self.controller.has_pending_save():
            self.controller.save_now()
        super().hideEvent(event)
