"""The one helper for slow work off the UI thread: QThreadPool, QRunnable and signals.

    runner = TaskRunner()
    task = runner.start(
        lambda ctx: verify_all(progress=ctx.report, cancelled=ctx.is_cancelled),
        name="verify",
        on_progress=self._on_verify_progress,    # (done, total)
        on_finished=self._on_verify_finished,    # (result)
        on_failed=self._on_verify_failed,        # (exception)
        on_cancelled=self._on_verify_cancelled,
    )
    ...
    task.cancel()   # e.g. from the progress dialog's Cancel button

The work function receives a `TaskContext`: it calls `ctx.report(done, total)` as it goes
and polls `ctx.is_cancelled()` (or `ctx.raise_if_cancelled()`). Exactly one of finished,
failed or cancelled is emitted, always in the UI thread (the signals object lives there).
The work function must not touch widgets.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger("isoface.ui.tasks")

#: Progress reports closer together than this are merged (the last one always gets through).
PROGRESS_INTERVAL_S = 0.05


class TaskCancelled(Exception):
    """Raised by `TaskContext.raise_if_cancelled()`; the task then emits `cancelled`."""


class TaskSignals(QObject):
    progress = Signal(int, int)  # done, total
    finished = Signal(object)  # the work function's result
    failed = Signal(object)  # the exception it raised
    cancelled = Signal()


class TaskContext:
    """What the work function sees: a cancel flag and a progress reporter (thread-safe)."""

    def __init__(self, signals: TaskSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()
        self._last_report = 0.0

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait_for_cancel(self, timeout_s: float) -> bool:
        """Pause up to `timeout_s` (e.g. before a retry), waking early on cancel."""
        return self._cancel.wait(timeout_s)

    def raise_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise TaskCancelled

    def report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last_report < PROGRESS_INTERVAL_S:
            return
        self._last_report = now
        self._signals.progress.emit(done, total)

    def _request_cancel(self) -> None:
        self._cancel.set()


class Task(QRunnable):
    """One unit of background work. Create through `TaskRunner.start`."""

    def __init__(self, work: Callable[[TaskContext], Any], name: str = "task") -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps the Python object until the end
        self.name = name
        self.signals = TaskSignals()
        self.context = TaskContext(self.signals)
        self._work = work
        self.done = threading.Event()

    def cancel(self) -> None:
        """Ask the work function to stop; it notices at its next poll."""
        self.context._request_cancel()

    def run(self) -> None:
        try:
            self._emit_outcome()
        finally:
            self.done.set()

    def _emit_outcome(self) -> None:
        try:
            result = self._work(self.context)
        except TaskCancelled:
            self.signals.cancelled.emit()
            return
        except Exception as exc:  # delivered to the UI thread through `failed`
            log.info("task %s failed: %s", self.name, type(exc).__name__)
            self.signals.failed.emit(exc)
            return
        if self.context.is_cancelled():
            self.signals.cancelled.emit()
        else:
            self.signals.finished.emit(result)


class TaskRunner:
    """Starts tasks on a QThreadPool and keeps them alive until they end.

    Connect to a task's signals before it is submitted: an emission from the worker thread
    reaches only the connections that exist at that moment. `start` does it for you.
    """

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self.pool = pool or QThreadPool.globalInstance()
        self._running: set[Task] = set()
        # Tasks that delivered their final signal but whose worker may still be returning
        # from run(): kept so that their Qt objects are released on this (the GUI) thread.
        self._retired: list[Task] = []

    def start(
        self,
        work: Callable[[TaskContext], Any],
        *,
        name: str = "task",
        on_progress: Callable[[int, int], object] | None = None,
        on_finished: Callable[[Any], object] | None = None,
        on_failed: Callable[[Exception], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
    ) -> Task:
        """Create a task for `work(ctx)`, connect the given slots, and submit it."""
        task = Task(work, name)
        pairs = (
            (task.signals.progress, on_progress),
            (task.signals.finished, on_finished),
            (task.signals.failed, on_failed),
            (task.signals.cancelled, on_cancelled),
        )
        for signal, slot in pairs:
            if slot is not None:
                signal.connect(slot)
        return self.submit(task)

    def submit(self, task: Task) -> Task:
        """Run a task whose signals are already connected."""
        self._running.add(task)
        # Connected last, so the task outlives every slot of its final emission.
        for signal in (task.signals.finished, task.signals.failed, task.signals.cancelled):
            signal.connect(lambda *_args, t=task: self._retire(t))
        log.debug("task %s started", task.name)
        self.pool.start(task)
        return task

    def _retire(self, task: Task) -> None:
        self._running.discard(task)
        self._retired = [t for t in self._retired if not t.done.is_set()]
        if not task.done.is_set():
            self._retired.append(task)

    def running(self) -> int:
        """How many submitted tasks have not delivered their final signal yet."""
        return len(self._running)

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until the pool is idle (for shutdown); True if it is."""
        return bool(self.pool.waitForDone(timeout_ms))


class TaskProgressDialog(QProgressDialog):
    """A progress bar with Cancel for a task a person waits on.

    Build it before `runner.submit(task)` so it sees every signal. It appears only if the
    task takes longer than `QProgressDialog.minimumDuration` (4 s by default) and closes
    itself when the task ends; Cancel asks the task to stop.
    """

    def __init__(self, task: Task, label: str, parent: QWidget | None = None) -> None:
        super().__init__(label, "Cancel", 0, 0, parent)
        self.setWindowTitle(label)
        self.setAccessibleName(label)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self._task = task
        self.ended = False
        task.signals.progress.connect(self._on_task_progress)
        for signal in (task.signals.finished, task.signals.failed, task.signals.cancelled):
            signal.connect(self._on_task_ended)
        self.canceled.connect(self._on_dialog_canceled)

    def _on_task_progress(self, done: int, total: int) -> None:
        if self.maximum() != total:
            self.setMaximum(max(total, 0))
        self.setValue(min(done, total))

    def _on_task_ended(self, *_args: object) -> None:
        self.ended = True
        self.close()

    def _on_dialog_canceled(self) -> None:
        if self.ended:  # closing the dialog also emits `canceled`
            return
        self.setLabelText("Stopping…")
        self._task.cancel()
