"""Administration › Users › Edit details… on a real demo database, through the real
dialog (opened modally, as in the app, and typed into with the keyboard): a
dermatologist's licence cannot be emptied, a new display name and licence are saved
through UserService.update_details, shown in the list, and recorded as a "user change"
event naming the changed fields (not their values)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.errors import InputError
from isoface_desk.services.bundle import Services
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from isoface_desk.ui.admin.dialogs import DetailsDialog
from isoface_desk.ui.admin.factory import AdminPage, admin_page
from isoface_desk.ui.messages import MessageChannel
from tests.pdf_world import pdf_world


@pytest.fixture
def opened(qtbot: QtBot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[AdminPage, MessageChannel, Services]]:  # fmt: skip
    services = pdf_world(tmp_path_factory, "admin-details").open()
    channel = MessageChannel(show_dialogs=False)
    page = admin_page(services.auth.login("admin", DEMO_PASSWORD), services, channel)
    qtbot.addWidget(page)
    page.show()
    try:
        yield page, channel, services
    finally:
        services.close()


def type_over(field: QLineEdit, text: str) -> None:
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(field, text) if text else QTest.keyClick(field, Qt.Key.Key_Delete)


def test_an_administrator_edits_a_dermatologists_details(
    opened: tuple[AdminPage, MessageChannel, Services], qtbot: QtBot
) -> None:
    page, channel, services = opened
    users = page.users
    derm = next(u for u in users.rows if u.username == "derm")
    users.select(derm.id)
    seen: dict[str, object] = {}

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, DetailsDialog)
            seen["start"] = (dialog.display_name.text(), dialog.licence.text())
            qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.display_name)
            type_over(dialog.display_name, "Dr Dana Derm-Smith")
            QTest.keyClick(dialog.display_name, Qt.Key.Key_Tab)
            type_over(dialog.licence, "")
            QTest.keyClick(dialog.licence, Qt.Key.Key_Return)
            seen["refused"] = (dialog.isVisible(), dialog.problem_label.text())
            QTest.keyClicks(dialog.licence, "GMC 1234568")
            QTest.keyClick(dialog.licence, Qt.Key.Key_Return)
        finally:
            if dialog is not None and dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, in_the_dialog)
    QTest.mouseClick(users.details_button, Qt.MouseButton.LeftButton)

    assert seen["start"] == (derm.display_name, derm.licence_number)
    assert seen["refused"] == (True, "A dermatologist needs a licence number.")
    assert channel.captured[-1].text == "derm: details saved."
    row = users.table.currentRow()
    assert (users.table.item(row, 1).text(), users.table.item(row, 3).text()) == (
        "Dr Dana Derm-Smith", "GMC 1234568")  # fmt: skip
    with read_scope(services.engine) as session:
        event = recent_events(session, 1)[0]
    assert (event.actor, event.action, event.target_id, event.details) == (
        "admin", "user change", str(derm.id),
        {"change": "details", "fields": ["display_name", "licence_number"]})  # fmt: skip
    assert services.auth.login("derm", DEMO_PASSWORD).licence_number == "GMC 1234568"


def test_the_service_refuses_an_empty_display_name(
    opened: tuple[AdminPage, MessageChannel, Services],
) -> None:
    page, _, services = opened
    users = page.users
    nurse = next(u for u in users.rows if u.username == "nurse")
    admin = services.auth.login("admin", DEMO_PASSWORD)
    with pytest.raises(InputError, match="display name"):
        services.users.update_details(admin, nurse.id, display_name=" ", licence_number="")
    assert services.auth.login("nurse", DEMO_PASSWORD).display_name == nurse.display_name
