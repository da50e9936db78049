"""The patient page on the demo clinic: charts from the signed visits, the course timeline
with verdicts, latest labs and tests due; a nurse sees the course but not the checklists."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QTreeWidgetItemIterator

from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.visit_area import VisitArea
from tests.ui.app_support import App, app_on, copy_of, demo_template  # noqa: F401

ON_TREATMENT = 5


@pytest.fixture
def url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    return copy_of(demo_template(tmp_path_factory), tmp_path)


def open_page(app: App, username: str) -> PatientsArea:
    app.sign_in_ok(username)
    area = app.parts.shell.page("patients")
    assert isinstance(area, PatientsArea)
    assert area.open_patient(ON_TREATMENT)
    return area


def tree_rows(area: PatientsArea) -> list[tuple[str, ...]]:
    rows = []
    iterator = QTreeWidgetItemIterator(area.patient_page.timeline_tree)
    while (item := iterator.value()) is not None:
        rows.append(tuple(item.text(c) for c in range(4)))
        iterator += 1
    return rows


def test_dermatologist_sees_charts_timeline_labs_and_due_tests(app_on, url: str) -> None:  # noqa: F811
    app = app_on(url)
    area = open_page(app, "derm")
    page = area.patient_page
    assert page.isVisible()
    assert page.phq9_chart.isVisible() and page.dose_chart.isVisible()
    phq9 = page.phq9_chart.points()
    assert len(phq9) == 3 and all(0 <= total <= 27 for _day, total in phq9)
    dose = page.dose_chart.points()
    assert len(dose) == 3 and dose[0][1] == 0.0 and dose[-1][1] > dose[1][1] > 0
    assert page.dose_chart._projection is not None and page.dose_chart._projection[1] > dose[-1][1]
    assert "PHQ-9 total: 3 values" in page.phq9_chart.accessibleDescription()
    rows = tree_rows(area)
    assert rows[0][1].startswith("Course ") and rows[0][2] == "Active"
    visits = [r for r in rows if r[1].endswith(" visit")]
    assert [r[1] for r in visits] == ["Initiation visit", "Follow-up visit", "Follow-up visit"]
    assert {r[2] for r in visits} <= {"Clear", "Needs review", "Blocked"}
    assert any(r[1] == "Dose change" for r in rows)
    labs = {page.labs_table.item(r, 0).text() for r in range(page.labs_table.rowCount())}
    assert {"ALT", "AST", "TG", "CHOL", "HCG (pregnancy test)"} <= labs
    assert page.due_table.rowCount() >= 1 and page.due_table.item(0, 1).text().count("to") == 1
    assert set(page.new_visit_buttons) == {"follow-up", "end-of-course"}
    assert controls_without_accessible_name(area) == []
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea)
    assert controls_without_accessible_name(visit) == []
    # The page fits a 1366x768 screen (the window is 1366x728 here): nothing is cut off.
    assert app.window.minimumSizeHint().width() <= 1366
    assert area.minimumSizeHint().height() <= app.window.stack.height()


def test_nurse_sees_the_course_but_not_the_checklists(app_on, url: str) -> None:  # noqa: F811
    app = app_on(url)
    area = open_page(app, "nurse")
    page = area.patient_page
    assert not page.phq9_chart.isVisible() and not page.dose_chart.isVisible()
    assert "your role does not show" in page.charts_note.text()
    rows = tree_rows(area)
    assert rows[0][2] == "Active"
    assert not [r for r in rows if r[1].endswith(" visit")]
    assert page.new_visit_buttons == {} and page.edit_button.isVisible()
