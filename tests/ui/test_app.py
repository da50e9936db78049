"""The composition root: logging, application setup, demo seeding, a real run_gui."""

from __future__ import annotations

import functools
import logging
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from isoface_desk import app as app_module
from isoface_desk.devtools import demo
from isoface_desk.ui.db_location import describe_database, sqlite_file
from isoface_desk.ui.main_window import MainWindow
from isoface_desk.ui.messages import MessageChannel


@pytest.fixture
def clean_logging() -> Iterator[None]:
    root = logging.getLogger("isoface")
    before = list(root.handlers)
    yield
    for handler in root.handlers:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    logging.captureWarnings(False)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////var/lib/isoface/clinic.sqlite3", Path("/var/lib/isoface/clinic.sqlite3")),
        ("sqlite+pysqlite:///rel/demo.sqlite3?timeout=5", Path("rel/demo.sqlite3")),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://u:p@h/db", None),
    ],
)
def test_sqlite_file(url: str, path: Path | None) -> None:
    assert sqlite_file(url) == path


def test_describe_database_hides_credentials() -> None:
    assert describe_database("sqlite:////tmp/a.sqlite3") == "SQLite file /tmp/a.sqlite3"
    text = describe_database("postgresql+psycopg://admin:hunter2@10.0.0.5/isoface")
    assert text == "PostgreSQL database isoface on 10.0.0.5"


def test_logging_writes_by_area_and_is_installed_once(tmp_path: Path, clean_logging: None) -> None:
    path = app_module.configure_logging(tmp_path / "logs")
    app_module.configure_logging(tmp_path / "logs")
    logging.getLogger("isoface.storage").info("opened record 17")
    for handler in logging.getLogger("isoface").handlers:
        handler.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and lines[0].endswith("INFO isoface.storage: opened record 17")


def test_application_is_named(qapp: QApplication) -> None:
    created = app_module.create_application([sys.argv[0]])
    assert created is qapp
    assert created.applicationName() == "Isoface Desk"
    assert created.applicationVersion() == app_module.app_version()


def test_demo_database_that_exists_is_left_alone(tmp_path: Path, qtbot: QtBot) -> None:
    db = tmp_path / "demo.sqlite3"
    db.write_bytes(b"")
    channel = MessageChannel(show_dialogs=False)
    app_module.ensure_demo_database(f"sqlite:///{db}", channel)
    assert channel.captured == []
    assert db.read_bytes() == b""


def test_demo_database_is_seeded_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    # The real seeding, with fewer patients than the default's (which takes half a minute).
    monkeypatch.setattr(demo, "seed_demo", functools.partial(demo.seed_demo, patients=3))
    db = tmp_path / "demo.sqlite3"
    channel = MessageChannel(show_dialogs=False)
    app_module.ensure_demo_database(f"sqlite:///{db}", channel)
    assert channel.captured == []
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM patient").fetchone() == (3,)


def test_run_gui_opens_the_main_window_and_returns_on_close(
    tmp_path: Path, qapp: QApplication, clean_logging: None
) -> None:
    seen: list[str] = []

    def look_and_close() -> None:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.extend(w.database_label.text() for w in windows)
        for window in windows:
            window.quit_action.trigger()

    QTimer.singleShot(0, look_and_close)
    before = sys.excepthook
    db = tmp_path / "clinic.sqlite3"
    assert app_module.run_gui(f"sqlite:///{db}") == 0
    assert seen == [f"Database: SQLite file {db}"]
    assert sys.excepthook is before
