"""A signed record is corrected from its preview (issue 10, item 5), on the real app on a
real SQLite file: the dermatologist opens a signed follow-up from the patient page's
timeline, "Correct this record…" asks why and opens the same visit in the Visit area with
the record's answers; the correction autosaves into a draft that reopens as a correction
(and that a normal follow-up never resumes); signing it stores a new record that
references the original, whose content and PDF stay as they were; the new PDF says what
it amends and why; the timeline shows both. An auditor, who may read records but not
sign them, is not offered the correction; a nurse sees no records at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QPlainTextEdit,
    QTreeWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.devtools.demo_visits import (
    DAYS_SUPPLY,
    PRODUCT_NAME,
    DemoPatientFacts,
    visit_dict,
)
from isoface_desk.domain.checklist import visit_dict_to_answers
from isoface_desk.services.bundle import Services
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.care.patients import PatientData
from isoface_desk.services.context import Actor
from isoface_desk.services.visits.records import SignatureInput
from isoface_desk.services.visits.visit_start import VisitStartService
from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import read_scope
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.visit_area import VisitArea
from isoface_desk.ui.pdf import PdfPreviewDialog, open_record_preview
from isoface_desk.ui.visit import VisitChecklist
from tests.documents.pdftools import all_text
from tests.e2e import steps
from tests.ui.app_support import PASSWORD, App, actor, app_on, copy_of, demo_template  # noqa: F401

NOW = dt.datetime(2026, 10, 12, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
BEGAN = TODAY - dt.timedelta(days=DAYS_SUPPLY)
MG_PER_DAY = 40.0
FACTS = DemoPatientFacts(dt.date(1998, 7, 3), 62.0, can_get_pregnant=True)
CLINIC_NUMBER = "C-7010"
REASON = "Weight misread: 62 kg written, the scale said 59.5 kg"


def _signed_follow_up(services: Services, derm: Actor) -> tuple[int, int]:
    """A patient with a signed initiation and a signed month-1 follow-up (the original)."""
    data = PatientData("Ines", "Lund", FACTS.birth_date, "female", CLINIC_NUMBER,
                       can_get_pregnant=True)  # fmt: skip
    patient = services.patients.create(derm, data)
    course = services.courses.start(derm, patient.id, CourseStart(BEGAN, PRODUCT_NAME, 20,
                                                                   MG_PER_DAY)).course  # fmt: skip
    initiation = visit_dict("initiation", BEGAN, FACTS, mg_per_day=MG_PER_DAY)
    services.records.sign_visit(derm, patient.id, course.id, "initiation", initiation, {},
                                [SignatureInput("patient", "Ines Lund", demo_signature_png(1))],
                                PASSWORD)  # fmt: skip
    follow_up = visit_dict("follow-up", TODAY, FACTS, mg_per_day=MG_PER_DAY,
                           cumulative_mg=MG_PER_DAY * DAYS_SUPPLY)  # fmt: skip
    signed = services.records.sign_visit(derm, patient.id, course.id, "follow-up", follow_up,
                                         {}, [], PASSWORD)  # fmt: skip
    return patient.id, signed.record_id


def _open_patient(app: App) -> PatientsArea:
    area = app.parts.shell.go_to("patients")
    assert isinstance(area, PatientsArea)
    area.list_page.search.setText(CLINIC_NUMBER)
    QTest.keyClick(area.list_page.search, Qt.Key.Key_Return)  # search
    QTest.keyClick(area.list_page.search, Qt.Key.Key_Return)  # the one match opens
    assert area.current_patient_id is not None
    return area


def _record_items(area: PatientsArea) -> dict[int, QTreeWidgetItem]:
    """Record id -> its row in the patient page's timeline."""
    tree, items = area.patient_page.timeline_tree, {}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            record_id = top.child(j).data(0, Qt.ItemDataRole.UserRole)
            if isinstance(record_id, int):
                items[record_id] = top.child(j)
    return items


def _timeline_notes(area: PatientsArea) -> dict[int, str]:
    """Record id -> the notes column of its row."""
    return {record_id: item.text(3) for record_id, item in _record_items(area).items()}


def _open_from_timeline(qtbot: QtBot, area: PatientsArea, record_id: int) -> PdfPreviewDialog:
    """Activate the record's row (Enter), as the dermatologist does; the preview it opens."""
    tree, item = area.patient_page.timeline_tree, _record_items(area)[record_id]
    tree.setFocus()
    tree.setCurrentItem(item)
    QTest.keyClick(tree, Qt.Key.Key_Return)
    previews = [w for w in QApplication.topLevelWidgets()
                if isinstance(w, PdfPreviewDialog) and w.isVisible()]  # fmt: skip
    (preview,) = [p for p in previews if p.controller.actions.record_id == record_id]  # type: ignore[attr-defined]
    qtbot.waitUntil(preview.isVisible)
    return preview


def _answer_reason(text: str) -> QTimer:
    """Type `text` into the reason dialog (a modal exec()) as soon as it is shown, then OK."""
    timer = QTimer()

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            timer.stop()
            QTest.keyClicks(dialog.findChild(QPlainTextEdit), text)
            dialog.accept()

    timer.timeout.connect(poll)
    timer.start(20)
    return timer


def _sign(qtbot: QtBot, visit: VisitArea, checklist: VisitChecklist) -> int:
    """Sign the checklist on screen with the password (a follow-up asks for no drawing)."""
    with qtbot.waitSignal(visit.visit_signed, timeout=10_000) as signed:
        steps.sign(qtbot, checklist, PASSWORD)
    return int(signed.args[1])


