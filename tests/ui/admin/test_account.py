"""File › Change my password… on the real app and a real demo database, keyboard only:
a nurse (any role has it) types the current password, the new one twice, and Enter. A
wrong current password and a common new one keep the dialog open with the reason in
words; the change is a "user change" audit event, the new password signs in, the old one
no longer does. Signed out, the menu does not offer it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from isoface_desk.errors import AuthenticationError
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from isoface_desk.ui.account import CHANGED, ChangePasswordDialog
from tests.ui.app_support import PASSWORD, App, app_on, copy_of, demo_template  # noqa: F401

NEW = "Lilac-harbour-2031"


def fill(dialog: ChangePasswordDialog, *texts: str) -> None:
    """Type `texts` into the fields in tab order from the focused one, then Enter. A field
    reached by Tab, or refocused after a refusal, has its text selected, so typing
    replaces it."""
    order = [dialog.current, dialog.password, dialog.again]
    first = order.index(QApplication.focusWidget())  # type: ignore[arg-type]
    fields = order[first : first + len(texts)]
    for field, text in zip(fields, texts, strict=True):
        assert QApplication.focusWidget() is field
        if field is not fields[0]:
            assert field.selectedText() == field.text()
        QTest.keyClicks(field, text)
        if field is not fields[-1]:
            QTest.keyClick(field, Qt.Key.Key_Tab)
    QTest.keyClick(fields[-1], Qt.Key.Key_Return)


def open_dialog(app: App) -> ChangePasswordDialog:
    action = app.window.change_password_action
    assert action.isVisible() and action.isEnabled()
    action.trigger()
    dialog = app.parts.shell.account.dialog
    assert isinstance(dialog, ChangePasswordDialog)
    app.qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.current)
    return dialog


def test_a_nurse_changes_her_own_password_with_the_keyboard(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url)
    assert not app.window.change_password_action.isVisible()  # signed out
    app.sign_in_ok("nurse")
    dialog = open_dialog(app)
    assert dialog.windowTitle() == "Change my password"

    fill(dialog, "not-my-password", "password123", "password124")
    shown = dialog.problem_label.text()
    assert dialog.isVisible() and "too common" in shown and "differ" in shown
    assert QApplication.focusWidget() is dialog.password
    assert dialog.password.selectedText() == "password123"

    fill(dialog, NEW, NEW)  # typed over the refused ones; the current password is wrong
    assert dialog.isVisible() and "Wrong password." in dialog.problem_label.text()
    assert QApplication.focusWidget() is dialog.current and dialog.current.text() == ""

    fill(dialog, PASSWORD)
    app.qtbot.waitUntil(lambda: not dialog.isVisible())
    assert app.channel.captured[-1].text == CHANGED
    services = app.services()
    with read_scope(services.engine) as session:
        event = recent_events(session, 1, action="user change")[0]
    nurse = services.auth.login("nurse", NEW)
    assert (event.actor, event.target_id, event.details) == (
        "nurse", str(nurse.user_id), {"change": "password"})  # fmt: skip
    with pytest.raises(AuthenticationError):
        services.auth.login("nurse", PASSWORD)


def test_escape_cancels_and_changes_nothing(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url)
    app.sign_in_ok("auditor")
    dialog = open_dialog(app)
    QTest.keyClicks(dialog.current, PASSWORD)
    QTest.keyClick(dialog.current, Qt.Key.Key_Escape)
    app.qtbot.waitUntil(lambda: not dialog.isVisible())
    assert app.services().auth.login("auditor", PASSWORD).username == "auditor"
