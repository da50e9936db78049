"""Adding and editing a patient through the dialog: every problem named at once, the
database's own refusal (a clinic number in use) shown in the dialog, then saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.patients.area import PatientsArea
from tests.ui.app_support import actor, app_on, copy_of, demo_template, type_text  # noqa: F401


@pytest.fixture
def url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    return copy_of(demo_template(tmp_path_factory), tmp_path)


def test_add_then_edit_a_patient(app_on, url: str, qtbot: QtBot) -> None:  # noqa: F811
    app = app_on(url)
    app.sign_in_ok("nurse")
    area = app.parts.shell.page("patients")
    assert isinstance(area, PatientsArea)
    area.list_page.table.setFocus()
    QTest.keyClick(area.list_page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = area.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert controls_without_accessible_name(dialog) == []
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.given)

    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.problems_label.text().splitlines() == [
        "• Enter a given or a family name.", "• Enter the birth date.",
        "• Enter the clinic number."]  # fmt: skip
    assert QApplication.focusWidget() is dialog.given

    type_text(dialog.given, "Zoë")
    QTest.keyClick(dialog.given, Qt.Key.Key_Tab)
    type_text(QApplication.focusWidget(), "Ångström")  # type: ignore[arg-type]
    QTest.keyClick(dialog.family, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.birth, "31/02/2004")
    dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
    dialog.pregnancy.setCurrentIndex(dialog.pregnancy.findData(True))
    QTest.keyClicks(dialog.clinic_number, "DEMO-00001")  # already used
    dialog.save_button.click()
    assert dialog.problems_label.text() == (
        "• The birth date is not a date: write it as 2004-05-10 or 10/05/2004."
    )
    dialog.birth.clear()
    QTest.keyClicks(dialog.birth, "10/05/2004")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.problems_label.text() == "• Clinic number DEMO-00001 is already used."
    dialog.clinic_number.clear()
    QTest.keyClicks(dialog.clinic_number, "C-2024-0042")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert app.channel.captured == []

    page = area.patient_page
    assert area.currentWidget() is page
    assert page.name_label.text() == "Zoë Ångström"
    assert "Born 2004-05-10" in page.details_label.text()
    assert "clinic number C-2024-0042" in page.details_label.text()
    assert page.new_visit_buttons == {} and page.continue_buttons == {}, "a nurse starts no visit"

    app.window.activateWindow()  # offscreen has no window manager to give it back
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.back_button)
    QTest.keyClick(page.back_button, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    edit = area.dialog
    assert edit is not None and edit is not dialog and edit.windowTitle() == "Edit patient details"
    qtbot.waitUntil(edit.isVisible)
    assert edit.given.text() == "Zoë" and edit.birth.text() == "2004-05-10"
    QTest.keyClicks(edit.phone, "+44 20 7946 0999")
    edit.save_button.click()
    qtbot.waitUntil(lambda: not edit.isVisible())
    assert "phone +44 20 7946 0999" in page.details_label.text()

    services = app.services()
    nurse = actor(app.url, "nurse")
    (found,) = services.patients.search(nurse, "C-2024-0042")
    assert (found.clinic_number, found.phone, found.can_get_pregnant) == (
        "C-2024-0042", "+44 20 7946 0999", True)  # fmt: skip
    assert area.model.total == 7  # the list was searched again
