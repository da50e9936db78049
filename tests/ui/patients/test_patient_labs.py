"""The patient page's latest labs, on real services over a SQLite file: the rows it tints
(and names as warning / above the laboratory's range) are exactly the results the nurses'
due list flags for that patient, including a triglyceride value without an upper limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from isoface_desk.services.care.timeline import TimelineService
from isoface_desk.services.labs.lab_work import LabWorkService
from isoface_desk.ui.patients.patient_page import PatientPage
from isoface_desk.ui.visit.style import WARN, WARN_TINT
from tests.services.conftest import World, opened_world
from tests.services.test_timeline_labs import RESULTS, resulted_patient


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(f"sqlite:///{tmp_path / 'clinic.sqlite3'}") as opened:
        yield opened


def test_the_page_tints_the_results_the_due_list_flags(qtbot: QtBot, world: World) -> None:
    nurse = world.actors["nurse"]
    pid = resulted_patient(world)
    timeline = TimelineService(world.services.engine, now=world.clock).for_patient(nurse, pid)
    page = PatientPage()
    qtbot.addWidget(page)
    page.show_timeline(timeline, can_edit=False, visit_kinds=[], shows_records=False)

    table, rows = page.labs_table, {}
    for row in range(table.rowCount()):
        rows[table.item(row, 0).text()] = [table.item(row, c) for c in range(3)]
    assert set(rows) == set(RESULTS)
    tinted = {test for test, items in rows.items()
              if items[1].background().color() == WARN_TINT}  # fmt: skip
    assert tinted == {"ALT", "TG", "CHOL"}
    assert all(rows[t][1].foreground().color() == WARN for t in tinted)
    assert rows["TG"][1].text() == "6 mmol/L  — warning"
    assert rows["CHOL"][1].text().endswith("— above the laboratory's range")
    assert rows["AST"][1].text() == "30 U/L (ULN 40)"
    assert "above the upper limit" in rows["ALT"][1].toolTip()

    due = LabWorkService(world.services.engine, now=world.clock).due_list(nurse)
    (alert,) = {item.patient_alert for item in due.items if item.patient_id == pid}
    flagged = {test for test in RESULTS if rows[test][1].toolTip() in alert.split("; ")}
    assert flagged == tinted