def _correction_opens(qtbot: QtBot, app: App, preview: PdfPreviewDialog, record_id: int,
                      reason: str) -> VisitChecklist:  # fmt: skip
    button: QWidget = preview.correct_button  # type: ignore[attr-defined]
    assert button.isVisible() and button.isEnabled()
    timer = _answer_reason(reason)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    timer.stop()
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea) and visit.correcting == record_id
    assert visit.checklist is not None and app.window.current_page_key() == "visit"
    return visit.checklist


@pytest.mark.slow
def test_a_signed_record_is_corrected_from_its_preview(
    app_on: Callable[..., App], tmp_path_factory: pytest.TempPathFactory, tmp_path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url, now=lambda: NOW)
    services, derm = app.services(), actor(url, "derm")
    patient_id, original_id = _signed_follow_up(services, derm)
    before = services.records.get(derm, original_id)
    before_pdf = services.records.pdf(derm, original_id)
    app.sign_in_ok("derm")
    area = _open_patient(app)
    preview = _open_from_timeline(qtbot, area, original_id)
    checklist = _correction_opens(qtbot, app, preview, original_id, REASON)
    c = checklist.controller
    assert f"Correction of record {original_id}" in checklist.view.heading_label.text()
    assert (c.form.id, c.context.visit_date, c.context.profile_id) == (
        before.form_id, before.visit_date, before.profile_id)  # fmt: skip
    expected = visit_dict_to_answers(c.form, before.answers)
    assert {q: c.editors[q].value() for q in ("weight_kg", "mg_per_day")} == {
        q: expected[q] for q in ("weight_kg", "mg_per_day")}  # fmt: skip
    c.editors["weight_kg"].set_value(59.5)
    c.refresh()
    assert checklist.flush(), "the correction autosaves like any visit"

    starts = VisitStartService(services.engine, now=lambda: NOW, catalog=services.records.catalog)
    assert starts.prepare(derm, patient_id, "follow-up").draft is None, (
        "a normal follow-up never resumes a correction's draft"
    )
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea)
    visit.close_visit()  # as after a crash: the draft is all there is
    page = area.patient_page  # reloaded on closing: the correction is not a follow-up to go on
    assert page.continue_buttons == {} and "follow-up" in page.new_visit_buttons
    listed = visit.empty.drafts  # the demo clinic's own unsigned visits, and the correction
    (row,) = [i for i in range(listed.count())
              if f"correction of record {original_id}" in listed.item(i).text()]  # fmt: skip
    listed.setCurrentRow(row)
    qtbot.mouseClick(visit.empty.continue_button, Qt.MouseButton.LeftButton)
    assert visit.correcting == original_id and visit.checklist is not None
    assert visit.checklist.controller.editors["weight_kg"].value() == 59.5

    corrected_id = _sign(qtbot, visit, visit.checklist)
    assert app.channel.captured == [], [m.text for m in app.channel.captured]
    _check_stored(services, derm, patient_id, original_id, corrected_id, before, before_pdf)
    notes = _timeline_notes(area)
    assert f"corrected by record {corrected_id}" in notes[original_id]
    assert f"corrects record {original_id}" in notes[corrected_id]


def _check_stored(services: Services, derm: Actor, patient_id: int, original_id: int,
                  corrected_id: int, before: object, before_pdf: bytes) -> None:  # fmt: skip
    summaries = [r for r in services.records.for_patient(derm, patient_id)
                 if r.visit_kind == "follow-up"]  # fmt: skip
    assert sorted(r.id for r in summaries) == [original_id, corrected_id]
    after = services.records.get(derm, original_id)
    assert after == before and services.records.pdf(derm, original_id) == before_pdf
    corrected = services.records.get(derm, corrected_id)
    assert corrected.corrects_record_id == original_id
    assert corrected.answers["patient"]["weight_kg"] == 59.5
    (prescriber,) = [s for s in corrected.signatures if s["role"] == "prescriber"]
    assert prescriber["correction_reason"] == REASON
    text = all_text(services.records.pdf(derm, corrected_id))
    signed = after.created_at.date().isoformat()  # when the original was signed
    assert f"Correction of record {original_id} signed {signed}" in text
    assert REASON in text
    assert "Correction of record" not in all_text(before_pdf)
    with read_scope(services.engine) as session:
        (sign,) = [e for e in events_for_target(session, "record", corrected_id)
                   if e.action == "sign"]  # fmt: skip
    left = [d for d in services.drafts.mine(derm) if d.patient_id == patient_id]
    assert left == [], "the correction's draft went with the signing"
    assert sign.details["corrects_record_id"] == original_id


@pytest.mark.slow
def test_only_a_prescriber_is_offered_the_correction(
    app_on: Callable[..., App], tmp_path_factory: pytest.TempPathFactory, tmp_path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url, now=lambda: NOW)
    services = app.services()
    _, record_id = _signed_follow_up(services, actor(url, "derm"))
    opened: list[tuple[int, str]] = []
    auditor = actor(url, "auditor")
    preview = open_record_preview(None, services, auditor, record_id,
                                  correct=lambda r, why: opened.append((r, why)))  # fmt: skip
    assert preview is not None and preview.isVisible()
    assert not hasattr(preview, "correct_button") and opened == []
    assert not [b for b in preview.findChildren(QWidget) if "Correct" in b.accessibleName()]
    preview.close()

    app.sign_in_ok("nurse")
    area = _open_patient(app)
    assert _timeline_notes(area) == {}, "a nurse reads no signed records, so corrects none"
