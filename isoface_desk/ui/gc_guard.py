"""Cyclic garbage collection on the GUI thread only.

CPython's cyclic collector runs in whichever thread allocates when a threshold is crossed.
When that is a worker thread (ui/tasks.py runs service calls in a QThreadPool) and the
garbage holds Qt wrappers (a closed dialog, a replaced model, a finished task's signals),
their C++ objects are destroyed off the GUI thread and Qt crashes: a segmentation fault
"Garbage-collecting" inside a due-list query on a pool thread was seen in CI.

`MainThreadGarbageCollector` switches automatic collection off and collects from a timer on
the GUI thread instead, choosing the generation exactly as the interpreter's thresholds
would have (`collect_if_due`). Reference counting still frees everything that is not in a
cycle at once; only cycles wait, at most one timer interval.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

DEFAULT_INTERVAL_MS = 500


def collect_if_due(threshold: tuple[int, ...] | None = None) -> int | None:
    """Collect the generation the thresholds call for (None: nothing due). Main thread only."""
    first, second, third = (threshold or gc.get_threshold())[:3]
    young, middle, old = gc.get_count()
    if young <= first:
        return None
    generation = 0
    if middle > second:
        generation = 1
        if old > third:
            generation = 2
    gc.collect(generation)
    return generation


class MainThreadGarbageCollector(QObject):
    """Owns the collector while it lives: automatic collection off, a GUI-thread timer on."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = DEFAULT_INTERVAL_MS):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()

    def _on_timer_timeout(self) -> None:
        collect_if_due(self.threshold)

    def stop(self) -> None:
        self.timer.stop()
        if self.was_enabled:
            gc.enable()
