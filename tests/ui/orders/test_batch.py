"""A batch of 500 orders printed in the background: progress arrives while a 10 ms timer on
the event loop never waits more than 100 ms; Cancel leaves marked printed exactly the
orders in the finished file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from pytestqt.qtbot import QtBot

from isoface_desk.domain.lab_orders import order_code
from tests.services.conftest import World, stored_order
from tests.ui.orders.conftest import BULK_NAME, TIMEOUT, Page, add_bulk_orders

MAX_GAP_S = 0.100
TICK_MS = 10


class TickRecorder:
    """Timestamps of a 10 ms QTimer: the longest gap is how long the event loop stalled."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def max_gap(self) -> float:
        return max(b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False))


def show_only(page: Page, tag: str) -> list[int]:
    """Filter to one batch's patients and select all, as a person would; the list's
    layout for the new filter is done before the job starts (it is not the job's)."""
    page.area.patient_filter.setText(f"{BULK_NAME} {tag}")
    page.area.tree.selectAll()
    QCoreApplication.processEvents()
    return sorted(i.order_id for i in page.area.controller.selected_items())


@pytest.mark.slow
def test_500_orders_print_in_the_background_with_progress(
    qtbot: QtBot, open_page: object, world: World, tmp_path: Path
) -> None:
    ids = add_bulk_orders(world, 500, "A")
    page: Page = open_page("nurse")  # type: ignore[operator]
    assert show_only(page, "A") == sorted(ids)
    values: list[int] = []
    page.area.progress.valueChanged.connect(values.append)
    ticks = TickRecorder()
    out = tmp_path / "batch.pdf"
    started = time.perf_counter()
    ticks.timer.start()
    with qtbot.waitSignal(page.area.controller.job_done, timeout=120_000) as done:
        assert page.area.controller.print_selection(out)
    elapsed = time.perf_counter() - started
    ticks.timer.stop()
    outcome = done.args[0]
    assert outcome.marked == 500 and len(PdfReader(out).pages) == 500
    assert {i.status for i in page.area.model.shown_items()} == {"printed"}
    assert len([v for v in values if 0 < v < 500]) >= 5  # the bar moved along the way
    gap = ticks.max_gap()
    print(f"\n500 orders: {500 / elapsed:.0f} orders/s, {len(ticks.ticks)} ticks, "
          f"longest event-loop gap {gap * 1000:.1f} ms")  # fmt: skip
    assert len(ticks.ticks) > elapsed / 0.1  # the timer really ran throughout
    assert gap < MAX_GAP_S


@pytest.mark.slow
def test_cancel_marks_exactly_the_orders_in_the_finished_file(
    qtbot: QtBot, open_page: object, world: World, tmp_path: Path
) -> None:
    ids = add_bulk_orders(world, 200, "C")
    page: Page = open_page("nurse")  # type: ignore[operator]
    assert show_only(page, "C") == sorted(ids)
    area = page.area

    def cancel_once_started(value: int) -> None:
        if value >= 10 and area.cancel_button.isEnabled():
            qtbot.mouseClick(area.cancel_button, Qt.MouseButton.LeftButton)

    area.progress.valueChanged.connect(cancel_once_started)
    out = tmp_path / "stopped.pdf"
    with qtbot.waitSignal(area.controller.job_done, timeout=TIMEOUT) as done:
        area.controller.print_selection(out)
    outcome = done.args[0]
    assert 10 <= len(outcome.printed) < 200 and outcome.marked == len(outcome.printed)
    assert len(PdfReader(out).pages) == len(outcome.printed)
    engine = world.services.engine
    printed = {order_code(i) for i in ids if stored_order(engine, i).status == "printed"}
    assert printed == set(outcome.printed)
    assert "still due" in page.channel.captured[-1].text
