"""Colours and text helpers shared by the visit checklist widgets.

Colours are chosen for contrast on a light window (WCAG AA for text): the block red and
the warning amber-brown are dark enough for text, with pale tints as backgrounds. Sizes
are in font units (em), so the layout follows the system font and 200 % scaling.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

BLOCK = QColor("#b3261e")
BLOCK_TINT = QColor("#fdecea")
WARN = QColor("#8a5300")
WARN_TINT = QColor("#fff4dc")
INFO = QColor("#2f5d8a")
INFO_TINT = QColor("#eaf1f8")
CLEAR = QColor("#1e6b35")
CLEAR_TINT = QColor("#e7f4ea")
NOTE = QColor("#4a4a4a")

SEVERITY_COLORS: dict[str, tuple[QColor, QColor]] = {
    "block": (BLOCK, BLOCK_TINT),
    "warn": (WARN, WARN_TINT),
    "info": (INFO, INFO_TINT),
}
SEVERITY_WORDS = {"block": "Blocks signing", "warn": "Warning", "info": "Note"}


def em(widget: QWidget) -> int:
    return widget.fontMetrics().height()


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> None:
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    widget.setFont(font)


W = TypeVar("W", bound=QWidget)


def muted(widget: W) -> W:
    """Secondary text: the palette's placeholder colour (readable, quieter than text)."""
    palette = widget.palette()
    role = QPalette.ColorRole
    palette.setColor(role.WindowText, palette.color(role.PlaceholderText))
    widget.setPalette(palette)
    return widget


def colored(widget: W, color: QColor) -> W:
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    widget.setPalette(palette)
    return widget


def wrapped(text: str, name: str | None = None, *, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAccessibleName(name or text)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
