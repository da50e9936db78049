"""A second unsigned initiation for the same patient is not begun silently: when another
prescriber's draft exists, the app asks first; declining opens nothing, agreeing opens a
new visit; the person's own draft is simply resumed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from isoface_desk.services.access.users import NewUser
from isoface_desk.services.care.patients import PatientData
from isoface_desk.ui.patients.visit_area import VisitArea
from tests.e2e.steps import open_patient
from tests.ui.app_support import PASSWORD, app_on, copy_of, demo_template  # noqa: F401

NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
OTHER_PASSWORD = "Second-opinion-at-nine"


def test_another_prescribers_draft_is_named_before_a_second_one(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url, now=lambda: NOW)
    services = app.services()
    derm = services.auth.login("derm", PASSWORD)  # on the app's database: unlocks the key
    services.users.add_user(derm, NewUser("omar", "Dr Omar Vidal", frozenset({"dermatologist"}),
                                          OTHER_PASSWORD, "RM 55-0001"))  # fmt: skip
    data = PatientData("Sara", "Mejía", dt.date(1999, 4, 2), "female", "C-9101", True)
    patient = services.patients.create(derm, data)
    services.drafts.save(derm, patient_id=patient.id, kind="initiation", visit_date=NOW.date(),
                         answers={}, course_id=None, position="")  # fmt: skip

    app.sign_in_ok("omar", OTHER_PASSWORD)
    area = open_patient(app, "C-9101")
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea)
    app.channel.confirm_answer = False
    qtbot.mouseClick(area.patient_page.new_visit_buttons["initiation"], Qt.MouseButton.LeftButton)
    question = app.channel.captured[-1]
    assert question.title == "Another unsigned initiation visit"
    assert NOW.date().isoformat() in question.text
    assert visit.checklist is None, "declined: nothing opened"
    app.channel.confirm_answer = True
    area = open_patient(app, "C-9101")
    qtbot.mouseClick(area.patient_page.new_visit_buttons["initiation"], Qt.MouseButton.LeftButton)
    assert visit.checklist is not None
