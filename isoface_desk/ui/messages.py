"""The one channel for messages to people: typed errors become plain-language dialogs.

Lower layers raise the kinds in `isoface_desk.errors`; a controller hands them to
`MessageChannel.report` (or wraps a service call in `with channel.guard():`). Each kind gets
a title and a sentence on what to do next. Tests build the channel with
`show_dialogs=False` and read `channel.captured` instead of clicking dialogs away.

Bugs (any exception that is not an IsofaceError) do not come here: they go to the
excepthook and the crash dialog (ui/crash.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

import isoface_desk.errors as errors

log = logging.getLogger("isoface.ui.messages")


class Severity(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Message:
    """What a person is told: `kind` is the error class name (or "notice")."""

    kind: str
    severity: Severity
    title: str
    text: str


@dataclass(frozen=True)
class _Wording:
    title: str
    advice: str
    severity: Severity = Severity.WARNING


# Most specific first: the first isinstance match wins.
_WORDING: tuple[tuple[type[errors.IsofaceError], _Wording], ...] = (
    (
        errors.FormDataError,
        _Wording(
            "A form definition is invalid",
            "The forms folder has a mistake, so this form cannot be used. "
            "Ask your administrator to run “isoface-desk check-forms” and correct the file.",
            Severity.ERROR,
        ),
    ),
    (
        errors.InputError,
        _Wording(
            "Please check what was entered",
            "Correct the values above and try again. Nothing was saved.",
        ),
    ),
    (
        errors.AccessDenied,
        _Wording(
            "Not allowed for your role",
            "Your role does not allow this. Ask an administrator if you need access.",
        ),
    ),
    (
        errors.AuthenticationError,
        _Wording(
            "Sign-in failed",
            "Check the user name and password. After five failed attempts the account "
            "is locked for 15 minutes.",
        ),
    ),
    (
        errors.NotFound,
        _Wording(
            "Not found",
            "It may have been removed or never existed. Refresh the list and try again.",
        ),
    ),
    (
        errors.ImmutableRecordError,
        _Wording(
            "Signed records cannot be changed",
            "A signed record stays exactly as it was signed. To correct it, create a "
            "correction: a new record that refers to the original.",
        ),
    ),
    (
        errors.IntegrityError,
        _Wording(
            "Stored data failed its integrity check",
            "Do not rely on the affected records. Tell your administrator, who can run "
            "“isoface-desk verify” to list what is damaged.",
            Severity.ERROR,
        ),
    ),
    (
        errors.CommitAtRiskError,
        _Wording(
            "Your last change may not have been kept",
            "Close every other program that has the database open (a database viewer, a "
            "file-sync or backup tool, Isoface Desk on another computer using a network "
            "folder), restart Isoface Desk and check the change; enter it again if it is "
            "missing. Tell your administrator.",
            Severity.ERROR,
        ),
    ),
    (
        errors.StorageError,
        _Wording(
            "The database could not be used",
            "Nothing was saved by this action. Wait a moment and try again; if it keeps "
            "happening, check that the disk is not full and tell your administrator.",
            Severity.ERROR,
        ),
    ),
)

_DEFAULT = _Wording("Something could not be done", "Try again, or tell your administrator.")


def message_for(error: errors.IsofaceError) -> Message:
    """The plain-language message for a typed error (pure: no dialog)."""
    wording = next((w for kind, w in _WORDING if isinstance(error, kind)), _DEFAULT)
    if isinstance(error, errors.InputError) and error.problems:
        detail = "\n".join(f"• {p}" for p in error.problems)
    else:
        detail = str(error).strip()
    text = f"{detail}\n\n{wording.advice}" if detail else wording.advice
    return Message(type(error).__name__, wording.severity, wording.title, text)


_ICONS = {
    Severity.INFO: QMessageBox.Icon.Information,
    Severity.WARNING: QMessageBox.Icon.Warning,
    Severity.ERROR: QMessageBox.Icon.Critical,
}


class MessageChannel(QObject):
    """Shows messages as modal dialogs, or only records them (`show_dialogs=False`).

    `shown` is emitted for every message, dialog or not; `captured` keeps them in order.
    """

    shown = Signal(object)  # Message

    def __init__(self, parent_widget: QWidget | None = None, *, show_dialogs: bool = True) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self.show_dialogs = show_dialogs
        self.captured: list[Message] = []
        self.confirm_answer = False  # what confirm() answers without dialogs (tests)

    def set_parent_widget(self, widget: QWidget | None) -> None:
        """The window dialogs are centred on (the main window, once it exists)."""
        self._parent_widget = widget

    def report(self, error: errors.IsofaceError) -> Message:
        """Tell the person about an expected failure."""
        message = message_for(error)
        log.info("message shown: %s", message.kind)  # the kind only: texts may name records
        self._deliver(message)
        return message

    def notice(self, title: str, text: str, severity: Severity = Severity.INFO) -> Message:
        """A message that is not an error (e.g. "demo data is not available in this build")."""
        message = Message("notice", severity, title, text)
        log.info("notice shown: %s", title)
        self._deliver(message)
        return message

    def confirm(self, title: str, text: str, action: str) -> bool:
        """Ask before something that cannot be undone: True when the person chose `action`
        (the default button is Cancel). Without dialogs: `confirm_answer`."""
        message = Message("question", Severity.WARNING, title, text)
        log.info("question asked: %s", title)
        self.captured.append(message)
        self.shown.emit(message)
        if not self.show_dialogs:
            return self.confirm_answer
        box = QMessageBox(self._parent_widget)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        box.setText(title)
        box.setInformativeText(text)
        box.setAccessibleName(title)
        box.setAccessibleDescription(text)
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is yes

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Run a block; an IsofaceError raised inside is reported and swallowed.

        Anything else propagates to the excepthook (a bug, shown by the crash dialog).
        """
        try:
            yield
        except errors.IsofaceError as exc:
            self.report(exc)

    def _deliver(self, message: Message) -> None:
        self.captured.append(message)
        self.shown.emit(message)
        if not self.show_dialogs:
            return
        box = QMessageBox(self._parent_widget)
        box.setIcon(_ICONS[message.severity])
        box.setWindowTitle(message.title)
        box.setText(message.title)
        box.setInformativeText(message.text)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAccessibleName(message.title)
        box.setAccessibleDescription(message.text)
        box.exec()
