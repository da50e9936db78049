"""Dialogs of user management: a new user, their roles, a new password, their details.

Each dialog checks what it can before OK is accepted (the password policy of
services.passwords, matching confirmation, at least one role); the service checks again.
`values()` reads a dialog; the page opens them with exec() unless a test injects answers.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.services.access.passwords import MIN_LENGTH, policy_problems
from isoface_desk.services.access.permissions import ROLES
from isoface_desk.services.access.users import NewUser, UserInfo

ROLE_TITLES = {
    "dermatologist": "Dermatologist (signs visits)",
    "nurse": "Nurse (lab orders and results)",
    "auditor": "Auditor (reads everything, changes nothing)",
    "admin": "Administrator (users and settings)",
}


def line_edit(name: str, *, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class RoleBoxes(QWidget):
    """One check box per role."""

    def __init__(self, chosen: Iterable[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        held = set(chosen)
        for role in ROLES:
            box = QCheckBox(ROLE_TITLES[role])
            box.setAccessibleName(f"Role {role}")
            box.setChecked(role in held)
            self.boxes[role] = box
            layout.addWidget(box)

    def roles(self) -> frozenset[str]:
        return frozenset(role for role, box in self.boxes.items() if box.isChecked())


class CheckedDialog(QDialog):
    """OK runs `problems()` first and shows them instead of closing, then `submit()`."""

    def _finish(self, body: QWidget | QFormLayout) -> None:
        self.problem_label = QLabel()
        self.problem_label.setAccessibleName("Problems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if isinstance(body, QFormLayout):
            layout.addLayout(body)
        else:
            layout.addWidget(body)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def problems(self) -> list[str]:
        return []

    def submit(self) -> list[str]:
        """Done once `problems()` found none: what went wrong (empty: close the dialog)."""
        return []

    def accept(self) -> None:
        found = self.problems() or self.submit()
        self.problem_label.setText("\n".join(found))
        if not found:
            super().accept()


def password_problems(password: str, again: str, username: str) -> list[str]:
    problems = policy_problems(password, username)
    if password != again:
        problems.append("The two passwords differ.")
    return problems


class NewUserDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a user")
        self.setAccessibleName("Add a user")
        self.username = line_edit("User name")
        self.display_name = line_edit("Display name")
        self.licence = line_edit("Licence number")
        self.licence.setPlaceholderText("Dermatologists: e.g. GMC 1234567")
        self.roles = RoleBoxes(("dermatologist",))
        self.password = line_edit("Password", secret=True)
        self.password.setPlaceholderText(f"At least {MIN_LENGTH} characters, not a common one")
        self.again = line_edit("Password again", secret=True)
        form = QFormLayout()
        for label, widget in (("User &name:", self.username), ("&Display name:",
                              self.display_name), ("&Licence number:", self.licence),
                              ("Roles:", self.roles), ("&Password:", self.password),
                              ("Password &again:", self.again)):  # fmt: skip
            form.addRow(label, widget)
        self._finish(form)

    def values(self) -> NewUser:
        return NewUser(
            username=self.username.text().strip(),
            display_name=self.display_name.text().strip(),
            roles=self.roles.roles(),
            password=self.password.text(),
            licence_number=self.licence.text().strip(),
        )

    def problems(self) -> list[str]:
        new = self.values()
        found = []
        if not new.username or " " in new.username:
            found.append("Give a user name without spaces.")
        if not new.display_name:
            found.append("Give the name people see.")
        if not new.roles:
            found.append("Choose at least one role.")
        if "dermatologist" in new.roles and not new.licence_number:
            found.append("A dermatologist needs a licence number.")
        return found + password_problems(new.password, self.again.text(), new.username)


class RolesDialog(CheckedDialog):
    def __init__(self, username: str, roles: Iterable[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Roles of {username}")
        self.setAccessibleName(f"Roles of {username}")
        self.roles = RoleBoxes(roles)
        self._finish(self.roles)

    def values(self) -> frozenset[str]:
        return self.roles.roles()

    def problems(self) -> list[str]:
        return [] if self.values() else ["Choose at least one role."]


class PasswordDialog(CheckedDialog):
    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = username
        self.setWindowTitle(f"New password for {username}")
        self.setAccessibleName(f"New password for {username}")
        self.password = line_edit("New password", secret=True)
        self.again = line_edit("New password again", secret=True)
        form = QFormLayout()
        form.addRow("&New password:", self.password)
        form.addRow("&Again:", self.again)
        note = QHBoxLayout()
        note.addWidget(QLabel("The account is unlocked as well. Tell the person in person."))
        form.addRow(note)
        self._finish(form)

    def values(self) -> str:
        return self.password.text()

    def problems(self) -> list[str]:
        return password_problems(self.password.text(), self.again.text(), self.username)


class DetailsDialog(CheckedDialog):
    """A user's display name and professional licence number (UserService.update_details)."""

    def __init__(self, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(f"Details of {user.username}")
        self.setAccessibleName(f"Details of {user.username}")
        self.display_name = line_edit("Display name")
        self.display_name.setText(user.display_name)
        self.licence = line_edit("Licence number")
        self.licence.setText(user.licence_number)
        self.licence.setPlaceholderText("Dermatologists: e.g. GMC 1234567")
        form = QFormLayout()
        form.addRow("&Display name:", self.display_name)
        form.addRow("&Licence number:", self.licence)
        form.addRow(QLabel("The user name and the signed records keep their names."))
        self._finish(form)

    def values(self) -> tuple[str, str]:
        return self.display_name.text().strip(), self.licence.text().strip()

    def problems(self) -> list[str]:
        name, licence = self.values()
        found = [] if name else ["Give the name people see."]
        if "dermatologist" in self.user.roles and not licence:
            found.append("A dermatologist needs a licence number.")
        return found
