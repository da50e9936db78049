"""The PHQ-9 in the checklist: the nine official items, answered with digit keys, the live
total and band, the item-9 alert and the findings that follow it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from isoface_desk.domain.phq9 import ITEMS
from isoface_desk.ui.visit import VisitChecklist
from isoface_desk.ui.visit.questionnaire_editor import QuestionnaireEditor
from tests.ui.visit.conftest import Keys

OFFICIAL_ITEM_1 = "Little interest or pleasure in doing things"
OFFICIAL_ITEM_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"


def test_phq9_digits_give_a_live_total_band_and_alert(
    open_checklist: Callable[..., VisitChecklist], keys: Keys
) -> None:
    checklist = open_checklist("follow-up")
    c = checklist.controller
    c.go_to_section("mental-health")
    phq9 = c.editors["phq9"]
    assert isinstance(phq9, QuestionnaireEditor)
    items = phq9.questionnaire.items
    assert len(items) == ITEMS == 9
    assert (items[0].text, items[8].text) == (OFFICIAL_ITEM_1, OFFICIAL_ITEM_9)
    assert phq9.buttons[0][0] is keys.focus(), "the section opens on item 1"

    keys.type("3210")
    assert phq9.total_text() == "Total so far 6 (4 of 9 items answered)"
    assert not phq9.alert_label.isVisible()
    assert phq9.buttons[4][0] is keys.focus(), "each digit answers and moves on"
    keys.type("22100")  # items 5 to 9: total 11, item 9 = 0
    assert phq9.value() == {"items": [3, 2, 1, 0, 2, 2, 1, 0, 0], "difficulty": None}
    assert phq9.total_text() == "Total 11 of 27: Moderate depression"
    codes = [card.finding.code for card in checklist.view.panel.ordered_cards()]
    assert "PHQ9_MODERATE_OR_WORSE" in codes and "PHQ9_SELF_HARM" not in codes
    assert "PHQ-9: <b>11</b> (moderate)" in checklist.view.panel.figures_label.text()
    action = checklist.view.question_widget("phq9_action")
    assert action.isHidden()

    # Item 9 above 0: the alert, the blocking finding, and the action question appears.
    phq9.buttons[8][0].setFocus()
    keys.type("1")
    assert phq9.total_text() == "Total 12 of 27: Moderate depression"
    assert phq9.alert_label.isVisible()
    codes = [card.finding.code for card in checklist.view.panel.ordered_cards()]
    assert "PHQ9_SELF_HARM" in codes
    assert checklist.view.panel.cards["PHQ9_SELF_HARM"].finding.severity == "block"
    assert not action.isHidden()

    # Lowering answers moves the band down live (arrows move within an item).
    phq9.buttons[0][3].setFocus()
    keys.press(Qt.Key.Key_0)
    phq9.buttons[1][2].setFocus()
    keys.press(Qt.Key.Key_0)
    assert phq9.total_text() == "Total 7 of 27: Mild depression"
