"""Stopping a course early from the patient page: "Stop the course…" while a course runs,
the reason asked in a real dialog, the course stopped with it (audited), and the page then
offers a new initiation only. Cancelling the dialog changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.devtools.demo_visits import DemoPatientFacts, visit_dict
from isoface_desk.services.bundle import Services
from isoface_desk.services.care.patients import PatientData
from isoface_desk.services.context import Actor
from isoface_desk.services.visits.records import SignatureInput
from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import read_scope
from tests.e2e.steps import answer_modal, open_patient
from tests.ui.app_support import PASSWORD, actor, app_on, copy_of, demo_template  # noqa: F401

NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
FACTS = DemoPatientFacts(dt.date(1995, 2, 1), 66.0, can_get_pregnant=True)
REASON = "ALT above 3 x ULN at month 2"


def _on_course(services: Services, derm: Actor, clinic_number: str) -> tuple[int, int]:
    """A patient whose initiation is signed (so their course runs): (patient, course)."""
    data = PatientData("Marta", "Ríos", FACTS.birth_date, "female", clinic_number, True)
    patient = services.patients.create(derm, data)
    initiation = visit_dict("initiation", NOW.date() - dt.timedelta(days=40), FACTS)
    signed = services.records.sign_visit(
        derm, patient.id, None, "initiation", initiation, {},
        [SignatureInput("patient", "Marta Ríos", demo_signature_png(1))], PASSWORD)  # fmt: skip
    assert signed.course_id is not None
    return patient.id, signed.course_id


def _type_reason(text: str | None) -> None:
    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, QDialog)
        if text is None:
            dialog.reject()
            return
        QTest.keyClicks(dialog.findChild(QPlainTextEdit), text)
        dialog.accept()

    answer_modal(fill)


def test_a_course_is_stopped_early_with_its_reason(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url, now=lambda: NOW)
    services, derm = app.services(), actor(url, "derm")
    patient_id, course_id = _on_course(services, derm, "C-9001")

    app.sign_in_ok("derm")
    area = open_patient(app, "C-9001")
    page = area.patient_page
    assert page.stop_button is not None and page.stop_button.isVisible()
    _type_reason(None)  # cancelled: nothing happens
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    (course,) = services.courses.for_patient(derm, patient_id)
    assert course.status == "active"

    _type_reason(REASON)
    qtbot.mouseClick(area.patient_page.stop_button, Qt.MouseButton.LeftButton)
    (course,) = services.courses.for_patient(derm, patient_id)
    assert (course.status, course.end_date, course.details["end_reason"]) == (
        "stopped", NOW.date(), REASON)  # fmt: skip
    with read_scope(services.engine) as session:
        events = events_for_target(session, "course", course_id)
    assert events[-1].action == "course end" and events[-1].details["reason"] == REASON
    assert list(area.patient_page.new_visit_buttons) == ["initiation"]
    assert area.patient_page.stop_button is None
    assert app.channel.captured[-1].title == "Course stopped"


def test_a_nurse_sees_no_stop_button(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url, now=lambda: NOW)
    _on_course(app.services(), actor(url, "derm"), "C-9002")
    app.sign_in_ok("nurse")
    area = open_patient(app, "C-9002")
    assert area.patient_page.stop_button is None
