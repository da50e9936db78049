"""The part the lazy search tables share: rows loaded so far, searches run off the UI thread.

A subclass (ui/audit/model.py, ui/patients/model.py) says how a page is asked for and how
its answer is added to `_rows`; this base holds the rows, the number of matches (`total`),
the generation that lets answers of a search overtaken by a newer one be dropped, the
busy flag, the task runner (or, without one, a synchronous call: tests, screenshots), the
failure signal and the table's row/column/header answers over `COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from isoface_desk.errors import IsofaceError
from isoface_desk.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class LazyTableModel(QAbstractTableModel, Generic[Row]):
    """Loaded rows of the current search; `total` is the number of matches."""

    total_changed = Signal(int)
    search_finished = Signal()
    search_failed = Signal(object)  # the IsofaceError

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    TASK_NAME: ClassVar[str] = "search"

    def __init__(self, runner: TaskRunner | None, parent: QObject | None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._rows: list[Row] = []
        self._total = 0
        self._generation = 0
        self._fetching = False

    @property
    def total(self) -> int:
        return self._total

    def is_busy(self) -> bool:
        return self._fetching

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """`work()` off the UI thread (or at once without a runner), then `done(value)`."""
        if self._runner is None:
            try:
                value = work()
            except IsofaceError as exc:
                self._on_failed(exc)
                return
            done(value)
            return
        self._runner.start(lambda _ctx: work(), name=self.TASK_NAME, on_finished=done,
                           on_failed=self._on_failed)  # fmt: skip

    def _on_failed(self, error: object) -> None:
        self._fetching = False
        if isinstance(error, IsofaceError):
            self.search_failed.emit(error)
            return
        raise error if isinstance(error, BaseException) else RuntimeError(str(error))

    def _append_rows(self, rows: list[Row]) -> None:
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def _row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # ----- the table

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None
