"""Clinic settings the administrator changes here: the idle lock, the daily backup folder,
a backup now; and whether the database is encrypted at rest (SQLCipher)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.errors import IsofaceError
from isoface_desk.services.access.auth import IDLE_RANGE, AuthService
from isoface_desk.services.clinic.backup import BackupResult, BackupService, daily_file_name
from isoface_desk.services.context import Actor
from isoface_desk.ui.messages import MessageChannel, Severity
from isoface_desk.ui.tasks import TaskRunner

FolderChooser = Callable[[QWidget, Path | None], Path | None]
FileChooser = Callable[[QWidget, str], Path | None]


def ask_folder(parent: QWidget, current: Path | None) -> Path | None:
    start = str(current) if current else str(Path.home())
    name = QFileDialog.getExistingDirectory(parent, "Folder for the daily backup", start)
    return Path(name) if name else None


def ask_backup_file(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Back up the database to",
                                          str(Path.home() / suggested),
                                          "SQLite databases (*.sqlite3)")  # fmt: skip
    return Path(name) if name else None


def _group(title: str, name: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    box.setAccessibleName(name)
    return box, QFormLayout(box)


class SettingsPage(QWidget):
    def __init__(
        self,
        auth: AuthService,
        backups: BackupService,
        actor: Actor,
        channel: MessageChannel,
        runner: TaskRunner | None = None,
        *,
        choose_folder: FolderChooser = ask_folder,
        choose_file: FileChooser = ask_backup_file,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.auth, self.backups, self.actor = auth, backups, actor
        self.channel, self.runner = channel, runner
        self._choose_folder, self._choose_file = choose_folder, choose_file
        self.setAccessibleName("Settings")
        self._build()
        self.idle_save.clicked.connect(self.save_idle_minutes)
        self.folder_button.clicked.connect(self.choose_daily_folder)
        self.folder_off.clicked.connect(self.stop_daily_backups)
        self.backup_button.clicked.connect(self.backup_now)

    def _build(self) -> None:
        em = self.fontMetrics().height()
        idle_box, idle_form = _group("Idle lock", "Idle lock settings")
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setAccessibleName("Minutes without input before the screen locks")
        self.idle_minutes.setRange(*IDLE_RANGE)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_save = QPushButton("Save idle lock")
        row = QHBoxLayout()
        row.addWidget(self.idle_minutes)
        row.addWidget(self.idle_save)
        row.addStretch(1)
        idle_form.addRow("Lock the screen after:", row)
        backup_box, backup_form = _group("Backups", "Backup settings")
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setAccessibleName("Daily backup folder")
        self.folder.setPlaceholderText("No daily backup: choose a folder")
        self.folder_button = QPushButton("&Choose folder…")
        self.folder_off = QPushButton("&Stop daily backups")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.folder_button)
        folder_row.addWidget(self.folder_off)
        self.daily_status = QLabel()
        self.daily_status.setAccessibleName("Daily backup status")
        self.daily_status.setWordWrap(True)
        self.backup_button = QPushButton("&Back up now…")
        self.backup_status = QLabel()
        self.backup_status.setAccessibleName("Backup status")
        self.encryption = QLabel()
        self.encryption.setAccessibleName("Encryption at rest")
        self.encryption.setWordWrap(True)
        backup_form.addRow("Daily backup to:", folder_row)
        backup_form.addRow("", self.daily_status)
        backup_form.addRow("One backup now:", self.backup_button)
        backup_form.addRow("", self.backup_status)
        backup_form.addRow("Encryption at rest:", self.encryption)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(em, em, em, em)
        layout.addWidget(idle_box)
        layout.addWidget(backup_box)
        layout.addStretch(1)

    def refresh(self) -> None:
        with self.channel.guard():
            self.idle_minutes.setValue(self.auth.idle_lock_minutes())
            folder = self.backups.daily_folder()
            self.folder.setText(str(folder) if folder else "")
            self.folder_off.setEnabled(folder is not None)
            self.daily_status.setText(self._daily_text(folder))
            self.encryption.setText(
                "This database file is encrypted (SQLCipher): without its passphrase it "
                "cannot be read." if self.backups.encrypted else
                "Not encrypted. To encrypt a SQLite database, see README, “Encryption "
                "at rest”."
            )  # fmt: skip

    def _daily_text(self, folder: Path | None) -> str:
        if folder is None:
            return "The app makes no daily backup until a folder is chosen."
        if not folder.is_dir():
            return f"The folder {folder} cannot be found: no daily backup is made."
        today = folder / daily_file_name(self.backups.today())
        done = "today's is there" if today.exists() else "today's is due while the app runs"
        return f"Once a day while the app runs, as {today.name} ({done}); the newest 30 kept."

    # ----- actions

    def save_idle_minutes(self) -> None:
        with self.channel.guard():
            self.auth.set_idle_lock_minutes(self.actor, self.idle_minutes.value())
            self.channel.notice("Settings saved", "The idle lock applies from the next "
                                "sign-in.", Severity.INFO)  # fmt: skip

    def choose_daily_folder(self) -> None:
        folder = self._choose_folder(self, self.backups.daily_folder())
        if folder is None:
            return
        with self.channel.guard():
            self.backups.set_daily_folder(self.actor, folder)
        self.refresh()

    def stop_daily_backups(self) -> None:
        with self.channel.guard():
            self.backups.set_daily_folder(self.actor, None)
        self.refresh()

    def backup_now(self) -> None:
        path = self._choose_file(self, f"isoface-{self.backups.today().isoformat()}.sqlite3")
        if path is None:
            return
        self.backup_button.setEnabled(False)
        self.backup_status.setText("Backing up…")
        if self.runner is None:
            try:
                self._on_backup_finished(self.backups.backup_now(self.actor, path, force=True))
            except IsofaceError as exc:
                self._on_backup_failed(exc)
            return
        # force: the save dialog asked before replacing a file (databases are still refused)
        self.runner.start(lambda _ctx: self.backups.backup_now(self.actor, path, force=True),
                          name="backup",
                          on_finished=self._on_backup_finished,
                          on_failed=self._on_backup_failed)  # fmt: skip

    def _on_backup_finished(self, result: BackupResult) -> None:
        self.backup_button.setEnabled(True)
        self.backup_status.setText(f"Written to {result.path} ({result.size:,} bytes, "
                                   f"{result.seconds:.1f} s).")  # fmt: skip

    def _on_backup_failed(self, error: Exception) -> None:
        self.backup_button.setEnabled(True)
        self.backup_status.setText("The backup failed.")
        if not isinstance(error, IsofaceError):
            raise error
        self.channel.report(error)
