"""The crash dialog for bugs: an unexpected exception, its traceback, and "Copy details".

`CrashHandler.install()` puts it in `sys.excepthook` (app.py does this), so an exception
escaping a slot shows the dialog instead of silently printing. The details hold the
traceback and version numbers only: no local variables, no widget contents, so no patient
data beyond what the exception text itself carries (and errors never carry names).
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("isoface.crash")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]

SUMMARY = (
    "Isoface Desk ran into an unexpected problem, and the last action may not have "
    "finished. Please press “Copy details” and send them to your support contact. "
    "You can keep working; if anything looks wrong, close and reopen the app."
)


def crash_details(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    app_version: str,
) -> str:
    """The text shown and copied: versions, then the traceback (no local variables)."""
    lines = [
        f"Isoface Desk {app_version}",
        f"Python {platform.python_version()}, PySide6 {pyside_version}, {platform.platform()}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    return "\n".join(line.rstrip("\n") for line in lines)


class CrashDialog(QDialog):
    """Summary sentence, read-only details, "Copy details" and "Close"."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unexpected problem")
        self.setAccessibleName("Unexpected problem")
        self.setMinimumWidth(560)
        summary = QLabel(SUMMARY)
        summary.setWordWrap(True)
        summary.setAccessibleName("What happened")
        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setAccessibleName("Technical details")
        self.details_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setAccessibleName("Copy details")
        self.copy_button.setAutoDefault(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(buttons)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)
        close.setFocus()

    def details(self) -> str:
        return self.details_view.toPlainText()

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self.copy_button.setText("Copied")


class CrashHandler:
    """An excepthook that logs the traceback and shows a CrashDialog.

    `show_dialog=False` only logs and records (`last_details`), for tests. A second crash
    while a dialog is open is logged but not shown again, so a failing paint event cannot
    stack up hundreds of dialogs.
    """

    def __init__(self, app_version: str, *, show_dialog: bool = True) -> None:
        self.app_version = app_version
        self.show_dialog = show_dialog
        self.last_details: str | None = None
        self.dialog: CrashDialog | None = None
        self._previous: ExceptHook | None = None

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if self._previous is not None and sys.excepthook is self:
            sys.excepthook = self._previous
        self._previous = None

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = crash_details(exc_type, exc, tb, self.app_version)
        self.last_details = details
        log.error("unexpected exception\n%s", details)
        if not self.show_dialog or QApplication.instance() is None:
            return
        if self.dialog is not None and self.dialog.isVisible():
            return
        try:
            self.dialog = CrashDialog(details, QApplication.activeWindow())
            self.dialog.open()
        except Exception:  # the dialog itself failed: never recurse into ourselves
            sys.__excepthook__(exc_type, exc, tb)
