"""The patient list over 100,000 patients: searching is fast, the model loads only pages of
100 rows as the list scrolls, and the keyboard goes from the search box to a patient."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.model import PAGE
from tests.ui.app_support import BIG, App, app_on, big_template, copy_of  # noqa: F401

DEMO_PATIENTS = 6


def patients_of(app: App) -> PatientsArea:
    area = app.parts.shell.page("patients")
    assert isinstance(area, PatientsArea)
    return area


@pytest.mark.slow
def test_search_over_100000_patients_is_lazy_and_quick(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    app = app_on(copy_of(big_template(tmp_path_factory), tmp_path))
    app.sign_in_ok("derm")
    area = patients_of(app)
    model, page = area.model, area.list_page
    assert model.total == BIG + DEMO_PATIENTS
    assert model.rowCount() == PAGE, "only the first page is loaded"
    assert page.count_label.text() == "100,006 patients"
    assert controls_without_accessible_name(area) == []

    # Typing searches after a pause (the debounce timer), not per key.
    page.search.setFocus()
    QTest.keyClicks(page.search, "emma")
    assert model.query_text().text == "", "no search while typing"
    qtbot.waitUntil(lambda: model.query_text().text == "emma")
    assert model.total == BIG // 20  # one given name in twenty
    assert model.rowCount() == PAGE
    assert page.count_label.text() == "5,000 patients found"
    assert {model.patient_at(r).given_name for r in range(PAGE)} == {"Emma"}  # type: ignore[union-attr]

    # Scrolling to the end of the loaded rows fetches one more page, not all 5,000.
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE)
    assert model.canFetchMore()

    timings = {}
    for text in ("D0050000", "smith noah", "zzz", "1980-03-04"):
        page.search.setText(text)
        started = time.perf_counter()
        page.search_now()
        timings[text] = time.perf_counter() - started
    assert max(timings.values()) < 1.0, timings
    print("search times (s):", {k: round(v, 3) for k, v in timings.items()})

    page.search.setText("D0050000")
    page.search_now()
    assert model.total == 1 and model.patient_at(0).clinic_number == "D0050000"  # type: ignore[union-attr]
    born = model.patient_at(0).birth_date  # type: ignore[union-attr]
    page.search.setText(born.strftime("%d/%m/%Y"))
    page.search_now()
    assert model.total >= 1
    assert all(model.patient_at(r).birth_date == born for r in range(model.rowCount()))  # type: ignore[union-attr]


def test_keyboard_from_search_box_to_patient_and_back(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    from tests.ui.app_support import demo_template

    app = app_on(copy_of(demo_template(tmp_path_factory), tmp_path))
    app.sign_in_ok("nurse")
    area = patients_of(app)
    page = area.list_page
    assert QApplication.focusWidget() is app.window.nav  # the area list, after sign-in
    QTest.keyClick(app.window.nav, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.search
    QTest.keyClicks(page.search, "DEMO-00005")
    QTest.keyClick(page.search, Qt.Key.Key_Return)  # search now; a single match opens
    assert area.model.total == 1
    QTest.keyClick(page.search, Qt.Key.Key_Return)
    assert area.currentWidget() is area.patient_page
    assert area.patient_page.name_label.text() == "Amélie Dubois"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert area.currentWidget() is page
    assert QApplication.focusWidget() is page.table
    assert page.current_patient_id() == area.current_patient_id

    QTest.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.search and page.search.selectedText()
    QTest.keyClick(page.search, Qt.Key.Key_Delete)
    page.search_now()
    QTest.keyClick(page.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table and page.current_patient_id() is not None
    QTest.keyClick(page.table, Qt.Key.Key_Down)
    second = page.current_patient_id()
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert area.current_patient_id == second
