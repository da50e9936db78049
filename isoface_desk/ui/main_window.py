"""The main window shell (view only): navigation, pages, menus, status bar.

Behaviour lives in `ShellController` (ui/main_controller.py). Later screens replace the
placeholder pages with `set_area_page(key, widget)`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.ui.navigation import AREAS, Area

SIGNED_OUT = "signed_out"
WINDOW_TITLE = "Isoface Desk"


def _heading(text: str, scale: float = 1.5) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return label


def _paragraph(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMaximumWidth(720)
    return label


class PlaceholderPage(QFrame):
    """What an area will hold, until its real page exists."""

    def __init__(self, title: str, purpose: str, coming: str) -> None:
        super().__init__()
        self.setAccessibleName(f"{title} page")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(12)
        layout.addWidget(_heading(title))
        layout.addWidget(_paragraph(purpose, f"{title}: purpose"))
        layout.addWidget(_heading("Coming here", 1.1))
        layout.addWidget(_paragraph(coming, f"{title}: coming here"))
        layout.addStretch(1)

    @classmethod
    def for_area(cls, area: Area) -> PlaceholderPage:
        return cls(area.title, area.purpose, area.coming)


class MainWindow(QMainWindow):
    """Navigation list on the left, the current area's page on the right."""

    def __init__(self, database_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.setAccessibleName(WINDOW_TITLE)
        self.setMinimumSize(800, 560)
        self._pages: dict[str, QWidget] = {}
        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar(database_text)
        self.show_areas(())

    def sizeHint(self) -> QSize:
        return QSize(1280, 720)

    # ----- building

    def _build_actions(self) -> None:
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Q))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action = QAction("&About Isoface Desk", self)
        self.about_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.change_password_action = QAction("Change my &password…", self)
        self.change_password_action.setStatusTip("Choose a new password for your own account")
        self.area_actions: dict[str, QAction] = {}
        for index, area in enumerate(AREAS, start=1):
            action = QAction(area.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index}"))
            action.setStatusTip(area.purpose)
            self.area_actions[area.key] = action
        for action in (self.quit_action, self.about_action, *self.area_actions.values()):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)  # shortcuts work even with the menu bar hidden

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.setAccessibleName("Main menu")
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.change_password_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.go_menu = bar.addMenu("&Go")
        for action in self.area_actions.values():
            self.go_menu.addAction(action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_central(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Work areas")
        self.nav.setAccessibleDescription("Choose a work area; Ctrl+1 to Ctrl+5 jump directly.")
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        em = self.fontMetrics().height()
        self.nav.setFixedWidth(11 * em)
        self.nav.setStyleSheet(
            "QListWidget#navigation { padding-top: 0.4em; }"
            "QListWidget#navigation::item { padding-left: 0.8em; }"
        )
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.nav.setFont(font)
        self.stack = QStackedWidget()
        self.stack.setAccessibleName("Current work area")
        self._pages[SIGNED_OUT] = PlaceholderPage(
            "Not signed in",
            "Sign in to see the areas your role allows.",
            "The sign-in screen (user name and password, with the account locked after five "
            "failed attempts) and, on a new database, the first-run setup wizard.",
        )
        self.stack.addWidget(self._pages[SIGNED_OUT])
        for area in AREAS:
            self._pages[area.key] = PlaceholderPage.for_area(area)
            self.stack.addWidget(self._pages[area.key])
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        divider = QFrame()
        divider.setFrameShape(QFrame.Shape.VLine)
        divider.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(divider)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self, database_text: str) -> None:
        bar = self.statusBar()
        bar.setAccessibleName("Status bar")
        self.user_label = QLabel()
        self.user_label.setAccessibleName("Signed-in user")
        self.database_label = QLabel(f"Database: {database_text}")
        self.database_label.setAccessibleName("Database location")
        self.database_label.setToolTip(database_text)
        for label in (self.user_label, self.database_label):
            label.setContentsMargins(8, 0, 8, 0)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(separator)
        bar.addPermanentWidget(self.database_label)

    def fit_to_screen(self) -> None:
        """1280x720 where it fits; maximized on small screens such as 1366x768."""
        screen = self.screen().availableGeometry()
        hint = self.sizeHint()
        if hint.width() > screen.width() * 0.95 or hint.height() > screen.height() * 0.95:
            self.resize(screen.size())
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        else:
            self.resize(hint)

    # ----- what the controller calls

    def show_areas(self, areas: Sequence[Area]) -> None:
        """Offer exactly these areas in the list and the Go menu (empty: signed out)."""
        self.nav.blockSignals(True)
        self.nav.clear()
        for area in areas:
            item = QListWidgetItem(area.title)
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setToolTip(area.purpose)
            item.setSizeHint(QSize(0, int(self.fontMetrics().height() * 2.2)))
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        shown = {area.key for area in areas}
        for key, action in self.area_actions.items():
            action.setEnabled(key in shown)
            action.setVisible(key in shown)
        self.go_menu.menuAction().setVisible(bool(areas))
        self.change_password_action.setEnabled(bool(areas))  # signed in
        self.change_password_action.setVisible(bool(areas))
        self.nav.setVisible(bool(areas))
        if areas:
            self.nav.setCurrentRow(0)
            self.nav.setFocus()  # arrow keys move between areas straight away
            self.stack.setCurrentWidget(self._pages[areas[0].key])
        else:
            self.stack.setCurrentWidget(self._pages[SIGNED_OUT])

    def shown_area_keys(self) -> list[str]:
        return [
            str(self.nav.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.nav.count())
        ]

    def area_key_at(self, row: int) -> str | None:
        item = self.nav.item(row)
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def select_area(self, key: str) -> None:
        """Highlight the area in the list (the controller switches the page)."""
        keys = self.shown_area_keys()
        if key in keys:
            self.nav.setCurrentRow(keys.index(key))

    def show_page(self, key: str) -> None:
        self.stack.setCurrentWidget(self._pages[key])

    def current_page_key(self) -> str:
        current = self.stack.currentWidget()
        return next(key for key, page in self._pages.items() if page is current)

    def page(self, key: str) -> QWidget:
        return self._pages[key]

    def set_area_page(self, key: str, widget: QWidget) -> None:
        """Replace an area's page (the placeholder, at first) with a real one."""
        old = self._pages[key]
        was_current = self.stack.currentWidget() is old
        index = self.stack.indexOf(old)
        self.stack.insertWidget(index, widget)
        self.stack.removeWidget(old)
        old.deleteLater()
        self._pages[key] = widget
        if was_current:
            self.stack.setCurrentWidget(widget)

    def set_user_text(self, text: str) -> None:
        self.user_label.setText(text)
