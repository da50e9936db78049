"""A print job rendered in a child process, so the caller's interpreter stays free.

ReportLab is pure Python and holds the interpreter lock while it lays out a page; in a
thread of the app it takes turns with the window's event loop, which then waits up to
tens of milliseconds per turn (more on a loaded machine). `render_in_child` runs the same
job (`build_order_pdf` or `build_label_sheet`) in a freshly spawned interpreter: progress
comes back through a pipe, Cancel goes the other way and stops the job between two
orders, and the result is the same PrintResult (the orders in the bytes). The calling
thread only waits on the pipe, with the lock released.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection

from isoface_desk.documents.model import Clinic
from isoface_desk.documents.order_model import PrintedOrder, PrintResult, Progress, ShouldCancel
from isoface_desk.errors import StorageError

POLL_S = 0.05  # how often the caller looks for Cancel while it waits
PROGRESS_EVERY_S = 0.03  # the child reports at most this often (and always the last order)
JOIN_S = 5.0
CHUNK = 20  # orders per message to the child


def render_in_child(
    orders: Sequence[PrintedOrder],
    clinic: Clinic,
    *,
    labels: bool = False,
    start_at: int = 0,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> PrintResult:
    """The job's PrintResult, rendered in a child process (see the module docstring)."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_child_main, args=(theirs,), name="isoface-print",
                            daemon=True)  # fmt: skip
    child.start()
    theirs.close()
    try:
        _send_job(ours, orders, clinic, labels, start_at)
        return _wait(ours, child, progress, should_cancel)
    finally:
        ours.close()
        child.join(JOIN_S)
        if child.is_alive():
            child.kill()
            child.join()


def _send_job(
    pipe: Connection, orders: Sequence[PrintedOrder], clinic: Clinic, labels: bool, start_at: int
) -> None:
    """The job in small messages: pickling holds the interpreter lock, so no single
    message may take long (the whole of 500 orders at once would)."""
    pipe.send(("job", (clinic, labels, start_at)))
    for first in range(0, len(orders), CHUNK):
        pipe.send(("orders", list(orders[first : first + CHUNK])))
    pipe.send(("go", None))


def _wait(
    pipe: Connection,
    child: multiprocessing.process.BaseProcess,
    progress: Progress | None,
    should_cancel: ShouldCancel | None,
) -> PrintResult:
    asked_to_stop = False
    while True:
        if not asked_to_stop and should_cancel is not None and should_cancel():
            asked_to_stop = True
            with contextlib.suppress(OSError):  # finished meanwhile: its result is in the pipe
                pipe.send("cancel")
        if not pipe.poll(POLL_S):
            if not child.is_alive() and not pipe.poll():
                raise StorageError(f"The print job stopped unexpectedly (exit {child.exitcode}).")
            continue
        try:
            kind, payload = pipe.recv()
        except EOFError:
            raise StorageError("The print job stopped unexpectedly.") from None
        if kind == "progress" and progress is not None:
            progress(*payload)
        elif kind == "done":
            assert isinstance(payload, PrintResult)
            return payload
        elif kind == "error":
            raise payload


def _child_main(pipe: Connection) -> None:
    from isoface_desk.documents.label_sheet import build_label_sheet
    from isoface_desk.documents.order_pdf import build_order_pdf

    _, (clinic, labels, start_at) = pipe.recv()
    orders: list[PrintedOrder] = []
    while (message := pipe.recv())[0] == "orders":
        orders.extend(message[1])
    stop = False
    last = 0.0

    def should_cancel() -> bool:
        nonlocal stop
        while not stop and pipe.poll():
            stop = pipe.recv() == "cancel"
        return stop

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= PROGRESS_EVERY_S:
            last = now
            pipe.send(("progress", (done, total)))

    try:
        if labels:
            result = build_label_sheet(orders, clinic, start_at=start_at, progress=progress,
                                       should_cancel=should_cancel)  # fmt: skip
        else:
            result = build_order_pdf(orders, clinic, progress=progress,
                                     should_cancel=should_cancel)  # fmt: skip
        pipe.send(("done", result))
    except Exception as exc:  # handed to the parent, which raises it there
        _send_error(pipe, exc)
    finally:
        pipe.close()


def _send_error(pipe: Connection, exc: Exception) -> None:
    try:
        pickle.dumps(exc)
    except Exception:
        exc = StorageError(f"The print job failed: {type(exc).__name__}: {exc}")
    pipe.send(("error", exc))
