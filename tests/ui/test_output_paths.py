"""The app's file outputs (issue 11, part 4) on a real demo database: the Audit area's
export and Administration's "Back up now" pointed at the live database (or another SQLite
database) are refused with a message naming the file, and nothing is written; an ordinary
file the save dialog agreed to replace is replaced."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.services.bundle import Services
from isoface_desk.ui.admin.factory import admin_page
from isoface_desk.ui.audit.factory import audit_page
from isoface_desk.ui.messages import MessageChannel
from tests.pdf_world import PdfWorld, pdf_world


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> PdfWorld:
    return pdf_world(tmp_path_factory, "output-ui")


@pytest.fixture
def services(world: PdfWorld) -> Iterator[Services]:
    opened = world.open()
    try:
        yield opened
    finally:
        opened.close()


def digests(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "-" for p in paths]


def test_the_audit_export_refuses_the_live_database_with_a_message(
    qtbot: QtBot, world: PdfWorld, services: Services, tmp_path: Path
) -> None:
    actor = services.auth.login("auditor", DEMO_PASSWORD)
    channel = MessageChannel(show_dialogs=False)
    answer: list[Path] = []
    page = audit_page(actor, services, channel, None,
                      choose_export_path=lambda _p, _f, _n: answer[-1])  # fmt: skip
    qtbot.addWidget(page)
    page.show()
    assert page.records is not None
    wal = world.path.with_name(world.path.name + "-wal")
    for target in (world.path, wal):
        before = digests(world.path, wal)
        answer.append(target)
        QTest.mouseClick(page.records.csv_button, Qt.MouseButton.LeftButton)
        message = channel.captured[-1]
        assert message.kind == "InputError" and str(target) in message.text
        assert "is the open database" in message.text
        assert digests(world.path, wal) == before
    kept = tmp_path / "old.csv"
    kept.write_text("an older export")
    answer.append(kept)  # the save dialog asked before replacing it
    QTest.mouseClick(page.records.csv_button, Qt.MouseButton.LeftButton)
    assert channel.captured[-1].title == "Report exported"
    assert kept.read_text("utf-8-sig").startswith("record_id")


def test_back_up_now_refuses_another_sqlite_database_with_a_message(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    actor = services.auth.login("admin", DEMO_PASSWORD)
    channel = MessageChannel(show_dialogs=False)
    older = tmp_path / "isoface-older.sqlite3"
    with sqlite3.connect(older) as conn:
        conn.execute("CREATE TABLE kept (x)")
    conn.close()
    before = digests(older)
    page = admin_page(actor, services, channel, None, choose_file=lambda _p, _s: older)
    qtbot.addWidget(page)
    page.show()
    settings = page.settings
    QTest.mouseClick(settings.backup_button, Qt.MouseButton.LeftButton)
    message = channel.captured[-1]
    assert message.kind == "InputError" and str(older) in message.text
    assert "holds a SQLite database" in message.text
    assert settings.backup_status.text() == "The backup failed."
    assert digests(older) == before
