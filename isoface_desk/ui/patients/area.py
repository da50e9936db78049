"""The Patients area (controller): the list, the patient page, the add/edit dialog.

The list and the page sit in one stack, so going back to the list keeps the search and
the selected row. Every service call goes through the message channel's guard: an
expected failure (database locked, not allowed) becomes a plain message, anything else
reaches the crash dialog.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QStackedWidget, QWidget

from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.care.courses import CourseService
from isoface_desk.services.care.patients import PatientData, PatientQuery, PatientService
from isoface_desk.services.care.timeline import Patient, PatientTimeline, TimelineService
from isoface_desk.services.context import Actor
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.patients.editor import PatientDialog
from isoface_desk.ui.patients.list_page import PatientListPage
from isoface_desk.ui.patients.model import PatientListModel
from isoface_desk.ui.patients.patient_page import PatientPage
from isoface_desk.ui.tasks import TaskRunner

log = logging.getLogger("isoface.ui.patients")

StartVisit = Callable[[int, str], None]  # patient id, visit kind
AskReason = Callable[[QWidget], "str | None"]  # the reason typed, or None: cancelled


def ask_stop_reason(parent: QWidget) -> str | None:
    """Why the course stops early (the reason is recorded with the course and audited)."""
    text, ok = QInputDialog.getMultiLineText(
        parent, "Stop the course", "Why does the course stop before its planned end?\n"
        "(For example: a raised liver test, the patient's wish, pregnancy.)")  # fmt: skip
    return text.strip() if ok and text.strip() else None


OpenRecord = Callable[[int], object]  # record id: show its signed PDF


def visit_kinds(timeline: PatientTimeline) -> list[str]:
    """The visits a dermatologist can start now (and those with a draft to continue)."""
    course = timeline.current_course
    if course is None or course.status in ("planned", "completed", "stopped"):
        kinds = ["initiation"]
    else:
        kinds = ["follow-up", "end-of-course"]
    for draft in timeline.drafts:
        if draft.visit_kind not in kinds:
            kinds.append(draft.visit_kind)
    return kinds


class PatientsArea(QStackedWidget):
    def __init__(
        self,
        actor: Actor,
        patients: PatientService,
        timeline: TimelineService,
        messages: MessageChannel,
        *,
        start_visit: StartVisit | None = None,
        open_record: OpenRecord | None = None,
        courses: CourseService | None = None,
        ask_stop_reason: AskReason = ask_stop_reason,
        runner: TaskRunner | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Patients")
        self.actor = actor
        self.patients = patients
        self.timeline_service = timeline
        self.messages = messages
        self.start_visit = start_visit
        self.open_record = open_record
        self.courses, self._ask_stop_reason = courses, ask_stop_reason
        self.dialog: PatientDialog | None = None
        self.model = PatientListModel(self._fetch_page, self._count, runner=runner, today=today,
                                      parent=self)  # fmt: skip
        self.list_page = PatientListPage(self.model, can_add=actor.may(Permission.PATIENT_WRITE))
        self.patient_page = PatientPage()
        self.addWidget(self.list_page)
        self.addWidget(self.patient_page)
        self.current_patient_id: int | None = None
        self._today = today
        self.list_page.open_requested.connect(self.open_patient)
        self.list_page.add_requested.connect(self._on_list_page_add_requested)
        self.model.search_failed.connect(self.messages.report)
        self.patient_page.back_requested.connect(self.show_list)
        self.patient_page.edit_requested.connect(self._on_patient_page_edit_requested)
        self.patient_page.new_visit_requested.connect(self._on_visit_requested)
        self.patient_page.continue_requested.connect(self._on_visit_requested)
        self.patient_page.record_requested.connect(self._on_patient_page_record_requested)
        self.patient_page.stop_course_requested.connect(self._on_patient_page_stop_course)
        self.model.set_query("")

    # ----- service calls (the model may call these on a worker thread)

    def _fetch_page(self, query: PatientQuery, limit: int, offset: int) -> list[Patient]:
        return self.patients.search(self.actor, query, limit=limit, offset=offset)

    def _count(self, query: PatientQuery) -> int:
        return self.patients.count(self.actor, query)

    # ----- navigation

    def show_list(self) -> None:
        self.setCurrentWidget(self.list_page)
        if self.current_patient_id is not None:
            self.list_page.select_patient(self.current_patient_id)
        self.list_page.table.setFocus()

    def open_patient(self, patient_id: int) -> bool:
        """Show the patient page (an audited view); False if it could not be read."""
        timeline = None
        with self.messages.guard():
            timeline = self.timeline_service.for_patient(self.actor, patient_id)
        if timeline is None:
            return False
        self.current_patient_id = patient_id
        self._show(timeline)
        self.setCurrentWidget(self.patient_page)
        self.patient_page.back_button.setFocus()
        log.info("patient %d opened", patient_id)
        return True

    def reload_patient(self) -> None:
        """Read the open patient again (after a visit was signed or a draft saved)."""
        if self.current_patient_id is None:
            return
        with self.messages.guard():
            self._show(self.timeline_service.for_patient(self.actor, self.current_patient_id))

    def _show(self, timeline: PatientTimeline) -> None:
        may_visit = self.actor.may(Permission.DRAFT_WRITE) and self.start_visit is not None
        self.patient_page.show_timeline(
            timeline,
            can_edit=self.actor.may(Permission.PATIENT_WRITE),
            visit_kinds=visit_kinds(timeline) if may_visit else [],
            shows_records=self.actor.may(Permission.RECORD_READ),
        )

    def save_work(self) -> bool:
        """Nothing unsaved lives here (the dialogs save at once)."""
        return True

    # ----- slots

    def _on_list_page_add_requested(self) -> None:
        self._open_dialog(None)

    def _on_patient_page_edit_requested(self) -> None:
        timeline = self.patient_page.timeline
        if timeline is not None:
            self._open_dialog(timeline.patient)

    def _open_dialog(self, patient: Patient | None) -> None:
        def save(data: PatientData) -> Patient:
            if patient is None:
                return self.patients.create(self.actor, data)
            return self.patients.edit(self.actor, patient.id, data, read_at=patient.updated_at)

        dialog = PatientDialog(save, self.messages, patient, today=self._today, parent=self)
        dialog.saved.connect(self._on_dialog_saved)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_saved(self, patient: Patient) -> None:
        self.model.refresh()
        self.open_patient(patient.id)

    def _on_patient_page_record_requested(self, record_id: int) -> None:
        if self.open_record is not None:
            self.open_record(record_id)

    def _on_patient_page_stop_course(self, course_id: int) -> None:
        if self.courses is None:
            return
        reason = self._ask_stop_reason(self)
        if reason is None:
            return
        with self.messages.guard():
            self.courses.end(self.actor, course_id, self._today(), status="stopped",
                             reason=reason)  # fmt: skip
            self.messages.notice("Course stopped", f"Course {course_id} was stopped early.")
        self.reload_patient()

    def _on_visit_requested(self, kind: str) -> None:
        if self.start_visit is not None and self.current_patient_id is not None:
            self.start_visit(self.current_patient_id, kind)
