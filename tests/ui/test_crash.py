"""The crash dialog: traceback in the details, "Copy details" puts them on the clipboard."""

from __future__ import annotations

import sys
from types import TracebackType

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from isoface_desk.ui.crash import CrashDialog, CrashHandler, crash_details

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _failing_call() -> ExcInfo:
    patient_name = "Zoë Ångström"  # a local: must never reach the details
    try:
        raise RuntimeError(f"boom after {len(patient_name)} characters")
    except RuntimeError as exc:
        return type(exc), exc, exc.__traceback__


def test_details_hold_the_traceback_but_no_local_values() -> None:
    details = crash_details(*_failing_call(), app_version="1.2.3")
    assert details.startswith("Isoface Desk 1.2.3\nPython ")
    assert "Traceback (most recent call last)" in details
    assert "_failing_call" in details
    assert "RuntimeError: boom after 12 characters" in details
    assert "Ångström" not in details


@pytest.mark.allow_log_warnings("isoface.crash")  # the crash it provokes is logged
def test_handler_shows_dialog_and_copy_fills_clipboard(qtbot: QtBot) -> None:
    handler = CrashHandler("1.2.3")
    handler(*_failing_call())
    dialog = handler.dialog
    assert isinstance(dialog, CrashDialog)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.isVisible)
    assert "RuntimeError: boom" in dialog.details()
    assert dialog.details() == handler.last_details
    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.details()
    assert dialog.copy_button.text() == "Copied"
    handler(*_failing_call())  # a second crash while the dialog is open: no second dialog
    assert handler.dialog is dialog


def test_install_puts_the_handler_in_excepthook_and_uninstall_restores() -> None:
    before = sys.excepthook
    handler = CrashHandler("1.2.3", show_dialog=False)
    handler.install()
    try:
        assert sys.excepthook is handler
    finally:
        handler.uninstall()
    assert sys.excepthook is before


def test_crash_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    handler = CrashHandler("1.2.3", show_dialog=False)
    with caplog.at_level("ERROR", logger="isoface.crash"):
        handler(*_failing_call())
    assert "RuntimeError: boom" in caplog.text
    assert handler.dialog is None
