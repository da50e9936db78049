"""The signed-in person's own account: File › Change my password… (every role).

The dialog asks for the current password, the new one and the new one again, checks the
password policy before anything is sent (its reasons shown in the dialog, in words), then
calls AuthService.change_own_password, which confirms the current password (a wrong one
counts towards the lockout, like a failed sign-in), applies the policy again and records
a "user change" audit event (never the password). A wrong current password or a refused
new one keeps the dialog open with the reason; success closes it and says so. Everything
works from the keyboard: Tab between the fields, Enter for OK, Escape to cancel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from isoface_desk.errors import AuthenticationError, InputError, IsofaceError
from isoface_desk.services.access.passwords import MIN_LENGTH
from isoface_desk.ui.admin.dialogs import CheckedDialog, line_edit, password_problems
from isoface_desk.ui.messages import Severity

if TYPE_CHECKING:
    from isoface_desk.ui.main_controller import ShellController

log = logging.getLogger("isoface.ui.account")

#: (current password, new password): raises AuthenticationError or InputError.
ChangePassword = Callable[[str, str], None]

CHANGED = "Your password was changed. Use the new one from your next sign-in."


class ChangePasswordDialog(CheckedDialog):
    """Current, new and repeated password; OK changes it through `change`."""

    def __init__(self, username: str, change: ChangePassword, parent: QWidget | None = None):
        super().__init__(parent)
        self.username, self._change = username, change
        self.setWindowTitle("Change my password")
        self.setAccessibleName("Change my password")
        self.current = line_edit("Current password", secret=True)
        self.password = line_edit("New password", secret=True)
        self.password.setPlaceholderText(f"At least {MIN_LENGTH} characters, not a common one")
        self.again = line_edit("New password again", secret=True)
        form = QFormLayout()
        form.addRow(QLabel(f"Signed in as {username}."))
        form.addRow("&Current password:", self.current)
        form.addRow("&New password:", self.password)
        form.addRow("New password &again:", self.again)
        self._finish(form)
        self.problem_label.setMinimumWidth(24 * self.fontMetrics().height())
        self.current.setFocus()

    def problems(self) -> list[str]:
        found = [] if self.current.text() else ["Type your current password."]
        new = self.password.text()
        if new and new == self.current.text():
            found.append("The new password must differ from the current one.")
        return found + password_problems(new, self.again.text(), self.username)

    def accept(self) -> None:
        super().accept()
        if self.isVisible() and self.problem_label.text():  # refused: back to what to fix
            field = self.current if not self.current.text() else self.password
            field.setFocus()
            field.selectAll()

    def submit(self) -> list[str]:
        try:
            self._change(self.current.text(), self.password.text())
        except AuthenticationError as exc:
            self.current.clear()
            self.current.setFocus()
            return [str(exc) or "Wrong password."]
        except InputError as exc:
            return list(exc.problems) or [str(exc)]
        except IsofaceError as exc:  # a disabled account, a locked database
            return [str(exc)]
        return []


class AccountActions(QObject):
    """Wires the main window's File › Change my password… to the signed-in person."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.shell = shell
        self.dialog: ChangePasswordDialog | None = None
        shell.window.change_password_action.triggered.connect(self._on_change_password)

    def _on_change_password(self) -> None:
        actor, services = self.shell.actor, self.shell.services
        if actor is None or services is None:
            return

        def change(current: str, new: str) -> None:
            services.auth.change_own_password(actor, current, new)

        dialog = ChangePasswordDialog(actor.username, change, self.shell.window)
        dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_accepted(self) -> None:
        log.info("own password changed")
        self.shell.messages.notice("Password changed", CHANGED, Severity.INFO)
        self.dialog = None
