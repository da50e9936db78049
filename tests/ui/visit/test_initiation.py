"""An initiation for a patient who can get pregnant, on the real widgets: live findings,
Sign gating by blocks and unjustified warnings, jumping to a finding's question, signing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from isoface_desk.domain.checklist import Form, visit_dict_to_answers
from isoface_desk.ui.visit import VisitChecklist
from isoface_desk.ui.visit.date_editor import DateEditor
from isoface_desk.ui.visit.findings_panel import FindingCard
from isoface_desk.ui.visit.records_editor import RecordsEditor
from tests.conftest import EXAMPLES
from tests.ui.visit.conftest import Keys, Signer, draw_signature

EXAMPLE = EXAMPLES / "uk-initiation-clear.json"


def example_answers(form: Form) -> dict[str, Any]:
    """The answers of the shared UK example (a clear initiation), from its check-format file."""
    if not EXAMPLE.is_file():
        pytest.skip(f"{EXAMPLE} is not available")
    return visit_dict_to_answers(form, json.loads(EXAMPLE.read_text(encoding="utf-8")))


def codes(checklist: VisitChecklist) -> list[str]:
    return [card.finding.code for card in checklist.view.panel.ordered_cards()]


def card(checklist: VisitChecklist, code: str) -> FindingCard:
    return checklist.view.panel.cards[code]


def sign_enabled(checklist: VisitChecklist) -> bool:
    return checklist.view.panel.sign_button.isEnabled()


def test_initiation_findings_gate_signing_and_sign(
    qtbot: QtBot, forms: dict[str, Form], open_checklist: Callable[..., VisitChecklist],
    keys: Keys,
) -> None:  # fmt: skip
    answers = example_answers(forms["initiation"])
    del answers["pregnancy_tests"]
    signer = Signer()
    checklist = open_checklist("initiation", initial_answers=answers, sign=signer,
                               signer_names={"patient": "Zoë Ångström"})  # fmt: skip
    c = checklist.controller
    assert "PREGNANCY_TEST_MISSING" in codes(checklist)
    assert not sign_enabled(checklist)

    # An old test, typed in by keyboard: the newest negative test is 41 days old.
    c.go_to_section("pregnancy-tests")
    tests = c.editors["pregnancy_tests"]
    assert isinstance(tests, RecordsEditor) and len(tests.rows) == 1  # an empty row is ready
    assert isinstance(keys.focus().parentWidget(), DateEditor)
    keys.type("20260901")
    keys.tab()  # the clear button beside the date is no tab stop (Delete clears)
    keys.type("N")  # Negative
    keys.tab()
    keys.type("I")  # In the clinic
    assert tests.value() == [{"date": __import__("datetime").date(2026, 9, 1),
                              "result": "negative", "setting": "clinic"}]  # fmt: skip
    assert "PREGNANCY_TEST_STALE" in codes(checklist)
    assert card(checklist, "PREGNANCY_TEST_STALE").finding.severity == "block"
    assert not sign_enabled(checklist)

    # Clicking the finding goes to its question: the date of the test.
    c.go_to_section("indication")
    qtbot.mouseClick(card(checklist, "PREGNANCY_TEST_STALE"), Qt.MouseButton.LeftButton)
    assert checklist.view.current_section_id() == "pregnancy-tests"
    date_edit = tests.rows[0].editors["date"]
    assert isinstance(date_edit, DateEditor)
    assert QApplication.focusWidget() is date_edit.edit

    # Fixing the date (T: the visit day) clears the finding.
    keys.press(Qt.Key.Key_T)
    assert date_edit.value() == checklist.controller.context.visit_date
    assert not any(code.startswith("PREGNANCY_TEST") for code in codes(checklist))

    # A warning: hyperlipidaemia in the history needs a typed justification.
    c.go_to_section("conditions")
    history = c.editors["conditions"]
    box = history.boxes["hyperlipidaemia"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert codes(checklist) == ["HYPERLIPIDAEMIA"]
    assert card(checklist, "HYPERLIPIDAEMIA").finding.severity == "warn"
    c.go_to_section("consent")
    draw_signature(qtbot, c.editors["patient_signature"].box.pad)
    assert checklist.controller.result is not None and checklist.controller.result.complete
    assert not sign_enabled(checklist), "a warning without justification keeps Sign disabled"
    assert "justification" in checklist.view.panel.sign_reason.text()
    justification = card(checklist, "HYPERLIPIDAEMIA").justification
    assert justification is not None
    qtbot.keyClicks(justification, "   ")
    assert not sign_enabled(checklist), "blank text is no justification"
    qtbot.keyClicks(justification, "TG normal on repeat; lipids monthly")
    assert sign_enabled(checklist)

    # Sign: the password prompt; a wrong password keeps the dialog open.
    qtbot.mouseClick(checklist.view.panel.sign_button, Qt.MouseButton.LeftButton)
    dialog = c.sign_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.password, "wrong")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert signer.requests == []
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "right")
    with qtbot.waitSignal(checklist.signed) as signed:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert signed.args == ["record-1"]
    (request,) = signer.requests
    shown = [card.finding for card in checklist.view.panel.ordered_cards()]
    assert list(request.evaluation.findings) == shown
    assert request.justifications == {"HYPERLIPIDAEMIA": "TG normal on repeat; lipids monthly"}
    assert request.signatures["patient"].startswith(b"\x89PNG")
    assert request.visit["pregnancy_tests"] == [
        {"date": "2026-10-12", "result": "negative", "setting": "clinic"}
    ]
    assert request.answers["conditions"] == ["hyperlipidaemia"]
    assert not sign_enabled(checklist) and not c.view.pages["consent"].widget().isEnabled()
