"""Shared by the sign-in, setup and patients tests: real databases built once per test run,
and a harness around the real app (build_app) that signs in by typing, as a person would.

Templates are built once per session (a demo clinic with 6 full-workflow patients; the
same plus 100,000 bulk patients) and copied for every test that writes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from isoface_desk.app import AppParts, build_app
from isoface_desk.services.bundle import Services, open_services
from isoface_desk.services.context import Actor
from isoface_desk.ui.idle import IdleWatcher
from isoface_desk.ui.messages import MessageChannel

PASSWORD = "demo-password"
BIG = 100_000
_TEMPLATES: dict[str, Path] = {}


def _template(factory: pytest.TempPathFactory, name: str, build: Callable[[str], None]) -> Path:
    """A database file built once per test session (cached by name)."""
    if name not in _TEMPLATES:
        path = factory.mktemp("templates") / f"{name}.sqlite3"
        build(f"sqlite:///{path}")
        _TEMPLATES[name] = path
    return _TEMPLATES[name]


def _seed_small(url: str) -> None:
    from isoface_desk.devtools.demo import seed_demo

    seed_demo(url, patients=6)


def demo_template(factory: pytest.TempPathFactory) -> Path:
    """A demo clinic: derm (also admin), nurse, auditor, admin; 6 patients in course states."""
    return _template(factory, "demo", _seed_small)


def big_template(factory: pytest.TempPathFactory) -> Path:
    """The demo clinic plus 100,000 identity-only patients (bulk insert through services)."""

    def build(url: str) -> None:
        from isoface_desk.devtools.demo_people import bulk_patients

        shutil.copyfile(demo_template(factory), url.removeprefix("sqlite:///"))
        services = open_services(url)
        try:
            nurse = services.auth.login("nurse", PASSWORD)
            services.patients.bulk_import(nurse, bulk_patients(BIG))
        finally:
            services.close()

    return _template(factory, "big", build)


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` into the focused-or-given widget: ASCII as key presses, anything else
    (ü, ß, Cyrillic...) as an input-method commit, as a keyboard layout or IME sends it."""
    for char in text:
        if char.isascii() and char != "\n":
            QTest.keyClicks(widget, char)
        elif char == "\n":
            QTest.keyClick(widget, Qt.Key.Key_Return)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def copy_of(template: Path, tmp_path: Path) -> str:
    target = tmp_path / template.name
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@dataclass
class App:
    """The running app on a real database, shown at 1366x728 (1366x768 less a task bar)."""

    parts: AppParts
    channel: MessageChannel
    qtbot: QtBot
    url: str
    idle: IdleWatcher
    keys_pressed: int = 0
    _services: list[Services] = field(default_factory=list)

    @property
    def window(self):  # type: ignore[no-untyped-def]
        return self.parts.window

    @property
    def session(self):  # type: ignore[no-untyped-def]
        assert self.parts.session is not None
        return self.parts.session

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        """Type the user name and password into the panel and press Enter."""
        panel = self.session.panel
        panel.username.clear()
        panel.username.setFocus()
        QTest.keyClicks(panel.username, username)
        QTest.keyClick(panel.username, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is panel.password
        QTest.keyClicks(panel.password, password)
        QTest.keyClick(panel.password, Qt.Key.Key_Return)

    def sign_in_ok(self, username: str, password: str = PASSWORD) -> None:
        self.sign_in(username, password)
        actor = self.session.actor
        assert actor is not None and actor.username == username, (
            self.session.panel.message_text(),
            self.channel.captured,
        )

    def content_visible(self) -> bool:
        return self.window.stack.isVisible()

    def services(self) -> Services:
        """A second set of services on the same file (what another workstation would do)."""
        services = open_services(self.url, migrate=False)
        self._services.append(services)
        return services

    def close(self) -> None:
        for services in self._services:
            services.close()
        self.parts.close()


def start_app(qtbot: QtBot, url: str, *, now: Callable[[], dt.datetime] | None = None) -> App:
    channel = MessageChannel(show_dialogs=False)
    idle = IdleWatcher()
    kwargs = {"now": now} if now is not None else {}
    parts = build_app(url, "test", channel, idle=idle, **kwargs)
    window = parts.window
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return App(parts, channel, qtbot, url, idle)


@pytest.fixture
def app_on(qtbot: QtBot) -> Iterator[Callable[..., App]]:
    """`app_on(url)` starts the real app on that database (closed after the test)."""
    started: list[App] = []

    def start(url: str, **kwargs: object) -> App:
        app = start_app(qtbot, url, **kwargs)  # type: ignore[arg-type]
        started.append(app)
        return app

    yield start
    for app in started:
        app.idle.stop()
        app.close()


def actor(url: str, username: str) -> Actor:
    services = open_services(url, migrate=False)
    try:
        return services.auth.login(username, PASSWORD)
    finally:
        services.close()
