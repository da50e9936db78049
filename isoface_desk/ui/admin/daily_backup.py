"""The app's daily backup: a timer that, while the app runs, checks every half hour whether
today's backup is due in the folder the administrator chose, and writes it in the
background (BackupService.run_daily_if_due: online backup API, audited, 30 kept).

It runs whoever is signed in, and when nobody is. A failure is logged and announced once
through `failed` (the app shows it in the status bar); the next check tries again.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from isoface_desk.errors import IsofaceError
from isoface_desk.services.clinic.backup import BackupResult, BackupService
from isoface_desk.ui.tasks import Task, TaskRunner

log = logging.getLogger("isoface.ui.backup")

CHECK_EVERY_MS = 30 * 60 * 1000
FIRST_CHECK_MS = 60 * 1000


class DailyBackup(QObject):
    done = Signal(object)  # BackupResult
    failed = Signal(str)

    def __init__(
        self,
        backups: BackupService,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        interval_ms: int = CHECK_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self.backups, self.runner = backups, runner
        self.task: Task | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self, first_check_ms: int = FIRST_CHECK_MS) -> None:
        self.timer.start()
        QTimer.singleShot(first_check_ms, self, self.check)

    def check(self) -> Task | None:
        """Start today's backup if it is due and none is running (the task, or None)."""
        if self.task is not None:
            return None
        try:
            if self.backups.daily_due() is None:
                return None
        except IsofaceError as exc:  # the database cannot be read right now: next time
            log.warning("daily backup check failed: %s", type(exc).__name__)
            return None
        self.task = self.runner.start(lambda _ctx: self.backups.run_daily_if_due(),
                                      name="daily backup", on_finished=self._on_finished,
                                      on_failed=self._on_failed)  # fmt: skip
        return self.task

    def _on_finished(self, result: BackupResult | None) -> None:
        self.task = None
        if result is not None:
            log.info("daily backup done (%d bytes)", result.size)
            self.done.emit(result)

    def _on_failed(self, error: Exception) -> None:
        self.task = None
        log.warning("daily backup failed: %s", error)
        if not isinstance(error, IsofaceError):
            raise error
        self.failed.emit(f"The daily backup failed: {error}")
