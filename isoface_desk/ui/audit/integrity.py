"""The integrity check in the app: every record, PDF and the audit chain, verified in the
background (the code of `isoface-desk verify`, through AuditReviewService.verify) with a
progress bar and Cancel; the result lists each broken item by kind and id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.errors import IsofaceError
from isoface_desk.services.audit.audit_review import AuditReviewService
from isoface_desk.services.audit.integrity import VerifyReport
from isoface_desk.services.context import Actor
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.tasks import Task, TaskContext, TaskRunner

log = logging.getLogger("isoface.ui.audit")

PROBLEM_COLUMNS = ("Problem", "Item", "Id", "What was found")
INTRO = (
    "Recomputes the hash of every signed record and its PDF, checks each prescriber's seal "
    "and the whole audit chain, and compares the chain with the checkpoints kept outside "
    "the database, exactly as “isoface-desk verify” does. It runs in the background: you "
    "can keep working, or cancel it."
)


class IntegrityPanel(QWidget):
    """Verify button, progress, Cancel, and the problems found. `finished(report)`."""

    finished = Signal(object)

    def __init__(
        self,
        review: AuditReviewService,
        actor: Actor,
        channel: MessageChannel,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.review, self.actor, self.channel, self.runner = review, actor, channel, runner
        self.task: Task | None = None
        self.report: VerifyReport | None = None
        self.setAccessibleName("Integrity check")
        self._build()
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)

    def _build(self) -> None:
        em = self.fontMetrics().height()
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setAccessibleName("About the integrity check")
        self.verify_button = QPushButton("&Verify the whole database")
        self.verify_button.setAccessibleName("Verify the whole database")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the integrity check")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Integrity check progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("Not run yet in this session.")
        self.status.setAccessibleName("Integrity check result")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = QTableWidget(0, len(PROBLEM_COLUMNS))
        self.problems.setAccessibleName("Problems found")
        self.problems.setHorizontalHeaderLabels(PROBLEM_COLUMNS)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.verticalHeader().hide()
        self.problems.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((9, 6, 5)):
            self.problems.setColumnWidth(column, width * em)
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(em, em, em, em)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.problems, 1)

    # ----- running

    def start(self) -> Task | None:
        """Start the check (None if one is already running)."""
        if self.task is not None:
            return None
        review, actor = self.review, self.actor
        work: Callable[[TaskContext], VerifyReport] = lambda ctx: review.verify(  # noqa: E731
            actor, ctx.report, ctx.is_cancelled
        )
        self.verify_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first report gives the total
        self.status.setText("Verifying…")
        self.problems.setRowCount(0)
        self.task = self.runner.start(
            work,
            name="verify",
            on_progress=self._on_task_progress,
            on_finished=self._on_task_finished,
            on_failed=self._on_task_failed,
            on_cancelled=self._on_task_cancelled,
        )
        return self.task

    def is_running(self) -> bool:
        return self.task is not None

    def _end(self, text: str) -> None:
        self.task = None
        self.verify_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.status.setText(text)

    def _on_verify_button_clicked(self) -> None:
        self.start()

    def _on_cancel_button_clicked(self) -> None:
        if self.task is not None:
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")
            self.task.cancel()

    def _on_task_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.progress.setFormat(f"{done:,} of {total:,} items")

    def _on_task_finished(self, report: VerifyReport) -> None:
        self.report = report
        if report.cancelled:
            self._on_task_cancelled()
            return
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.show_problems(report)
        checked = f" {report.checkpoint.capitalize()}." if report.checkpoint else ""
        if report.ok:
            head = f"event {report.head_seq}, hash {report.head_hash}"
            self._end(f"{OK_TEXT}: {report.summary()}.{checked} Chain head: {head} (note it "
                      "down outside the database).")  # fmt: skip
        else:
            found = f"{len(report.problems)} problem(s) found ({report.summary()})."
            self._end(f"{found}{checked} Do not rely on the records named below; tell the "
                      "administrator.")  # fmt: skip
        self.finished.emit(report)

    def _on_task_failed(self, error: Exception) -> None:
        self._end("The integrity check could not run.")
        if not isinstance(error, IsofaceError):
            raise error  # a bug: the excepthook and the crash dialog
        self.channel.report(error)

    def _on_task_cancelled(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._end("Cancelled: nothing was concluded. Run it again to check everything.")

    def show_problems(self, report: VerifyReport) -> None:
        self.problems.setRowCount(len(report.problems))
        for row, problem in enumerate(report.problems):
            values = (problem.kind, problem.target, str(problem.id), problem.text)
            for column, text in enumerate(values):
                self.problems.setItem(row, column, QTableWidgetItem(text))


OK_TEXT = "Everything verified"
