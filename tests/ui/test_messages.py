"""The message channel: typed errors become plain-language messages, one channel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from isoface_desk import errors
from isoface_desk.ui.messages import MessageChannel, Severity, message_for


@pytest.fixture
def channel(qtbot: QtBot) -> MessageChannel:
    return MessageChannel(show_dialogs=False)


@pytest.mark.parametrize(
    ("error", "title", "phrase", "severity"),
    [
        (
            errors.InputError(["weight_kg: must be above 0", "date: not a date"]),
            "Please check what was entered",
            "Nothing was saved",
            Severity.WARNING,
        ),
        (
            errors.AccessDenied("signing a visit needs the dermatologist role"),
            "Not allowed for your role",
            "Ask an administrator",
            Severity.WARNING,
        ),
        (
            errors.StorageError("the database is locked"),
            "The database could not be used",
            "Wait a moment and try again",
            Severity.ERROR,
        ),
        (
            errors.ImmutableRecordError("record 42 is signed"),
            "Signed records cannot be changed",
            "create a correction",
            Severity.WARNING,
        ),
        (
            errors.IntegrityError("record 7: content edited"),
            "Stored data failed its integrity check",
            "isoface-desk verify",
            Severity.ERROR,
        ),
        (
            errors.NotFound("patient 12 does not exist"),
            "Not found",
            "Refresh the list",
            Severity.WARNING,
        ),
        (
            errors.AuthenticationError("wrong user name or password"),
            "Sign-in failed",
            "locked for 15 minutes",
            Severity.WARNING,
        ),
        (
            errors.FormDataError(["forms/x.toml: items.0.id: missing"]),
            "A form definition is invalid",
            "check-forms",
            Severity.ERROR,
        ),
        (
            errors.IsofaceError("something expected"),
            "Something could not be done",
            "Try again",
            Severity.WARNING,
        ),
    ],
)
def test_each_error_kind_has_its_wording(
    channel: MessageChannel,
    error: errors.IsofaceError,
    title: str,
    phrase: str,
    severity: Severity,
) -> None:
    message = channel.report(error)
    assert channel.captured == [message]
    assert message.kind == type(error).__name__
    assert message.title == title
    assert phrase in message.text
    assert str(error).splitlines()[0] in message.text
    assert message.severity is severity


def test_input_problems_are_listed_one_per_line() -> None:
    message = message_for(errors.InputError(["weight_kg: must be above 0", "date: not a date"]))
    assert message.text.startswith("• weight_kg: must be above 0\n• date: not a date\n\n")


def test_guard_reports_expected_errors_and_lets_bugs_through(channel: MessageChannel) -> None:
    with channel.guard():
        raise errors.StorageError("disk full")
    assert [m.kind for m in channel.captured] == ["StorageError"]
    with pytest.raises(ZeroDivisionError), channel.guard():
        _ = 1 / 0
    assert len(channel.captured) == 1


def test_shown_signal_carries_the_message(qtbot: QtBot, channel: MessageChannel) -> None:
    with qtbot.waitSignal(channel.shown) as blocker:
        channel.notice("Demo data is not available", "No demo module.")
    assert blocker.args[0].title == "Demo data is not available"
    assert blocker.args[0].kind == "notice"


def test_dialog_mode_shows_a_modal_box(qtbot: QtBot) -> None:
    channel = MessageChannel(show_dialogs=True)
    seen: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.windowTitle(), box.informativeText()))
        box.accept()

    QTimer.singleShot(0, read_and_close)
    channel.report(errors.AccessDenied("auditors cannot sign"))
    assert seen and seen[0][0] == "Not allowed for your role"
    assert "auditors cannot sign" in seen[0][1]
