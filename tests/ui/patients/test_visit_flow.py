"""A dermatologist's day, end to end on the real app: sign in, find the patient, start the
initiation visit from the patient page, fill it, sign with the password, and see the
signed visit on the patient page. On the way: a stale pregnancy test blocks signing until
its date is fixed, a warning keeps Sign disabled until justified. The record holds exactly
the answers and findings that were shown; the draft is gone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from isoface_desk.domain.checklist import visit_dict_to_answers
from isoface_desk.services.care.patients import PatientData
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.visit_area import VisitArea
from tests.conftest import EXAMPLES
from tests.ui.app_support import actor, app_on, copy_of, demo_template  # noqa: F401
from tests.ui.visit.conftest import draw_signature

EXAMPLE = EXAMPLES / "uk-initiation-clear.json"
VISIT_DAY = dt.datetime(2026, 10, 12, 9, 30, tzinfo=dt.UTC)


def shown_codes(checklist: object) -> list[str]:
    return [card.finding.code for card in checklist.view.panel.ordered_cards()]  # type: ignore[attr-defined]


def test_from_sign_in_to_a_signed_initiation(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    if not EXAMPLE.is_file():
        pytest.skip(f"{EXAMPLE} is not available")
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url, now=lambda: VISIT_DAY)
    nurse = actor(url, "nurse")
    data = PatientData("Hanna", "Berg", dt.date(1998, 7, 3), "female", "C-7001",
                       can_get_pregnant=True)  # fmt: skip
    patient = app.services().patients.create(nurse, data)

    app.sign_in_ok("derm")
    area = app.parts.shell.page("patients")
    assert isinstance(area, PatientsArea)
    area.list_page.search.setText("C-7001")
    QTest.keyClick(area.list_page.search, Qt.Key.Key_Return)  # search
    QTest.keyClick(area.list_page.search, Qt.Key.Key_Return)  # the one match opens
    assert area.current_patient_id == patient.id
    button = area.patient_page.new_visit_buttons["initiation"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea) and visit.checklist is not None
    assert app.window.current_page_key() == "visit"
    checklist = visit.checklist
    c = checklist.controller
    assert c.context.visit_date == VISIT_DAY.date() and c.context.profile_id == "uk-mhra-2026"
    for qid, value in visit_dict_to_answers(c.form, example).items():
        if qid in c.editors:
            c.editors[qid].set_value(value)
    c.refresh()
    c.go_to_section("consent")
    draw_signature(qtbot, c.editors["patient_signature"].box.pad)  # type: ignore[attr-defined]
    panel = checklist.view.panel
    sign = panel.sign_button
    assert shown_codes(checklist) == []
    assert sign.isEnabled(), panel.sign_reason.text()

    # The only pregnancy test is 41 days old: a block, shown, and Sign is disabled.
    tests = c.editors["pregnancy_tests"]
    tests.set_value([{"date": dt.date(2026, 9, 1), "result": "negative", "setting": "clinic"}])
    c.refresh()
    assert shown_codes(checklist) == ["PREGNANCY_TEST_STALE"]
    assert panel.cards["PREGNANCY_TEST_STALE"].finding.severity == "block"
    assert not sign.isEnabled()
    # Fixing the date clears it.
    tests.set_value([{"date": VISIT_DAY.date(), "result": "negative", "setting": "clinic"}])
    c.refresh()
    assert shown_codes(checklist) == []

    # A warning (hyperlipidaemia in the history) keeps Sign disabled until justified.
    c.editors["conditions"].set_value(["hyperlipidaemia"])
    c.refresh()
    assert shown_codes(checklist) == ["HYPERLIPIDAEMIA"]
    assert not sign.isEnabled()
    justification = panel.cards["HYPERLIPIDAEMIA"].justification
    assert justification is not None
    QTest.keyClicks(justification, "Fasting TG 2.1 mmol/L; lipids at month 1")
    assert sign.isEnabled(), panel.sign_reason.text()
    shown = [card.finding for card in panel.ordered_cards()]
    assert c.result is not None
    shown_visit = json.loads(json.dumps(c.result.visit, default=str))

    qtbot.mouseClick(sign, Qt.MouseButton.LeftButton)
    dialog = c.sign_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    QTest.keyClicks(dialog.password, "demo-password")
    with qtbot.waitSignal(checklist.signed, timeout=10_000) as signed:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert app.channel.captured == []
    outcome = signed.args[0]

    services = app.services()
    derm = actor(url, "derm")
    (summary,) = services.records.for_patient(derm, patient.id)
    assert summary.id == outcome.record_id
    assert (summary.visit_kind, summary.verdict, summary.visit_date) == (
        "initiation", "needs-review", VISIT_DAY.date())  # fmt: skip
    record = services.records.get(derm, summary.id)
    # The record holds exactly the answers and the findings that were on the screen.
    assert record.answers == shown_visit
    assert record.answers["phq9"] == example["phq9"]
    assert [(f["code"], f["severity"], f["message"]) for f in record.findings] == [
        (f.code, f.severity, f.message) for f in shown
    ]
    assert record.justifications == {"HYPERLIPIDAEMIA": "Fasting TG 2.1 mmol/L; lipids at month 1"}
    assert not [d for d in services.drafts.mine(derm) if d.patient_id == patient.id]

    visit.close_visit()
    assert visit.currentWidget() is visit.empty
    rows = area.patient_page.timeline_tree
    # Signing the initiation started the course: the visit is shown inside it.
    (course,) = services.courses.for_patient(derm, patient.id)
    assert (course.status, course.start_date, summary.course_id) == (
        "active", VISIT_DAY.date(), course.id)  # fmt: skip
    texts = [rows.topLevelItem(i).text(1) for i in range(rows.topLevelItemCount())]
    assert texts == [f"Course {course.id} starts"]
    top = rows.topLevelItem(0)
    assert "Initiation visit" in [top.child(i).text(1) for i in range(top.childCount())]
    assert area.patient_page.phq9_chart.points() == [(VISIT_DAY.date(), sum(example["phq9"]))]
