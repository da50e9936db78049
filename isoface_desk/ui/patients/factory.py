"""Builds the Patients and Visit pages of a session from the services (used by
ui/main_controller's AREA_FACTORIES) and connects them: "New visit" on a patient page
opens the Visit area; a signed visit refreshes the patient page and opens the stored,
digitally signed PDF of its record in the in-app preview (Print, Save as PDF)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QWidget

from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.visit_area import VisitArea
from isoface_desk.ui.pdf import open_record_preview
from isoface_desk.ui.tasks import TaskRunner


class Shell(Protocol):
    def go_to(self, key: str) -> QWidget | None: ...
    def page(self, key: str) -> QWidget | None: ...


def patients_page(
    actor: Actor, services: Services, messages: MessageChannel, shell: Shell,
    runner: TaskRunner | None = None,
) -> PatientsArea:  # fmt: skip
    def start_visit(patient_id: int, kind: str) -> None:
        page = shell.go_to("visit")
        if isinstance(page, VisitArea):
            page.start(patient_id, kind)

    def open_record(record_id: int) -> object:
        return open_record_preview(area, services, actor, record_id, channel=messages,
                                   correct=correct_in_visit_area(shell))  # fmt: skip

    area = PatientsArea(actor, services.patients, services.timeline, messages,
                        start_visit=start_visit, open_record=open_record, runner=runner,
                        courses=services.courses, today=services.patients.today)  # fmt: skip
    return area


def correct_in_visit_area(shell: Shell) -> Callable[[int, str], None]:
    """What "Correct this record…" does: open the correction in the Visit area."""

    def correct(record_id: int, reason: str) -> None:
        page = shell.go_to("visit")
        if isinstance(page, VisitArea):
            page.open_correction(record_id, reason)

    return correct


def visit_page(
    actor: Actor, services: Services, messages: MessageChannel, shell: Shell
) -> VisitArea:
    def patient_name(patient_id: int) -> str:
        patients = shell.page("patients")
        if isinstance(patients, PatientsArea):
            row = patients.model.row_of(patient_id)
            found = patients.model.patient_at(row) if row is not None else None
            if found is not None:
                return found.full_name
        return ""

    def after_signing(patient_id: int, record_id: int) -> None:
        patients = shell.page("patients")
        if isinstance(patients, PatientsArea) and patients.current_patient_id == patient_id:
            patients.reload_patient()
        area.preview = open_record_preview(area, services, actor, record_id, channel=messages,
                                           correct=correct_in_visit_area(shell))  # fmt: skip

    area = VisitArea(actor, services.visit_starts, services.drafts, services.records, messages,
                     patient_name=patient_name)  # fmt: skip

    def after_closing() -> None:
        patients = shell.page("patients")
        if isinstance(patients, PatientsArea):
            patients.reload_patient()  # the visit buttons follow the drafts

    area.visit_signed.connect(after_signing)
    area.closed.connect(after_closing)
    return area
