"""The main window shell: role-aware areas, shortcuts, about box, status bar, a11y."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.db_location import describe_database
from isoface_desk.ui.main_controller import ShellController
from isoface_desk.ui.main_window import SIGNED_OUT, MainWindow, PlaceholderPage
from isoface_desk.ui.navigation import areas_for_roles

DB_URL = "sqlite:////srv/clinic/isoface.sqlite3"


@pytest.fixture
def shell(qtbot: QtBot) -> tuple[MainWindow, ShellController]:
    window = MainWindow(describe_database(DB_URL))
    qtbot.addWidget(window)
    controller = ShellController(window, version="9.8.7")
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, controller


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (["dermatologist"], ["patients", "visit", "lab_orders"]),
        (["nurse"], ["patients", "lab_orders"]),
        (["auditor"], ["patients", "audit"]),
        (["admin"], ["audit", "administration"]),
        (
            ["dermatologist", "admin"],
            ["patients", "visit", "lab_orders", "audit", "administration"],
        ),
    ],
)
def test_window_shows_only_the_areas_of_the_roles(
    shell: tuple[MainWindow, ShellController], roles: list[str], expected: list[str]
) -> None:
    window, controller = shell
    controller.sign_in("Dr Test", roles)
    assert window.shown_area_keys() == expected
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        a.title for a in areas_for_roles(roles)
    ]
    visible_go = [k for k, action in window.area_actions.items() if action.isVisible()]
    assert visible_go == expected
    assert window.current_page_key() == expected[0]
    assert "Dr Test" in window.user_label.text()


def test_signed_out_window_offers_no_area(shell: tuple[MainWindow, ShellController]) -> None:
    window, controller = shell
    controller.sign_in("Dr Test", ["dermatologist"])
    controller.sign_out()
    assert window.shown_area_keys() == []
    assert window.nav.isHidden()
    assert window.current_page_key() == SIGNED_OUT
    assert not any(action.isEnabled() for action in window.area_actions.values())


def test_unknown_role_is_refused(shell: tuple[MainWindow, ShellController]) -> None:
    _window, controller = shell
    with pytest.raises(ValueError, match="superuser"):
        controller.sign_in("X", ["superuser"])


def test_clicking_an_area_shows_its_page(
    qtbot: QtBot, shell: tuple[MainWindow, ShellController]
) -> None:
    window, controller = shell
    controller.sign_in("Nurse", ["nurse"])
    rect = window.nav.visualItemRect(window.nav.item(1))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page_key() == "lab_orders"
    page = window.page("lab_orders")
    texts = " ".join(label.text() for label in page.findChildren(QLabel))
    assert "Lab orders" in texts and "results" in texts


def test_ctrl_number_jumps_to_an_offered_area_only(
    qtbot: QtBot, shell: tuple[MainWindow, ShellController]
) -> None:
    window, controller = shell
    controller.sign_in("Dr Test", ["dermatologist"])
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "visit"
    assert window.nav.currentItem().text() == "Visit"
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # admin only
    assert window.current_page_key() == "visit"


def test_f1_shows_about_with_version(
    qtbot: QtBot, shell: tuple[MainWindow, ShellController]
) -> None:
    window, controller = shell
    qtbot.keyClick(window, Qt.Key.Key_F1)
    box = controller.about_box
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    assert "Isoface Desk 9.8.7" in box.text()
    box.accept()


def test_ctrl_q_closes_the_window(qtbot: QtBot, shell: tuple[MainWindow, ShellController]) -> None:
    window, _controller = shell
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_status_bar_names_the_database_without_password(qtbot: QtBot) -> None:
    url = "postgresql+psycopg://clinic:s3cret@db.example:5433/isoface"
    window = MainWindow(describe_database(url))
    qtbot.addWidget(window)
    text = window.database_label.text()
    assert text == "Database: PostgreSQL database isoface on db.example:5433"
    assert "s3cret" not in text and "clinic" not in text


def test_every_control_has_an_accessible_name(shell: tuple[MainWindow, ShellController]) -> None:
    window, controller = shell
    controller.sign_in("Dr Test", ["dermatologist", "admin"])
    assert controls_without_accessible_name(window) == []
    assert window.nav.accessibleName() == "Work areas"
    assert window.database_label.accessibleName() == "Database location"


def test_layout_fits_1366_by_768(shell: tuple[MainWindow, ShellController]) -> None:
    window, controller = shell
    controller.sign_in("Dr Test", ["dermatologist", "admin"])
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728
    assert window.width() == 1366 and window.height() == 728


def test_a_real_page_replaces_the_placeholder(
    qtbot: QtBot, shell: tuple[MainWindow, ShellController]
) -> None:
    window, controller = shell
    controller.sign_in("Dr Test", ["dermatologist"])
    assert isinstance(window.page("patients"), PlaceholderPage)
    real = QLabel("patient list")
    window.set_area_page("patients", real)
    assert window.page("patients") is real
    assert window.stack.currentWidget() is real


def test_arrow_keys_move_between_areas(
    qtbot: QtBot, shell: tuple[MainWindow, ShellController]
) -> None:
    window, controller = shell
    controller.sign_in("Nurse", ["nurse"])
    assert window.nav.hasFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_page_key() == "lab_orders"
