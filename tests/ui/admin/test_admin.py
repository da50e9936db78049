"""The Administration area on a real demo database: users added, re-roled, reset and
disabled through the page (the services check and audit each change), the dialogs'
checks, the idle lock setting, the daily backup folder, a backup now, and the app's daily
backup timer that writes today's file once in the background."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.errors import AuthenticationError
from isoface_desk.services.access.users import NewUser
from isoface_desk.services.bundle import Services
from isoface_desk.services.clinic.backup import BackupService, daily_file_name
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.admin.daily_backup import DailyBackup
from isoface_desk.ui.admin.dialogs import NewUserDialog, PasswordDialog
from isoface_desk.ui.admin.factory import AdminPage, admin_page
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.tasks import TaskRunner
from tests.pdf_world import PdfWorld, pdf_world

NEW_PASSWORD = "Lilac-harbour-2031"


@dataclass
class Admin:
    page: AdminPage
    channel: MessageChannel
    services: Services
    answers: dict[str, object]


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> PdfWorld:
    return pdf_world(tmp_path_factory, "admin-ui")


@pytest.fixture
def admin(qtbot: QtBot, world: PdfWorld, tmp_path: Path) -> Iterator[Admin]:
    services = world.open()
    actor = services.auth.login("admin", DEMO_PASSWORD)
    channel = MessageChannel(show_dialogs=False)
    answers: dict[str, object] = {"folder": tmp_path, "file": tmp_path / "now.sqlite3"}
    page = admin_page(
        actor, services, channel, None,
        new_user=lambda _p: answers.get("new_user"),
        roles=lambda _p, _u: answers.get("roles"),
        password=lambda _p, _u: answers.get("password"),
        choose_folder=lambda _p, _c: answers.get("folder"),
        choose_file=lambda _p, _s: answers.get("file"),
    )  # fmt: skip
    qtbot.addWidget(page)
    page.show()
    try:
        yield Admin(page, channel, services, answers)
    finally:
        services.close()


def newest(services: Services) -> tuple[str, str, dict[str, object]]:
    with read_scope(services.engine) as session:
        event = recent_events(session, 1)[0]
    return event.actor, event.action, event.details


def select_user(a: Admin, username: str) -> None:
    users = a.page.users
    users.select(next(u.id for u in users.rows if u.username == username))


def test_users_are_added_reroled_reset_and_disabled(admin: Admin) -> None:
    users = admin.page.users
    assert {u.username for u in users.rows} >= {"derm", "nurse", "auditor", "admin"}
    assert not controls_without_accessible_name(admin.page)
    admin.answers["new_user"] = NewUser("nina", "Nina Nurse", frozenset({"nurse"}), NEW_PASSWORD)
    QTest.mouseClick(users.add_button, Qt.MouseButton.LeftButton)
    assert admin.channel.captured[-1].text == "nina: added."
    chosen = users.selected()
    assert chosen is not None and chosen.username == "nina"
    admin.answers["roles"] = frozenset({"nurse", "auditor"})
    QTest.mouseClick(users.roles_button, Qt.MouseButton.LeftButton)
    assert users.selected().roles == {"nurse", "auditor"}  # type: ignore[union-attr]
    admin.answers["password"] = "Another-plum-tree-7"
    QTest.mouseClick(users.password_button, Qt.MouseButton.LeftButton)
    signed_in = admin.services.auth.login("nina", "Another-plum-tree-7")
    assert signed_in.roles == {"nurse", "auditor"}
    QTest.mouseClick(users.active_button, Qt.MouseButton.LeftButton)
    assert newest(admin.services) == ("admin", "user change", {"change": "disable"})
    row = users.table.currentRow()
    assert users.table.item(row, 4).text() == "Disabled"
    assert users.active_button.text() == "&Enable"
    with pytest.raises(AuthenticationError):
        admin.services.auth.login("nina", "Another-plum-tree-7")


def test_a_refused_change_is_reported_and_changes_nothing(admin: Admin) -> None:
    users = admin.page.users
    select_user(admin, "admin")
    QTest.mouseClick(users.active_button, Qt.MouseButton.LeftButton)  # disable yourself
    assert admin.channel.captured[-1].kind == "InputError"
    assert users.selected().active  # type: ignore[union-attr]


def test_the_dialogs_check_before_closing(qtbot: QtBot) -> None:
    dialog = NewUserDialog()
    qtbot.addWidget(dialog)
    dialog.username.setText("dr who")
    dialog.password.setText("password123")
    dialog.again.setText("password12")
    dialog.accept()
    shown = dialog.problem_label.text()
    for words in ("without spaces", "name people see", "licence number", "too common",
                  "differ"):  # fmt: skip
        assert words in shown
    assert dialog.result() == 0
    reset = PasswordDialog("nina")
    qtbot.addWidget(reset)
    reset.password.setText(NEW_PASSWORD)
    reset.again.setText(NEW_PASSWORD)
    reset.accept()
    assert reset.result() == 1 and reset.values() == NEW_PASSWORD


def test_settings_idle_lock_and_backups(admin: Admin, tmp_path: Path) -> None:
    settings = admin.page.settings
    settings.idle_minutes.setValue(25)
    QTest.mouseClick(settings.idle_save, Qt.MouseButton.LeftButton)
    assert admin.services.auth.idle_lock_minutes() == 25
    QTest.mouseClick(settings.folder_button, Qt.MouseButton.LeftButton)
    assert settings.folder.text() == str(tmp_path)
    assert "today's is due" in settings.daily_status.text()
    QTest.mouseClick(settings.backup_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "now.sqlite3").stat().st_size > 0
    assert settings.backup_status.text().startswith(f"Written to {tmp_path / 'now.sqlite3'}")
    assert newest(admin.services)[:2] == ("admin", "backup")
    assert settings.encryption.text().startswith("Not encrypted")
    QTest.mouseClick(settings.folder_off, Qt.MouseButton.LeftButton)
    assert settings.folder.text() == "" and "no daily backup" in settings.daily_status.text()


def test_the_daily_backup_runs_once_a_day_in_the_background(
    admin: Admin, qtbot: QtBot, tmp_path: Path
) -> None:
    backups = BackupService(admin.services.engine, now=admin.services.auth.now)
    backups.set_daily_folder(admin.services.auth.login("admin", DEMO_PASSWORD), tmp_path)
    old = tmp_path / daily_file_name(dt.date(2020, 1, 1))
    old.write_bytes(b"an old daily backup")
    daily = DailyBackup(backups, TaskRunner())
    with qtbot.waitSignal(daily.done, timeout=20_000) as done:
        assert daily.check() is not None
    today = tmp_path / daily_file_name(backups.today())
    assert done.args[0].path == today and today.stat().st_size > 0
    assert old.exists()  # fewer than 30 daily files: nothing pruned
    assert daily.check() is None  # today's is there: not due again
    assert newest(admin.services)[:2] == ("daily backup", "backup")
