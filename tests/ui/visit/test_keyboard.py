"""The whole visit without a mouse: a complete follow-up typed at the keyboard (and the
key presses it takes, counted), the section shortcuts, the findings panel shortcut, and
an accessible name on every control."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.visit import VisitChecklist
from isoface_desk.ui.visit.findings_panel import FindingCard
from isoface_desk.ui.visit.multi_choice import MultiChoiceEditor
from isoface_desk.ui.visit.records_editor import RecordsEditor
from tests.ui.visit.conftest import Keys, Signer

CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)  # fmt: skip
#: Key presses of the follow-up below, measured by this test (reported in the README).
FOLLOW_UP_KEYS = 92


def test_a_follow_up_by_keyboard_only(
    qtbot: QtBot, open_checklist: Callable[..., VisitChecklist], keys: Keys
) -> None:
    signer = Signer()
    checklist = open_checklist("follow-up", sign=signer)
    c = checklist.controller
    section = checklist.view.current_section_id

    assert section() == "pregnancy-potential"
    keys.type("y")  # can get pregnant
    keys.tab()
    keys.type("n")  # pregnant: no
    keys.tab()
    keys.type("n")  # breastfeeding: no
    keys.ctrl_enter()
    assert section() == "allergies"
    keys.press(Qt.Key.Key_Space)  # None of these
    keys.ctrl_enter()
    assert section() == "medicines"
    keys.ctrl_enter()  # no medicines
    keys.press(Qt.Key.Key_Space)  # medical history: none of these
    keys.ctrl_enter()
    assert section() == "mental-health"
    keys.type("100000000")  # the nine PHQ-9 items
    keys.ctrl_enter()
    assert section() == "sexual-function"
    keys.type("y")
    keys.ctrl_enter()
    assert section() == "contraception"
    keys.press(Qt.Key.Key_Space)  # + Add: a row, with the focus on its method
    keys.type("h")  # Hormonal intrauterine system (IUS)
    keys.tab()
    keys.type("20250120")
    keys.ctrl_enter()
    assert section() == "pregnancy-tests"
    keys.type("t")  # tested today
    keys.tab()
    keys.type("n")  # negative
    keys.tab()
    keys.type("i")  # in the clinic
    keys.ctrl_enter()
    assert section() == "labs"
    keys.type("a")  # ALT
    keys.tab()
    keys.type("20261005")
    keys.tab()
    keys.type("31")
    keys.tab()
    keys.type("u")  # U/L
    keys.tab()
    keys.type("45")  # upper limit of normal
    keys.ctrl_enter()
    assert section() == "product-dose"
    keys.type("62")  # weight
    keys.tab()
    keys.type("Isoface 20 mg")
    keys.tab()
    keys.press(Qt.Key.Key_Down)  # from "None of these" to soya-bean oil
    keys.press(Qt.Key.Key_Space)
    keys.tab(2)  # past the "other excipients" line to the daily dose
    keys.type("40")  # supply (30 days) and repeats (0) come filled in
    keys.ctrl_enter()
    assert section() == "counselling"
    keys.ctrl_enter()  # the last section: on to the findings panel
    assert c.result is not None and c.result.complete, [n.text for n in c.result.notes]
    assert c.result.evaluation is not None and c.result.evaluation.findings == ()
    assert checklist.view.panel.sign_button.hasFocus()
    keys.press(Qt.Key.Key_S, ALT)
    dialog = c.sign_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.password.hasFocus())
    keys.type("right")
    with qtbot.waitSignal(checklist.signed):
        keys.press(Qt.Key.Key_Return)
    (request,) = signer.requests
    assert request.visit["dose"] == {"mg_per_day": 40, "days_supply": 30, "refills": 0}
    assert request.visit["contraception"]["methods"] == [
        {"code": "ius", "start_date": "2025-01-20"}
    ]
    assert request.visit["patient"]["allergies"] == []
    assert keys.count == FOLLOW_UP_KEYS


def test_section_and_findings_shortcuts(
    open_checklist: Callable[..., VisitChecklist], keys: Keys
) -> None:
    checklist = open_checklist("initiation")
    view = checklist.view
    keys.press(Qt.Key.Key_3, ALT)
    assert view.current_section_id() == view.section_list.section_ids()[2]
    keys.press(Qt.Key.Key_Return, CTRL | SHIFT)
    assert view.current_section_id() == view.section_list.section_ids()[1]
    keys.press(Qt.Key.Key_PageDown, CTRL)
    assert view.current_section_id() == view.section_list.section_ids()[2]
    before = keys.focus()
    keys.press(Qt.Key.Key_F, CTRL)
    card = keys.focus()
    assert isinstance(card, FindingCard)
    keys.press(Qt.Key.Key_Escape)
    assert keys.focus() is before, "Esc goes back to the question"
    keys.press(Qt.Key.Key_F, CTRL)
    keys.press(Qt.Key.Key_Return)  # Enter on a finding: its question
    assert view.stack.isAncestorOf(keys.focus())
    keys.press(Qt.Key.Key_L, CTRL)
    assert keys.focus() is view.section_list
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    assert view.stack.isAncestorOf(keys.focus())


def test_every_control_has_an_accessible_name(
    open_checklist: Callable[..., VisitChecklist],
) -> None:
    checklist = open_checklist("initiation")
    c = checklist.controller
    for editor in c.editors.values():
        if isinstance(editor, RecordsEditor):
            editor.add_row()
        if isinstance(editor, MultiChoiceEditor) and editor.boxes:
            next(iter(editor.boxes.values())).setChecked(True)
    c.refresh()
    assert checklist.view.panel.cards, "findings are shown, with their justification fields"
    assert controls_without_accessible_name(checklist) == []
    assert QApplication.focusWidget() is not None
