"""The idle watcher: `idle` after the interval without input; input restarts the count."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from isoface_desk.ui.idle import IdleWatcher, minutes_to_ms


@pytest.fixture
def field(qtbot: QtBot) -> QLineEdit:
    widget = QLineEdit()
    widget.setAccessibleName("test field")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def watcher(qtbot: QtBot) -> Iterator[IdleWatcher]:
    watcher = IdleWatcher(interval_ms=60)
    yield watcher
    watcher.stop()


def test_idle_fires_after_the_interval(qtbot: QtBot, watcher: IdleWatcher) -> None:
    with qtbot.waitSignal(watcher.idle, timeout=2000):
        watcher.start()
    assert watcher.is_idle()


def test_key_press_restarts_the_count(qtbot: QtBot, watcher: IdleWatcher, field: QLineEdit) -> None:
    watcher.set_interval_ms(1500)
    watcher.start()
    qtbot.waitUntil(lambda: watcher.remaining_ms() < 1300, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_A)
    assert watcher.remaining_ms() > 1400
    assert not watcher.is_idle()


def test_input_after_idle_emits_active(
    qtbot: QtBot, watcher: IdleWatcher, field: QLineEdit
) -> None:
    with qtbot.waitSignal(watcher.idle, timeout=2000):
        watcher.start()
    with qtbot.waitSignal(watcher.active, timeout=1000):
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert not watcher.is_idle()


def test_stopped_watcher_ignores_input_and_stays_quiet(
    qtbot: QtBot, watcher: IdleWatcher, field: QLineEdit
) -> None:
    watcher.start()
    watcher.stop()
    qtbot.keyClick(field, Qt.Key.Key_B)
    assert watcher.remaining_ms() == -1
    with qtbot.assertNotEmitted(watcher.idle, wait=150):
        pass


def test_minutes_setting() -> None:
    assert minutes_to_ms(10) == 600_000
    with pytest.raises(ValueError):
        minutes_to_ms(0)
