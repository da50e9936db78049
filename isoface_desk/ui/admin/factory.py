"""Builds the Administration area's page (ui/main_controller's AREA_FACTORIES): users and
settings in two tabs; every change goes through the services, which check the role."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.ui.admin.settings import SettingsPage
from isoface_desk.ui.admin.users import UsersPage
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.tasks import TaskRunner


class AdminPage(QWidget):
    def __init__(self, users: UsersPage, settings: SettingsPage, parent: QWidget | None = None):
        super().__init__(parent)
        self.users, self.settings = users, settings
        self.setAccessibleName("Administration page")
        em = self.fontMetrics().height()
        title = QLabel("Administration")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        title.setAccessibleName("Administration")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Administration sections")
        self.tabs.addTab(users, "&Users")
        self.tabs.addTab(settings, "&Settings and backups")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(int(1.5 * em), em, int(1.5 * em), em // 2)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)


def admin_page(
    actor: Actor,
    services: Services,
    messages: MessageChannel,
    runner: TaskRunner | None = None,
    **choosers: Any,
) -> AdminPage:
    """The page, filled. `choosers` pass test doubles to the pages (new_user, roles,
    password, details, choose_folder, choose_file)."""
    user_keys = {"new_user", "roles", "password", "details"}
    users = UsersPage(services.users, actor, messages,
                      **{k: v for k, v in choosers.items() if k in user_keys})  # fmt: skip
    setting_choosers = {k: v for k, v in choosers.items() if k not in user_keys}
    settings = SettingsPage(services.auth, services.backups, actor, messages, runner,
                            **setting_choosers)  # fmt: skip
    users.refresh()
    settings.refresh()
    return AdminPage(users, settings)
