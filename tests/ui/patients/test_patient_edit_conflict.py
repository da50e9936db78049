"""Two workstations (two real app windows on one database file) edit the same patient:
the first save wins; the second dialog says the patient was changed elsewhere, when and
by whom, and stays open with everything typed in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import read_scope
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.editor import PatientDialog
from tests.ui.app_support import App, actor, app_on, copy_of, demo_template  # noqa: F401


@pytest.fixture
def url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    return copy_of(demo_template(tmp_path_factory), tmp_path)


def _edit_dialog(app: App, patient_id: int, qtbot: QtBot) -> PatientDialog:
    """Open the patient's page in this window and press its Edit details… button."""
    area = app.parts.shell.page("patients")
    assert isinstance(area, PatientsArea)
    assert area.open_patient(patient_id)
    area.patient_page.edit_button.click()
    dialog = area.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _retype(dialog: PatientDialog, field: str, text: str) -> None:
    edit = getattr(dialog, field)
    edit.clear()
    QTest.keyClicks(edit, text)


def test_second_window_told_and_keeps_its_text(app_on, url: str, qtbot: QtBot) -> None:  # noqa: F811
    first = app_on(url)
    first.sign_in_ok("nurse")
    second = app_on(url)
    second.sign_in_ok("derm")
    services = second.services()
    (patient,) = services.patients.search(actor(url, "nurse"), "DEMO-00002")
    mine = _edit_dialog(first, patient.id, qtbot)
    theirs = _edit_dialog(second, patient.id, qtbot)

    _retype(mine, "family", "Firstsaved")
    mine.save_button.click()
    qtbot.waitUntil(lambda: not mine.isVisible())
    _retype(theirs, "phone", "+44 20 7946 0111")
    _retype(theirs, "given", "Typed-by-derm")
    typed = [e.text() for e in (theirs.given, theirs.family, theirs.birth, theirs.phone)]
    theirs.save_button.click()

    stored = services.patients.search(actor(url, "nurse"), "DEMO-00002")[0]
    assert stored.updated_at is not None
    at = stored.updated_at.astimezone().strftime("%H:%M")
    assert theirs.isVisible()
    assert theirs.problems_label.isVisible()
    assert theirs.problems_label.text() == (
        f"• This patient was changed on another workstation since you opened it (at {at} by "
        "nurse). Your changes were not saved: reopen the patient to see theirs.")  # fmt: skip
    assert [e.text() for e in (theirs.given, theirs.family, theirs.birth, theirs.phone)] == typed
    assert (stored.given_name, stored.family_name, stored.phone) == (
        patient.given_name, "Firstsaved", patient.phone)  # fmt: skip
    with read_scope(services.engine) as session:
        trail = events_for_target(session, "patient", patient.id)
    assert [e.actor for e in trail if e.action == "edit"] == ["nurse"]
    assert second.channel.captured == [] and first.channel.captured == []
