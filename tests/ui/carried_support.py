"""Tests that fill a checklist programmatically confirm what it carried, as the prescriber
would: the "Unchanged" button of each section that waits for it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from isoface_desk.ui.visit.checklist_controller import ChecklistController


def confirm_carried(qtbot: QtBot, c: ChecklistController) -> list[str]:
    """Click "Unchanged" in every section still waiting; the sections confirmed."""
    done = []
    for sid in c.visible_section_ids():
        if c.carried.needs(sid):
            c.go_to_section(sid, focus=False)
            qtbot.mouseClick(c.view.pages[sid].banner.button, Qt.MouseButton.LeftButton)
            done.append(sid)
    return done
