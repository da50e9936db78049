"""When the visit draft is written, so that after a crash at most the edit in flight is lost.

The draft is saved `delay_ms` after the last change to a field, at once when another
field is changed while a save is pending (the previous edit is written first), and at
once when asked: a section change, Ctrl+S, leaving the screen. After signing nothing
more is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from isoface_desk.errors import IsofaceError
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.signing import DraftStore

#: What a draft holds: the answers to keep and the position to reopen at.
DraftContent = Callable[[], tuple[dict[str, Any], str]]


class DraftAutosave(QObject):
    """The draft's save timing, its pending edit and the "Draft saved" label.

    It exists so the controller only says that something changed (`schedule`) or that
    the draft must be written now (`save_now`); which edit is pending, the timer, and
    reporting a failing save once (not on every keystroke) live here. `saved` after
    every successful write.
    """

    saved = Signal()

    def __init__(
        self, drafts: DraftStore | None, content: DraftContent, label: QLabel,
        messages: MessageChannel, delay_ms: int, parent: QObject,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.drafts, self.content, self.label, self.messages = drafts, content, label, messages
        self._pending: str | None = None  # the field whose edit waits for the timer
        self._failed = False  # the last save failed (reported once until one succeeds)
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)

    def schedule(self, key: str) -> None:
        """`key` (a question, or what else changed) was edited: save after the delay."""
        if self.drafts is None or self._stopped:
            return
        if self._pending is not None and self._pending != key:
            self.save_now()  # another field: the previous edit is written first
        self._pending = key
        self._timer.start()

    def save_now(self) -> bool:
        """Write the draft now (answers and position); False if it could not be saved."""
        self._timer.stop()
        self._pending = None
        if self.drafts is None or self._stopped:
            return False
        try:
            self.drafts.save(*self.content())
        except IsofaceError as exc:
            self.label.setText("Draft NOT saved")
            if not self._failed:
                self.messages.report(exc)
            self._failed = True
            return False
        self._failed = False
        self.label.setText(f"Draft saved {datetime.now():%H:%M:%S}")
        self.saved.emit()
        return True

    def has_pending(self) -> bool:
        return self._timer.isActive()

    def stop(self) -> None:
        """The visit is signed: no save pending, none from now on."""
        self._stopped = True
        self._timer.stop()
