"""The checklist wired to the real services: a set-up clinic, a patient, the visit start,
autosave into the draft, and signing into a stored record that holds exactly the answers,
findings and justifications the screen showed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import visit_dict_to_answers
from isoface_desk.services.visits.visit_start import VisitStartService
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.wiring import open_visit_checklist
from tests.services.conftest import (
    PASSWORD,
    VISIT_DAY,
    World,
    example_patient,
    opened_world,
    visit,
)
from tests.ui.visit.conftest import draw_signature, show_checklist


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(f"sqlite:///{tmp_path / 'clinic.sqlite3'}") as opened:
        yield opened


@pytest.mark.slow
def test_signing_stores_what_the_screen_showed(
    qtbot: QtBot, world: World, catalog: Catalog, channel: MessageChannel
) -> None:
    s, derm = world.services, world.actors["dermatologist"]
    patient = s.patients.create(derm, example_patient())
    start = VisitStartService(s.engine, now=world.clock, catalog=catalog).prepare(
        derm, patient.id, "initiation", VISIT_DAY)  # fmt: skip
    answers = visit_dict_to_answers(start.form, visit("initiation"))
    checklist = open_visit_checklist(start, derm, s.drafts, s.records, catalog=catalog,
                                     messages=channel, initial_answers=answers)  # fmt: skip
    show_checklist(qtbot, checklist)
    c = checklist.controller
    c.go_to_section("conditions")  # saved at once: the draft exists
    (draft,) = s.drafts.mine(derm)
    box = c.editors["conditions"].boxes["hyperlipidaemia"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    c.go_to_section("consent")
    draw_signature(qtbot, c.editors["patient_signature"].box.pad)
    card = checklist.view.panel.cards["HYPERLIPIDAEMIA"]
    assert card.justification is not None
    qtbot.keyClicks(card.justification, "Fasting TG 2.1 mmol/L; recheck at month 1")
    assert checklist.view.panel.sign_button.isEnabled(), checklist.view.panel.sign_reason.text()
    shown_findings = [cd.finding for cd in checklist.view.panel.ordered_cards()]
    shown_visit = c.result.visit if c.result else None

    qtbot.mouseClick(checklist.view.panel.sign_button, Qt.MouseButton.LeftButton)
    dialog = c.sign_dialog
    assert dialog is not None and not dialog.names, "the patient's name comes from the record"
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(checklist.signed, timeout=20000) as signed:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    record = s.records.get(derm, signed.args[0].record_id)
    assert record.answers == shown_visit
    assert [f["code"] for f in record.findings] == [f.code for f in shown_findings]
    assert [f["message"] for f in record.findings] == [f.message for f in shown_findings]
    assert record.justifications == {"HYPERLIPIDAEMIA": "Fasting TG 2.1 mmol/L; recheck at month 1"}
    assert {e["role"] for e in record.signatures} == {"patient", "prescriber"}
    assert s.drafts.mine(derm) == [] and draft.id
    assert channel.captured == [], [m.text for m in channel.captured]
