"""A follow-up (and an end-of-course visit) signed through the real checklist and services
on a SQLite file, a month into a course whose initiation the patient signed: these forms
ask for no drawn signature, so the prescriber signs alone by re-entering the password, and
the stored record holds the prescriber's signature only (issue 4, item 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo_visits import DAYS_SUPPLY, PRODUCT_NAME
from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import visit_dict_to_answers
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.visits.visit_start import VisitStartService
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.date_editor import DateEditor
from isoface_desk.ui.visit.wiring import open_visit_checklist
from tests.services.conftest import (
    PASSWORD,
    VISIT_DAY,
    World,
    example_patient,
    opened_world,
    patient_signature,
)
from tests.services.conftest import visit as check_visit
from tests.ui.visit.conftest import show_checklist

MG_PER_DAY = 40.0


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(f"sqlite:///{tmp_path / 'clinic.sqlite3'}") as opened:
        yield opened


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["follow-up", "end-of-course"])
def test_a_follow_up_is_signed_with_the_password_alone(
    qtbot: QtBot, world: World, catalog: Catalog, channel: MessageChannel, kind: str
) -> None:
    s, derm = world.services, world.actors["dermatologist"]
    patient = s.patients.create(derm, example_patient())
    began = VISIT_DAY - dt.timedelta(days=DAYS_SUPPLY)
    course = s.courses.start(derm, patient.id, CourseStart(began, PRODUCT_NAME, 20, MG_PER_DAY))
    initiation = check_visit("initiation", began)
    s.records.sign_visit(derm, patient.id, course.course.id, "initiation", initiation, {},
                         patient_signature(), PASSWORD)  # fmt: skip
    start = VisitStartService(s.engine, now=world.clock, catalog=catalog).prepare(
        derm, patient.id, kind, VISIT_DAY)  # fmt: skip
    assert not [q for q in start.form.questions() if q.type == "signature"]
    assert start.course_id == course.course.id
    assert start.context.cumulative_mg == MG_PER_DAY * DAYS_SUPPLY
    data = check_visit(kind, cumulative_mg=MG_PER_DAY * DAYS_SUPPLY, mg_per_day=MG_PER_DAY)
    answers = visit_dict_to_answers(start.form, data)
    checklist = open_visit_checklist(start, derm, s.drafts, s.records, catalog=catalog,
                                     messages=channel, initial_answers=answers)  # fmt: skip
    show_checklist(qtbot, checklist)
    c, panel = checklist.controller, checklist.view.panel
    if kind == "end-of-course":  # the last dose date fills no check field: typed here
        assert not panel.sign_button.isEnabled()
        editor = c.editors["last_dose_date"]
        assert isinstance(editor, DateEditor) and c.go_to_question("last_dose_date")
        qtbot.keyClick(editor.edit, Qt.Key.Key_T)  # T: the visit date
    assert panel.sign_button.isEnabled(), panel.sign_reason.text()
    shown_visit = c.result.visit if c.result else None

    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    dialog = c.sign_dialog
    assert dialog is not None and not dialog.names
    assert "Signed by you alone" in dialog.summary_label.text()
    qtbot.keyClicks(dialog.password, "Not-the-password-9")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisibleTo(dialog) and not c.is_signed
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(checklist.signed, timeout=20000) as signed:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)

    assert channel.captured == [], [m.text for m in channel.captured]
    record = s.records.get(derm, signed.args[0].record_id)
    assert record.visit_kind == kind and record.patient_id == patient.id
    assert record.answers == shown_visit
    assert [e["role"] for e in record.signatures] == ["prescriber"]
    assert record.signatures[0]["name"] == derm.display_name
    assert s.drafts.mine(derm) == []
    assert s.records.pdf(derm, record.id).startswith(b"%PDF")
