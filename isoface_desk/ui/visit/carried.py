"""Sections that open filled: the banner that says from where, and the confirmations.

A section whose answers were carried from the last signed visit shows "As on <date> …"
with an "Unchanged" button, and stays to be confirmed until the prescriber presses it (or
Ctrl+Enter, which confirms and moves on) or edits one of its answers: nothing carried is
signed unseen. A section filled from stored results shows their sources, nothing to
confirm. Confirmations are kept with the draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from isoface_desk.domain.checklist import Form
from isoface_desk.domain.visit_prefill import SectionNote
from isoface_desk.ui.visit.live_check import Note
from isoface_desk.ui.visit.style import NOTE, WARN, colored

CONFIRMED_KEY = "_confirmed"  # kept with the answers of a draft


class CarriedBanner(QFrame):
    """Where a section's answers came from; `confirm_requested` from its button."""

    confirm_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("carried-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Where these answers come from")
        self.button = QPushButton("&Unchanged ✓")
        self.button.setAccessibleName("Confirm these carried answers unchanged")
        self.button.setToolTip("Confirm unchanged and go on (Ctrl+Enter)")
        self.button.clicked.connect(self.confirm_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_note(self, note: SectionNote | None, confirmed: bool) -> None:
        if note is None:
            self.hide()
            return
        text = note.text
        if note.confirm and confirmed:
            text = text.split(": confirm", 1)[0] + ": confirmed."
        self.label.setText(text)
        colored(self.label, WARN if note.confirm and not confirmed else NOTE)
        self.button.setVisible(note.confirm and not confirmed)
        self.show()


class Confirmations:
    """Which carried sections still wait for the prescriber's confirmation."""

    def __init__(self, form: Form, notes: Mapping[str, SectionNote]) -> None:
        self.form = form
        self.notes = dict(notes)
        self.confirmed: set[str] = set()

    def needs(self, section_id: str) -> bool:
        note = self.notes.get(section_id)
        return note is not None and note.confirm and section_id not in self.confirmed

    def confirm(self, section_id: str) -> bool:
        """Confirm a section; True if it was waiting."""
        if not self.needs(section_id):
            return False
        self.confirmed.add(section_id)
        return True

    def restore(self, saved: object) -> None:
        if isinstance(saved, Iterable) and not isinstance(saved, str | bytes):
            self.confirmed = {str(s) for s in saved if str(s) in self.notes}

    def saved(self) -> list[str]:
        return sorted(self.confirmed)

    def waiting(self, visible_sections: Iterable[str]) -> tuple[Note, ...]:
        """A note for each visible carried section still to confirm (signing waits)."""
        titles = {s.id: s.title for s in self.form.sections}
        return tuple(Note(f"{titles[sid]}: confirm the carried answers (or edit them)",
                          section_id=sid)
                     for sid in visible_sections if self.needs(sid))  # fmt: skip
