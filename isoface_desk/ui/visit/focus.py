"""Keyboard focus order helpers for the checklist widgets."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QComboBox, QWidget


def chain(widgets: list[QWidget]) -> None:
    """Make Tab visit the widgets in this order."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)


def focusable_in(root: QWidget) -> list[QWidget]:
    """The widgets under `root` that take Tab focus, in creation (layout) order; an
    editor may define its own order with `tab_widgets()`."""
    custom = getattr(root, "tab_widgets", None)
    if callable(custom):
        return list(custom())
    out: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or _inside_compound(widget, root):
            continue
        out.append(widget)
    return out


def _inside_compound(widget: QWidget, root: QWidget) -> bool:
    if widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False
