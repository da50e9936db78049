"""The background-task helper: progress, result, failure, cancel, all in the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QThread, QThreadPool
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from isoface_desk.errors import StorageError
from isoface_desk.ui.tasks import Task, TaskContext, TaskProgressDialog, TaskRunner

TIMEOUT = 5000


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    pool = QThreadPool()
    pool.setMaxThreadCount(2)
    runner = TaskRunner(pool)
    yield runner
    runner.cancel_all()
    assert runner.wait(TIMEOUT)


def test_progress_and_result_arrive_in_the_ui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    progress: list[tuple[int, int]] = []
    threads: list[QThread] = []

    def work(ctx: TaskContext) -> int:
        total = 0
        for i in range(1, 6):
            total += i
            ctx.report(i, 5)
        return total

    def on_progress(done: int, total: int) -> None:
        progress.append((done, total))
        threads.append(QThread.currentThread())

    task = Task(work, "sum")
    task.signals.progress.connect(on_progress)
    with qtbot.waitSignal(task.signals.finished, timeout=TIMEOUT) as blocker:
        runner.submit(task)
    assert blocker.args == [15]
    assert progress[-1] == (5, 5)  # the last report always gets through
    assert all(t is QThread.currentThread() for t in threads)
    qtbot.waitUntil(lambda: runner.running() == 0)


def test_failure_carries_the_exception(qtbot: QtBot, runner: TaskRunner) -> None:
    def work(ctx: TaskContext) -> None:
        raise StorageError("database is locked")

    finished: list[object] = []
    task = Task(work)
    task.signals.finished.connect(finished.append)
    with qtbot.waitSignal(task.signals.failed, timeout=TIMEOUT) as blocker:
        runner.submit(task)
    (error,) = blocker.args
    assert isinstance(error, StorageError) and str(error) == "database is locked"
    qtbot.waitUntil(lambda: runner.running() == 0)
    assert finished == []


def test_cancel_is_honoured_at_the_next_poll(qtbot: QtBot, runner: TaskRunner) -> None:
    may_poll = threading.Event()
    polls: list[int] = []

    def work(ctx: TaskContext) -> str:
        may_poll.wait(TIMEOUT / 1000)
        for i in range(1_000_000):
            polls.append(i)
            ctx.raise_if_cancelled()
        return "ran to the end"

    finished: list[object] = []
    task = runner.start(work, name="long", on_finished=finished.append)
    with qtbot.waitSignal(task.signals.cancelled, timeout=TIMEOUT):
        task.cancel()
        may_poll.set()
    assert polls == [0]
    assert finished == []


def test_work_that_returns_after_cancel_counts_as_cancelled(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    may_return = threading.Event()

    def work(ctx: TaskContext) -> int:
        may_return.wait(TIMEOUT / 1000)
        return 1 if ctx.is_cancelled() else 0

    finished: list[object] = []
    task = runner.start(work, on_finished=finished.append)
    with qtbot.waitSignal(task.signals.cancelled, timeout=TIMEOUT):
        task.cancel()
        may_return.set()
    assert finished == []


def test_progress_dialog_follows_and_cancels_the_task(qtbot: QtBot, runner: TaskRunner) -> None:
    def work(ctx: TaskContext) -> None:
        ctx.report(3, 10)
        ctx.wait_for_cancel(TIMEOUT / 1000)  # until the dialog's Cancel reaches us
        ctx.raise_if_cancelled()

    task = Task(work, "verify")
    dialog = TaskProgressDialog(task, "Verifying records")
    qtbot.addWidget(dialog)
    runner.submit(task)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.value() == 3 and dialog.maximum() == 10, timeout=TIMEOUT)
    (cancel_button,) = dialog.findChildren(QPushButton)
    with qtbot.waitSignal(task.signals.cancelled, timeout=TIMEOUT):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.ended and not dialog.isVisible()
