"""User management: the list of accounts, and add, edit details (display name, licence
number), roles, reset password, disable/enable.

Users are never deleted (their records stay attributable): a disabled account cannot sign
in but keeps its name on everything it did. Every change goes through UserService, which
checks the administrator's permission and records a "user change" event.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.services.access.users import NewUser, UserInfo, UserService
from isoface_desk.services.context import Actor
from isoface_desk.ui.admin.dialogs import (
    DetailsDialog,
    NewUserDialog,
    PasswordDialog,
    RolesDialog,
)
from isoface_desk.ui.messages import MessageChannel, Severity

COLUMNS = ("User name", "Name", "Roles", "Licence", "Status")

AskNewUser = Callable[[QWidget], NewUser | None]
AskRoles = Callable[[QWidget, UserInfo], frozenset[str] | None]
AskPassword = Callable[[QWidget, UserInfo], str | None]
AskDetails = Callable[[QWidget, UserInfo], tuple[str, str] | None]


def ask_new_user(parent: QWidget) -> NewUser | None:
    dialog = NewUserDialog(parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted.value else None


def ask_roles(parent: QWidget, user: UserInfo) -> frozenset[str] | None:
    dialog = RolesDialog(user.username, user.roles, parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted.value else None


def ask_password(parent: QWidget, user: UserInfo) -> str | None:
    dialog = PasswordDialog(user.username, parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted.value else None


def ask_details(parent: QWidget, user: UserInfo) -> tuple[str, str] | None:
    """(display name, licence number), or None when cancelled."""
    dialog = DetailsDialog(user, parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted.value else None


def status_text(user: UserInfo) -> str:
    if not user.active:
        return "Disabled"
    return "Locked (too many failed sign-ins)" if user.locked else "Active"


class UsersPage(QWidget):
    changed = Signal()

    def __init__(
        self,
        users: UserService,
        actor: Actor,
        channel: MessageChannel,
        *,
        new_user: AskNewUser = ask_new_user,
        roles: AskRoles = ask_roles,
        password: AskPassword = ask_password,
        details: AskDetails = ask_details,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.users, self.actor, self.channel = users, actor, channel
        self._ask_new_user, self._ask_roles, self._ask_password = new_user, roles, password
        self._ask_details = details
        self.rows: list[UserInfo] = []
        self.setAccessibleName("Users")
        self._build()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add_user)
        self.details_button.clicked.connect(self.edit_details)
        self.roles_button.clicked.connect(self.change_roles)
        self.password_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)

    def _build(self) -> None:
        em = self.fontMetrics().height()
        intro = QLabel("Users are never deleted: disable an account instead, so that what "
                       "the person did stays attributed to them.")  # fmt: skip
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("userTable")
        self.table.setAccessibleName("User accounts")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column, width in enumerate((9, 12, 14, 9)):
            header.resizeSection(column, width * em)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("&Add user…")
        self.details_button = QPushButton("&Edit details…")
        self.details_button.setAccessibleName("Edit the display name and licence number")
        self.roles_button = QPushButton("Change &roles…")
        self.password_button = QPushButton("Reset &password…")
        self.active_button = QPushButton("&Disable")
        self.active_button.setAccessibleName("Disable or enable the account")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.details_button, self.roles_button,
                       self.password_button, self.active_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(em, em, em, em)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        with self.channel.guard():
            selected = self.selected()
            self.rows = self.users.list_users(self.actor)
            self.table.setRowCount(len(self.rows))
            for row, user in enumerate(self.rows):
                values = (user.username, user.display_name, ", ".join(sorted(user.roles)),
                          user.licence_number, status_text(user))  # fmt: skip
                for column, text in enumerate(values):
                    item = QTableWidgetItem(text)
                    if not user.active:
                        item.setForeground(Qt.GlobalColor.gray)
                    self.table.setItem(row, column, item)
            if selected is not None:
                self.select(selected.id)
        self._update_buttons()

    def selected(self) -> UserInfo | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) and self.table.selectedItems() else None

    def select(self, user_id: int) -> None:
        for row, user in enumerate(self.rows):
            if user.id == user_id:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        user = self.selected()
        for button in (self.details_button, self.roles_button, self.password_button,
                       self.active_button):  # fmt: skip
            button.setEnabled(user is not None)
        self.active_button.setText("&Enable" if user is not None and not user.active
                                   else "&Disable")  # fmt: skip

    # ----- actions

    def _done(self, user: UserInfo, what: str) -> None:
        self.refresh()
        self.select(user.id)
        self.channel.notice("User changed", f"{user.username}: {what}.", Severity.INFO)
        self.changed.emit()

    def add_user(self) -> None:
        new = self._ask_new_user(self)
        if new is None:
            return
        with self.channel.guard():
            self._done(self.users.add_user(self.actor, new), "added")

    def edit_details(self) -> None:
        user = self.selected()
        details = self._ask_details(self, user) if user is not None else None
        if user is None or details is None:
            return
        name, licence = details
        with self.channel.guard():
            changed = self.users.update_details(self.actor, user.id, display_name=name,
                                                licence_number=licence)  # fmt: skip
            self._done(changed, "details saved")

    def change_roles(self) -> None:
        user = self.selected()
        roles = self._ask_roles(self, user) if user is not None else None
        if user is None or roles is None:
            return
        with self.channel.guard():
            changed = self.users.set_roles(self.actor, user.id, roles)
            self._done(changed, "roles now " + ", ".join(sorted(changed.roles)))

    def reset_password(self) -> None:
        user = self.selected()
        password = self._ask_password(self, user) if user is not None else None
        if user is None or password is None:
            return
        with self.channel.guard():
            self._done(self.users.reset_password(self.actor, user.id, password),
                       "password reset, account unlocked")  # fmt: skip

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        with self.channel.guard():
            changed = self.users.set_active(self.actor, user.id, not user.active)
            self._done(changed, "enabled" if changed.active else "disabled")
