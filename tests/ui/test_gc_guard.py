"""Cyclic garbage is collected on the GUI thread, never in a worker thread."""

from __future__ import annotations

import gc
import threading

from pytestqt.qtbot import QtBot

from isoface_desk.ui.gc_guard import MainThreadGarbageCollector, collect_if_due


class Cycle:
    def __init__(self, seen: list[str]) -> None:
        self.me = self
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


def test_nothing_is_due_below_the_first_threshold() -> None:
    gc.collect()
    assert collect_if_due((10**9, 10, 10)) is None


def test_due_generation_follows_the_thresholds() -> None:
    gc.collect()
    for _ in range(50):
        Cycle([])
    assert collect_if_due((1, 10**9, 10**9)) == 0


def test_the_collector_switches_automatic_collection_off_and_collects_on_its_timer(
    qtbot: QtBot,
) -> None:
    was_enabled = gc.isenabled()
    gc.enable()
    seen: list[str] = []
    collector = MainThreadGarbageCollector(interval_ms=10)
    try:
        assert not gc.isenabled()

        def make_garbage() -> None:  # far past the first threshold, in a worker thread
            for _ in range(5 * gc.get_threshold()[0]):
                Cycle(seen)

        worker = threading.Thread(target=make_garbage, name="worker")
        worker.start()
        worker.join()
        assert seen == [], "nothing may be collected in the worker thread"
        qtbot.waitUntil(lambda: len(seen) > 0, timeout=2000)
        assert set(seen) == {threading.main_thread().name}
    finally:
        collector.stop()
        assert gc.isenabled()
        if not was_enabled:
            gc.disable()
