"""Idle lock watcher: `idle` is emitted after a stretch without keyboard, mouse, pen or touch.

An application-wide event filter restarts a single-shot timer on every input event, so
the watcher needs no cooperation from the widgets. After `idle` it stays quiet until the
next input (which starts a new period and emits `active`). The interval comes from the
administrator's setting (default 10 minutes); tests use a few milliseconds.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

log = logging.getLogger("isoface.ui.idle")

DEFAULT_MINUTES = 10.0

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.TabletRelease,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.InputMethod,
    }
)


def minutes_to_ms(minutes: float) -> int:
    if minutes <= 0:
        raise ValueError("the idle time must be positive")
    return round(minutes * 60_000)


class IdleWatcher(QObject):
    """Emits `idle` once `interval_ms` passes without user input; `active` on the next input."""

    idle = Signal()
    active = Signal()

    def __init__(
        self,
        interval_ms: int = minutes_to_ms(DEFAULT_MINUTES),
        app: QCoreApplication | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        app = app or QCoreApplication.instance()
        if app is None:
            raise RuntimeError("IdleWatcher needs a QApplication")
        self._app = app
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._is_idle = False
        self._running = False

    @property
    def interval_ms(self) -> int:
        return int(self._timer.interval())

    def set_interval_minutes(self, minutes: float) -> None:
        self.set_interval_ms(minutes_to_ms(minutes))

    def set_interval_ms(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)
        if self._running and not self._is_idle:
            self._timer.start()

    def is_idle(self) -> bool:
        return self._is_idle

    def remaining_ms(self) -> int:
        """Time left before `idle` (-1 when idle already or stopped)."""
        return int(self._timer.remainingTime())

    def start(self) -> None:
        """Watch from now on (a new idle period starts)."""
        if not self._running:
            self._app.installEventFilter(self)
            self._running = True
        self._is_idle = False
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (e.g. while the lock screen itself is shown)."""
        if self._running:
            self._app.removeEventFilter(self)
            self._running = False
        self._timer.stop()

    def reset(self) -> None:
        """Count from now, as if the person had just pressed a key."""
        if not self._running:
            return
        if self._is_idle:
            self._is_idle = False
            self.active.emit()
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.reset()
        return False

    def _on_timer_timeout(self) -> None:
        self._is_idle = True
        log.info("idle for %d ms", self._timer.interval())
        self.idle.emit()
