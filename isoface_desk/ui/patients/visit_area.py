"""The Visit area: hosts the visit checklist (ui/visit) for the patient the dermatologist
opened. The checklist comes wired to the services by ui/visit/wiring (autosave into the
actor's draft, signing into a record).

With no visit open it lists the person's unsigned visits (after a crash or a lock, the
draft reopens where it was). Opening another visit first saves the one on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.services.context import Actor
from isoface_desk.services.visits.corrections import Correction, correction_of
from isoface_desk.services.visits.drafts import DraftService
from isoface_desk.services.visits.records import RecordService, SignedVisit
from isoface_desk.services.visits.visit_start import VisitStart, VisitStartService
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.patients.patient_page import KIND_WORDS
from isoface_desk.ui.visit import VisitChecklist
from isoface_desk.ui.visit.wiring import open_correction_checklist, open_visit_checklist

log = logging.getLogger("isoface.ui.visit_area")


class _NoVisitPage(QWidget):
    """What the Visit area shows with no visit open: the person's unsigned visits, to
    continue or to discard (Delete; asks first; DraftService audits it)."""

    draft_chosen = Signal(int, str)  # patient id, kind
    correction_chosen = Signal(int, str)  # the record it corrects, the reason

    def __init__(self, actor: Actor, drafts: DraftService, messages: MessageChannel) -> None:
        super().__init__()
        self._actor, self._drafts, self._messages = actor, drafts, messages
        self.setAccessibleName("No visit open")
        em = self.fontMetrics().height()
        heading = QLabel("No visit open")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        heading.setAccessibleName("No visit open")
        text = QLabel("Open a patient in Patients (Ctrl+1) and choose a new visit there, or "
                      "continue one of your unsigned visits below.")  # fmt: skip
        text.setWordWrap(True)
        text.setAccessibleName("How to start a visit")
        self.drafts = QListWidget()
        self.drafts.setAccessibleName("Your unsigned visits")
        self.continue_button = QPushButton("&Continue the selected visit")
        self.continue_button.setAccessibleName("Continue the selected visit")
        self.discard_button = QPushButton("&Discard the selected visit…")
        self.discard_button.setAccessibleName("Discard the selected visit")
        self.discard_button.setToolTip("Delete: throw this unsigned visit away (asks first)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(int(1.5 * em), em, int(1.5 * em), em)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addWidget(self.drafts, 1)
        row = QHBoxLayout()
        row.addWidget(self.continue_button)
        row.addWidget(self.discard_button)
        row.addStretch(1)
        layout.addLayout(row)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.drafts)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._on_discard_button_clicked)
        self.drafts.itemActivated.connect(self._on_drafts_item_activated)
        self.continue_button.clicked.connect(self._on_continue_button_clicked)
        self.discard_button.clicked.connect(self._on_discard_button_clicked)

    def set_drafts(self, entries: list[tuple[int, str, str, int]]) -> None:
        """(patient id, kind, text, draft id) of each unsigned visit."""
        self.drafts.clear()
        for patient_id, kind, text, draft_id in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (patient_id, kind, draft_id))
            self.drafts.addItem(item)
        if entries:
            self.drafts.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.continue_button.setEnabled(self.drafts.count() > 0)
        self.discard_button.setEnabled(self.drafts.count() > 0)

    def _on_drafts_item_activated(self, item: QListWidgetItem) -> None:
        patient_id, kind, draft_id = item.data(Qt.ItemDataRole.UserRole)
        correction = None
        with self._messages.guard():
            correction = correction_of(self._drafts.get(self._actor, int(draft_id)))
            if correction is not None:  # a correction reopens as one
                self.correction_chosen.emit(correction.record_id, correction.reason)
            else:
                self.draft_chosen.emit(int(patient_id), str(kind))

    def _on_continue_button_clicked(self) -> None:
        item = self.drafts.currentItem()
        if item is not None:
            self._on_drafts_item_activated(item)

    def _on_discard_button_clicked(self) -> None:
        item = self.drafts.currentItem()
        if item is None:
            return
        question = (f"{item.text()}\n\nIts answers are deleted and cannot be brought back. "
                    "The audit trail records that you discarded it.")  # fmt: skip
        if not self._messages.confirm("Discard this unsigned visit?", question, "Discard"):
            return
        draft_id = int(item.data(Qt.ItemDataRole.UserRole)[2])
        with self._messages.guard():
            self._drafts.discard(self._actor, draft_id)
            log.info("draft %d discarded", draft_id)
            self.drafts.takeItem(self.drafts.row(item))
            self._update_buttons()
            self.drafts.setFocus()


class VisitArea(QStackedWidget):
    """`visit_signed(patient_id, record_id)` after a visit was signed into record
    `record_id` (what RecordService.sign_visit returned); `closed` when one is closed.
    `preview` holds the signed record's preview once the shell opened it (ui/patients/
    factory opens it on `visit_signed`)."""

    visit_signed = Signal(int, int)
    closed = Signal()

    def __init__(
        self,
        actor: Actor,
        starts: VisitStartService,
        drafts: DraftService,
        records: RecordService,
        messages: MessageChannel,
        *,
        patient_name: Callable[[int], str] | None = None,
        autosave_ms: int = 500,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Visit")
        self.actor, self.starts, self.drafts, self.records = actor, starts, drafts, records
        self.messages = messages
        self.autosave_ms = autosave_ms
        self._patient_name = patient_name
        self.checklist: VisitChecklist | None = None
        self.correcting: int | None = None  # the record the open checklist corrects
        self.preview: QWidget | None = None
        self.start_info: VisitStart | None = None
        self.empty = _NoVisitPage(actor, drafts, messages)
        self.empty.draft_chosen.connect(self._on_empty_draft_chosen)
        self.empty.correction_chosen.connect(self.open_correction)
        self.addWidget(self.empty)
        self.refresh_drafts()

    # ----- what the shell and the patient page call

    def start(self, patient_id: int, kind: str) -> bool:
        """Open (or resume) a visit of `kind` for the patient; False if it cannot start."""
        if self._is_open(patient_id, kind):
            self.setCurrentWidget(self._host)
            return True
        self.save_work()
        start = None
        with self.messages.guard():
            start = self.starts.prepare(self.actor, patient_id, kind)
        if start is None or not self._second_draft_wanted(start):
            return False
        self._open(start)
        log.info("visit opened (patient %d, %s, draft %s)", patient_id, kind,
                 start.draft.id if start.draft else "new")  # fmt: skip
        return True

    def _second_draft_wanted(self, start: VisitStart) -> bool:
        """Someone else has an unsigned visit of this kind for the patient: ask before a
        second one is begun (one of them would have to be discarded)."""
        if start.draft is not None or not start.others_drafts:
            return True
        days = ", ".join(sorted({d.visit_date.isoformat() for d in start.others_drafts}))
        kind = KIND_WORDS.get(start.kind, start.kind).lower()
        return self.messages.confirm(
            f"Another unsigned {kind} visit",
            f"This patient already has an unsigned {kind} visit begun by another prescriber "
            f"({days}). Begin a second one anyway? Only one can be signed; the other will "
            "have to be discarded.", "Begin another")  # fmt: skip

    def open_correction(self, record_id: int, reason: str) -> bool:
        """Open (or resume) the correction of signed record `record_id` for `reason`."""
        if self.correcting == record_id and not self._is_signed():
            self.setCurrentWidget(self._host)
            return True
        self.save_work()
        start = None
        with self.messages.guard():
            start = self.starts.prepare_correction(self.actor, record_id)
        if start is None:
            return False
        self._discard_checklist()
        self.start_info = start
        self.correcting = record_id
        self.checklist = open_correction_checklist(
            start, self.actor, self.drafts, self.records, Correction(record_id, reason),
            catalog=self.starts.catalog, messages=self.messages, autosave_ms=self.autosave_ms,
        )  # fmt: skip
        window = self.window()  # from the preview window back to the main one
        window.raise_()
        window.activateWindow()
        self._show_checklist()
        log.info("correction of record %d opened", record_id)
        return True

    def save_work(self) -> bool:
        """Save the open visit's draft now (locking, signing out, quitting, crashing)."""
        if self.checklist is None or self._is_signed():
            return True
        return bool(self.checklist.flush())

    def close_visit(self) -> None:
        self.save_work()
        self._discard_checklist()
        self.refresh_drafts()
        self.setCurrentWidget(self.empty)
        self.closed.emit()

    def refresh_drafts(self) -> None:
        entries: list[tuple[int, str, str, int]] = []
        with self.messages.guard():
            for draft in self.drafts.mine(self.actor):
                name = self._patient_name(draft.patient_id) if self._patient_name else ""
                who = name or f"patient {draft.patient_id}"
                kind = KIND_WORDS.get(draft.visit_kind, draft.visit_kind)
                text = f"{draft.visit_date.isoformat()} · {kind} visit · {who}"
                correction = correction_of(draft)
                if correction is not None:
                    text += f" · correction of record {correction.record_id}"
                entries.append((draft.patient_id, draft.visit_kind, text, draft.id))
        self.empty.set_drafts(entries)

    # ----- building the checklist

    def _open(self, start: VisitStart) -> None:
        self._discard_checklist()
        self.start_info = start
        self.checklist = open_visit_checklist(
            start, self.actor, self.drafts, self.records, catalog=self.starts.catalog,
            messages=self.messages, autosave_ms=self.autosave_ms,
        )  # fmt: skip
        self._show_checklist()

    def _show_checklist(self) -> None:
        assert self.checklist is not None
        self.checklist.signed.connect(self._on_checklist_signed)
        self._host = self._wrap(self.checklist)
        self.addWidget(self._host)
        self.setCurrentWidget(self._host)
        self.checklist.controller.take_focus()  # the keyboard starts in the visit

    def _wrap(self, checklist: VisitChecklist) -> QWidget:
        host = QWidget()
        host.setAccessibleName("Open visit")
        self.close_button = QPushButton("Close visit")
        self.close_button.setAccessibleName("Close visit (the draft is kept)")
        self.close_button.setToolTip("Ctrl+W: close; an unsigned visit stays as a draft")
        self.close_button.clicked.connect(self.close_visit)
        shortcut = QShortcut(QKeySequence("Ctrl+W"), host)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.close_visit)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 0)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(checklist, 1)
        return host

    def _discard_checklist(self) -> None:
        if self.checklist is None:
            return
        host = self._host
        self.removeWidget(host)
        host.deleteLater()
        self.checklist = None
        self.start_info = None
        self.correcting = None

    def _is_open(self, patient_id: int, kind: str) -> bool:
        current = self.start_info
        return (current is not None and self.checklist is not None and not self._is_signed()
                and self.correcting is None
                and current.patient.id == patient_id and current.kind == kind)  # fmt: skip

    def _is_signed(self) -> bool:
        return self.checklist is not None and bool(self.checklist.controller.is_signed)

    # ----- slots

    def _on_checklist_signed(self, outcome: object) -> None:
        self.close_button.setText("Close signed visit")
        record_id = outcome.record_id if isinstance(outcome, SignedVisit) else None
        if self.start_info is not None and record_id is not None:
            log.info("visit signed into record %d", record_id)
            self.visit_signed.emit(self.start_info.patient.id, record_id)

    def _on_empty_draft_chosen(self, patient_id: int, kind: str) -> None:
        self.start(patient_id, kind)
