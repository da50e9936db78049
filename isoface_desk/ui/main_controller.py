"""Behaviour of the main window: navigation, sign-in state, quit, about."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from isoface_desk.ui.main_window import MainWindow
from isoface_desk.ui.navigation import areas_for_roles

log = logging.getLogger("isoface.ui.shell")

ABOUT_TEXT = (
    "<p><b>Isoface Desk {version}</b></p>"
    "<p>Offline prescribing-safety checklists for oral isotretinoin: consultation, signed "
    "records, lab orders and audit.</p>"
    "<p>Qt for Python (PySide6) {pyside}.</p>"
)


class ShellController(QObject):
    """Connects the main window's signals to behaviour; knows who is signed in."""

    def __init__(self, window: MainWindow, *, version: str) -> None:
        super().__init__(window)
        self.window = window
        self.version = version
        self.roles: frozenset[str] = frozenset()
        self.about_box: QMessageBox | None = None
        window.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        window.quit_action.triggered.connect(self._on_quit_action_triggered)
        window.about_action.triggered.connect(self._on_about_action_triggered)
        for key, action in window.area_actions.items():
            action.triggered.connect(lambda _checked=False, k=key: self._on_go_action_triggered(k))
        self.sign_out()

    def sign_in(self, display_name: str, roles: Iterable[str]) -> None:
        """Show the areas these roles may use (the services still check every call)."""
        self.roles = frozenset(roles)
        areas = areas_for_roles(self.roles)
        log.info("shell shows %d areas for roles %s", len(areas), ",".join(sorted(self.roles)))
        self.window.show_areas(areas)
        role_text = ", ".join(sorted(self.roles))
        self.window.set_user_text(f"Signed in: {display_name} ({role_text})")

    def sign_out(self) -> None:
        self.roles = frozenset()
        self.window.show_areas(())
        self.window.set_user_text("Not signed in")

    def _on_nav_current_row_changed(self, row: int) -> None:
        key = self.window.area_key_at(row)
        if key is not None:
            self.window.show_page(key)

    def _on_go_action_triggered(self, key: str) -> None:
        if key in self.window.shown_area_keys():
            self.window.select_area(key)
            self.window.show_page(key)

    def _on_quit_action_triggered(self) -> None:
        self.window.close()

    def _on_about_action_triggered(self) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("About Isoface Desk")
        box.setAccessibleName("About Isoface Desk")
        box.setText(ABOUT_TEXT.format(version=self.version, pyside=pyside_version))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.about_box = box
        box.open()
