"""The due list as a two-level tree: groups (overdue, today, this week, next 30 days,
collected, recent results) and their orders, filtered by test, prescriber and patient.

A plain QAbstractItemModel over the service's DueItems: a refresh or a filter change is
one model reset and data() is computed per visible cell, so 500 orders cost nothing on the
event loop. Abnormal results are tinted (red: blocks prescribing, amber: warning or above
the laboratory's range) and a patient whose latest results are abnormal carries a mark.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from isoface_desk.domain.due_list import GROUP_TITLES, GROUPS
from isoface_desk.services.labs.lab_work import DueItem, DueList
from isoface_desk.ui.visit.style import BLOCK, BLOCK_TINT, WARN, WARN_TINT

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Order", "Patient", "Clinic no.", "Tests", "Due", "Window", "Prescriber", "Status")
GROUP_ROW = 0xFFFFFFFF  # internalId of group rows; order rows carry their group's row
ALERT_MARK = "⚠ "
LEVEL_COLORS = {"block": (BLOCK, BLOCK_TINT), "warn": (WARN, WARN_TINT), "high": (WARN, WARN_TINT)}
STATUS_TEXT = {"planned": "Planned", "printed": "Printed", "collected": "Collected",
               "resulted": "Resulted"}  # fmt: skip


def fold_text(text: str) -> str:
    """Accent- and case-insensitive text for matching ("Zoë" matches "zoe")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class DueFilter:
    test: str = ""  # a test code, or "" for any
    prescriber_id: int | None = None
    patient: str = ""  # words of the name or the clinic number

    def accepts(self, item: DueItem) -> bool:
        if self.test and self.test not in item.tests:
            return False
        if self.prescriber_id is not None and item.prescriber_id != self.prescriber_id:
            return False
        words = fold_text(self.patient).split()
        haystack = fold_text(f"{item.patient_name} {item.clinic_number}")
        return all(word in haystack for word in words)


class DueTreeModel(QAbstractItemModel):
    def __init__(self) -> None:
        super().__init__()
        self.due: DueList | None = None
        self.filter = DueFilter()
        self._groups: list[tuple[str, list[DueItem]]] = []

    # ----- what the controller calls

    def set_list(self, due: DueList) -> None:
        self.due = due
        self._rebuild()

    def set_filter(self, due_filter: DueFilter) -> None:
        self.filter = due_filter
        self._rebuild()

    def _rebuild(self) -> None:
        self.beginResetModel()
        shown = [i for i in self.due.items if self.filter.accepts(i)] if self.due else []
        self._groups = [(key, [i for i in shown if i.group == key]) for key, _ in GROUPS]
        self._groups = [(key, items) for key, items in self._groups if items]
        self.endResetModel()

    def set_status(self, order_ids: set[int], status: str) -> None:
        """Show these orders with a new status in place (e.g. printed after a job): same
        groups, same rows, same selection, no reset and no new layout of the list."""
        if self.due is None:
            return
        self.due = DueList(self.due.today, tuple(
            dataclasses.replace(i, status=status) if i.order_id in order_ids else i
            for i in self.due.items))  # fmt: skip
        last = len(COLUMNS) - 1
        for g, (_, items) in enumerate(self._groups):
            changed = [r for r, i in enumerate(items) if i.order_id in order_ids]
            for r in changed:
                items[r] = dataclasses.replace(items[r], status=status)
            if changed:
                group = self.index(g, 0)
                self.dataChanged.emit(self.index(changed[0], 0, group),
                                      self.index(changed[-1], last, group))  # fmt: skip

    def group_keys(self) -> list[str]:
        return [key for key, _ in self._groups]

    def shown_items(self) -> list[DueItem]:
        return [item for _, items in self._groups for item in items]

    def item(self, index: Index) -> DueItem | None:
        if not index.isValid() or index.internalId() == GROUP_ROW:
            return None
        return self._groups[index.internalId()][1][index.row()]

    def items_at(self, index: Index) -> list[DueItem]:
        """The order of a row, or every order of a group row."""
        if not index.isValid():
            return []
        if index.internalId() == GROUP_ROW:
            return list(self._groups[index.row()][1])
        return [self._groups[index.internalId()][1][index.row()]]

    def group_index(self, key: str) -> QModelIndex:
        keys = self.group_keys()
        return self.index(keys.index(key), 0) if key in keys else QModelIndex()

    # ----- QAbstractItemModel

    def index(
        self,
        row: int,
        column: int,
        parent: Index = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, GROUP_ROW)
        return self.createIndex(row, column, parent.row())

    def parent(  # type: ignore[override]
        self,
        index: Index = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        if not index.isValid() or index.internalId() == GROUP_ROW:
            return QModelIndex()
        return self.createIndex(index.internalId(), 0, GROUP_ROW)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == GROUP_ROW and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == GROUP_ROW:
            return self._group_data(index, role)
        item = self._groups[index.internalId()][1][index.row()]
        return _item_data(item, index.column(), role)

    def _group_data(self, index: Index, role: int) -> Any:
        key, items = self._groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return f"{GROUP_TITLES[key]} ({len(items)})"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and key == "overdue":
            return QBrush(BLOCK)
        return None


def _item_data(item: DueItem, column: int, role: int) -> Any:
    if role == Qt.ItemDataRole.DisplayRole:
        return _text(item, column)
    if role == Qt.ItemDataRole.ToolTipRole:
        return _tooltip(item)
    if role == Qt.ItemDataRole.AccessibleDescriptionRole:
        return _tooltip(item)
    colors = LEVEL_COLORS.get(item.level)
    if role == Qt.ItemDataRole.BackgroundRole and colors:
        return QBrush(colors[1])
    if role == Qt.ItemDataRole.ForegroundRole:
        if colors:
            return QBrush(colors[0])
        if column == 1 and item.patient_alert:
            return QBrush(BLOCK)
    return None


def _text(item: DueItem, column: int) -> str:
    if column == 0:
        return item.code
    if column == 1:
        return (ALERT_MARK if item.patient_alert else "") + item.patient_name
    if column == 2:
        return item.clinic_number
    if column == 3:
        return " ".join(item.tests)
    if column == 4:
        return item.due.strftime("%d %b %Y")
    if column == 5:
        return f"{item.due_from:%d %b} – {item.due_until:%d %b}"
    if column == 6:
        return item.prescriber_name
    if item.status == "resulted" and item.abnormal:
        return "Abnormal"  # the tint says how bad; the tooltip and the detail line say why
    return STATUS_TEXT.get(item.status, item.status)


def _tooltip(item: DueItem) -> str:
    lines = [f"{item.code} · {item.reason}" if item.reason else item.code]
    if item.abnormal:
        lines.append(f"This order's results: {item.level}")
    if item.patient_alert:
        lines.append(f"Latest abnormal results: {item.patient_alert}")
    return "\n".join(lines)
