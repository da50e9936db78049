"""Accessibility checks shared by the UI tests: every control has an accessible name."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

SCROLL_BAR_CONTAINERS = frozenset({"qt_scrollarea_hcontainer", "qt_scrollarea_vcontainer"})


def describe_widget(widget: QWidget) -> str:
    name = widget.objectName() or "(no object name)"
    return f"{type(widget).__name__} {name}"


def controls_without_accessible_name(root: QWidget) -> list[str]:
    """Controls under `root` (itself included) that a screen reader could not name.

    A button with visible text is named by that text; everything else needs
    setAccessibleName. Widgets owned by Qt internals (scroll bars of item views, the
    line edit inside a spin box) are skipped.
    """
    missing: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, CONTROLS) or _is_internal(widget):
            continue
        if widget.accessibleName().strip():
            continue
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue
        missing.append(describe_widget(widget))
    return missing


def _is_internal(widget: QWidget) -> bool:
    """Part of a compound Qt widget (its scroll bars, its inner editor), not a control."""
    if widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if parent.objectName() in SCROLL_BAR_CONTAINERS or isinstance(
            parent, QAbstractSpinBox | QComboBox | QAbstractItemView
        ):
            return True
        parent = parent.parentWidget()
    return False
