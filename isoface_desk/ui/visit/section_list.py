"""The list of sections beside the checklist, with the state of each one.

Each visible section is a row "n. Title" with a drawn status mark: a red disc when a
finding that blocks signing points into it, an amber one for a warning, a grey ring while
something is still to answer, a green tick when done. Alt+n jumps to section n (Alt+0 is
the tenth); arrows and Enter work in the list itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QListWidget, QListWidgetItem, QWidget

from isoface_desk.domain.checklist import Section
from isoface_desk.ui.visit.style import BLOCK, CLEAR, WARN

STATUS_WORDS = {
    "block": "a finding blocks signing",
    "warn": "a warning to justify",
    "todo": "still to answer",
    "done": "done",
}


@dataclass(frozen=True)
class SectionState:
    section: Section
    status: str  # one of STATUS_WORDS


def status_icon(status: str, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(size * 0.2, size * 0.2, size * 0.6, size * 0.6)
    if status in ("block", "warn"):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BLOCK if status == "block" else WARN)
        painter.drawEllipse(box)
    elif status == "todo":
        painter.setPen(QPen(QColor("#8a8a8a"), max(1.5, size / 12)))
        painter.drawEllipse(box)
    else:
        pen = QPen(CLEAR, max(2.0, size / 8))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawPolyline([QPointF(size * 0.22, size * 0.52), QPointF(size * 0.42, size * 0.72),
                              QPointF(size * 0.8, size * 0.28)])  # fmt: skip
    painter.end()
    return QIcon(pixmap)


class SectionList(QListWidget):
    """`section_chosen(section_id)` when the current row changes (click, arrows);
    `section_entered(section_id)` on Enter, to move the focus into the section."""

    section_chosen = Signal(str)
    section_entered = Signal(str)  # Enter or a double click: go into the section

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sections")
        self.setAccessibleName("Sections")
        self.setAccessibleDescription("Alt+1 to Alt+9 jump to a section; Ctrl+Enter goes to the "
                                      "next one.")  # fmt: skip
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self._ids: list[str] = []
        self._icons: dict[str, QIcon] = {}
        self.currentRowChanged.connect(self._on_current_row_changed)
        self.itemActivated.connect(self._on_item_activated)

    def sizeHint(self) -> QSize:
        em = self.fontMetrics().height()
        return QSize(13 * em, 20 * em)

    def show_sections(self, states: Sequence[SectionState], current: str) -> None:
        """Rebuild the rows only when the sections changed; always refresh the marks."""
        ids = [s.section.id for s in states]
        self.blockSignals(True)
        if ids != self._ids:
            self.clear()
            for n, state in enumerate(states, start=1):
                item = QListWidgetItem(f"{n}. {state.section.title}")
                item.setData(Qt.ItemDataRole.UserRole, state.section.id)
                item.setSizeHint(QSize(0, int(self.fontMetrics().height() * 2.0)))
                self.addItem(item)
            self._ids = ids
        for row, state in enumerate(states):
            item = self.item(row)
            item.setIcon(self._icon(state.status))
            shortcut = f" (Alt+{(row + 1) % 10})" if row < 10 else ""
            item.setToolTip(f"{state.section.title}: {STATUS_WORDS[state.status]}{shortcut}")
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                f"{row + 1}. {state.section.title}, {STATUS_WORDS[state.status]}",
            )
            item.setData(Qt.ItemDataRole.UserRole + 1, state.status)
        if current in ids:
            self.setCurrentRow(ids.index(current))
        self.blockSignals(False)

    def _icon(self, status: str) -> QIcon:
        if status not in self._icons:
            self._icons[status] = status_icon(status, int(self.fontMetrics().height() * 1.2))
        return self._icons[status]

    def section_ids(self) -> list[str]:
        return list(self._ids)

    def status_of(self, section_id: str) -> str | None:
        if section_id not in self._ids:
            return None
        return str(self.item(self._ids.index(section_id)).data(Qt.ItemDataRole.UserRole + 1))

    def _on_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._ids):
            self.section_chosen.emit(self._ids[row])

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.section_entered.emit(str(item.data(Qt.ItemDataRole.UserRole)))
