"""Right after signing, the Visit area opens the signed record's stored PDF in the in-app
preview (issue 5, item 6), on the real app: the dermatologist signs a month-1 follow-up
(the follow-up form asks for no drawn signature: the password alone) and the preview that
appears shows exactly that record, its stored bytes, as one audited view. Nothing is
stubbed: the preview's printer and file choosers are only called by Print / Save."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.devtools.demo_visits import (
    DAYS_SUPPLY,
    PRODUCT_NAME,
    DemoPatientFacts,
    visit_dict,
)
from isoface_desk.domain.checklist import visit_dict_to_answers
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.care.patients import PatientData
from isoface_desk.services.visits.records import SignatureInput
from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import read_scope
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.visit_area import VisitArea
from isoface_desk.ui.pdf import PdfPreviewDialog, RecordPdfActions
from tests.ui.app_support import PASSWORD, actor, app_on, copy_of, demo_template  # noqa: F401
from tests.ui.carried_support import confirm_carried

NOW = dt.datetime(2026, 10, 12, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
BEGAN = TODAY - dt.timedelta(days=DAYS_SUPPLY)
MG_PER_DAY = 40.0
FACTS = DemoPatientFacts(dt.date(1998, 7, 3), 62.0, can_get_pregnant=True)


@pytest.mark.slow
def test_the_signed_record_opens_in_the_preview(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url, now=lambda: NOW)
    services, derm = app.services(), actor(url, "derm")
    data = PatientData("Hanna", "Berg", FACTS.birth_date, "female", "C-7002",
                       can_get_pregnant=True)  # fmt: skip
    patient = services.patients.create(derm, data)
    start = CourseStart(BEGAN, PRODUCT_NAME, 20, MG_PER_DAY)
    course = services.courses.start(derm, patient.id, start).course
    initiation = visit_dict("initiation", BEGAN, FACTS, mg_per_day=MG_PER_DAY)
    services.records.sign_visit(derm, patient.id, course.id, "initiation", initiation, {},
                                [SignatureInput("patient", "Hanna Berg", demo_signature_png(1))],
                                PASSWORD)  # fmt: skip

    app.sign_in_ok("derm")
    area = app.parts.shell.page("patients")
    assert isinstance(area, PatientsArea)
    area.list_page.search.setText("C-7002")
    QTest.keyClick(area.list_page.search, Qt.Key.Key_Return)  # search
    QTest.keyClick(area.list_page.search, Qt.Key.Key_Return)  # the one match opens
    qtbot.mouseClick(area.patient_page.new_visit_buttons["follow-up"], Qt.MouseButton.LeftButton)
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea) and visit.checklist is not None
    checklist, c = visit.checklist, visit.checklist.controller
    follow_up = visit_dict("follow-up", TODAY, FACTS, mg_per_day=MG_PER_DAY,
                           cumulative_mg=MG_PER_DAY * DAYS_SUPPLY)  # fmt: skip
    for qid, value in visit_dict_to_answers(c.form, follow_up).items():
        c.editors[qid].set_value(value)
    c.refresh()
    assert confirm_carried(qtbot, c), "the follow-up opens carried from the initiation"
    assert checklist.view.panel.sign_button.isEnabled(), checklist.view.panel.sign_reason.text()
    assert visit.preview is None and not visit.findChildren(PdfPreviewDialog)

    qtbot.mouseClick(checklist.view.panel.sign_button, Qt.MouseButton.LeftButton)
    dialog = c.sign_dialog
    assert dialog is not None and not dialog.names
    qtbot.waitUntil(dialog.isVisible)
    QTest.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(visit.visit_signed, timeout=10_000) as signed:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert app.channel.captured == [], [m.text for m in app.channel.captured]

    patient_id, record_id = signed.args
    (summary,) = [r for r in services.records.for_patient(derm, patient.id)
                  if r.visit_kind == "follow-up"]  # fmt: skip
    assert (patient_id, record_id) == (patient.id, summary.id)
    preview = visit.preview
    assert isinstance(preview, PdfPreviewDialog) and visit.findChildren(PdfPreviewDialog) == [
        preview
    ]
    qtbot.waitUntil(preview.isVisible)
    actions = preview.controller.actions
    assert isinstance(actions, RecordPdfActions) and actions.record_id == record_id
    assert preview.windowTitle().startswith(f"Signed record {record_id}")
    assert f"Record {record_id} " in preview.view.status_label.text()
    with read_scope(services.engine) as session:
        trail = [(e.action, e.actor) for e in events_for_target(session, "record", record_id)]
    assert trail == [("sign", "derm"), ("view", "derm")]
    stored = services.records.pdf(derm, record_id)
    assert preview.controller.page_count() == len(PdfReader(io.BytesIO(stored)).pages)
    preview.close()
