"""A lazy table model over the auditor's record search: one page of 100 at a time, by keyset.

A new search (`set_filter`) asks the service for the first page (an audited "search") and,
separately, for the number of matches (capped at 100,000: "100,000 or more"). The view's
`fetchMore` asks for the page after the last row loaded, so a million records cost what
the rows on screen cost. With a `TaskRunner` the queries run off the UI thread and the
answers of a search overtaken by a newer one are dropped; without one (tests,
screenshots) they run at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QColor

from isoface_desk.services.audit.audit_review import (
    COUNT_CAP,
    RecordCursor,
    RecordFilter,
    RecordListItem,
    RecordPage,
)
from isoface_desk.ui.lazy_model import Index, LazyTableModel
from isoface_desk.ui.tasks import TaskRunner

log = logging.getLogger("isoface.ui.audit")

FetchPage = Callable[[RecordFilter, RecordCursor | None], RecordPage]
Count = Callable[[RecordFilter], int]

#: A verdict of "needs-review" means warnings, each justified (signing refuses any other),
#: so one column says both; the filters still offer "with justified warnings". The profile
#: (one per clinic, as a rule) is in the filters, the opened record and the CSV.
COLUMNS = ("Record", "Visit date", "Kind", "Patient", "Prescriber", "Verdict")
KIND_TEXT = {"initiation": "Initiation", "follow-up": "Follow-up", "end-of-course": "End"}
VERDICT_TEXT = {"clear": "Clear", "needs-review": "Justified ⚠"}
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole
REVIEW_COLOUR = QColor("#9a5b00")


@dataclass(frozen=True)
class _Result:
    generation: int
    first: bool
    page: RecordPage


class RecordListModel(LazyTableModel[RecordListItem]):
    """Loaded rows of the current search; `total` is the (capped) number of matches."""

    COLUMNS = COLUMNS
    TASK_NAME = "record search"

    def __init__(
        self,
        fetch_page: FetchPage,
        count: Count,
        *,
        runner: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._fetch_page = fetch_page
        self._count = count
        self._next: RecordCursor | None = None
        self._filter = RecordFilter()

    # ----- searching

    @property
    def capped(self) -> bool:
        return self._total >= COUNT_CAP

    @property
    def current_filter(self) -> RecordFilter:
        return self._filter

    def set_filter(self, flt: RecordFilter) -> None:
        """Search again from the first page."""
        self._generation += 1
        self._filter = flt
        generation = self._generation
        self._fetching = True
        self._run(lambda: _Result(generation, True, self._fetch_page(flt, None)), self._on_page)
        self._run(lambda: (generation, self._count(flt)), self._on_count)

    def refresh(self) -> None:
        self.set_filter(self._filter)

    def _on_page(self, result: _Result) -> None:
        if result.generation != self._generation:
            return  # overtaken by a newer search
        self._fetching = False
        items = list(result.page.items)
        if result.first:
            self.beginResetModel()
            self._rows = items
            self.endResetModel()
        elif items:
            self._append_rows(items)
        self._next = result.page.next_cursor
        self.search_finished.emit()

    def _on_count(self, result: tuple[int, int]) -> None:
        generation, total = result
        if generation == self._generation:
            self._total = total
            self.total_changed.emit(total)

    # ----- lazy loading

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and self._next is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        generation, flt, after = self._generation, self._filter, self._next
        self._fetching = True
        self._run(lambda: _Result(generation, False, self._fetch_page(flt, after)),
                  self._on_page)  # fmt: skip

    # ----- the table

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        item = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell_text(item, index.column())
        if role == RECORD_ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 5:
            return REVIEW_COLOUR if item.verdict == "needs-review" else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(item, index.column())
        return None

    def item_at(self, row: int) -> RecordListItem | None:
        return self._row_at(row)

    def row_of(self, record_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), None)


def cell_text(item: RecordListItem, column: int) -> str:
    values = (
        str(item.id) + (" ↻" if item.corrects_record_id is not None else ""),
        item.visit_date.isoformat(),
        KIND_TEXT.get(item.visit_kind, item.visit_kind),
        f"{item.clinic_number} · {item.patient_name}",  # the number first: it reads LTR
        item.prescriber_name,
        VERDICT_TEXT.get(item.verdict, item.verdict),
    )
    return values[column]


def tooltip(item: RecordListItem, column: int) -> str | None:
    if column == 0 and item.corrects_record_id is not None:
        return f"Corrects record {item.corrects_record_id}"
    if column == 5 and item.verdict == "needs-review":
        return f"{item.profile_id}: signed with warnings, each justified by the prescriber"
    if column == 5:
        return f"{item.profile_id}: no warnings"
    if column == 3:
        return f"{item.patient_name}, clinic number {item.clinic_number}"
    return None
