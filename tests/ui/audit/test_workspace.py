"""The Audit area on a real demo database with five signed records (real signed PDFs):
the lazy list and its filters, a record opened after choosing it (the stored PDF in the
shared preview, hash and signature checks, its trail, one audited view), Save as PDF and
the CSV export from the page, and the integrity check in the background with progress,
Cancel, and every kind of tampering named."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.errors import NotFound
from isoface_desk.services.audit.audit_review import AuditReviewService
from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import make_engine, read_scope, session_scope
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.repositories.users import create_user
from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.audit.factory import audit_page
from isoface_desk.ui.audit.integrity import OK_TEXT, IntegrityPanel
from isoface_desk.ui.audit.workspace import AuditWorkspace
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.tasks import TaskRunner
from tests.pdf_world import WARNED_NAME, PdfWorld, pdf_world
from tests.storage import tamper
from tests.storage.scenario import build_clean, tamper_everything

TIMEOUT = 20_000


@dataclass
class Page:
    page: AuditWorkspace
    channel: MessageChannel
    services: Services
    actor: Actor
    saved: list[Path]
    exports: list[Path]


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> PdfWorld:
    return pdf_world(tmp_path_factory, "audit-ui")


@pytest.fixture
def open_page(qtbot: QtBot, world: PdfWorld, tmp_path: Path) -> Iterator[object]:
    opened: list[Services] = []

    def make(user: str = "auditor") -> Page:
        services = world.open()
        opened.append(services)
        actor = services.auth.login(user, DEMO_PASSWORD)
        channel = MessageChannel(show_dialogs=False)
        saved: list[Path] = []
        exports: list[Path] = []

        def save_path(_parent: object, name: str) -> Path:
            saved.append(tmp_path / name)
            return saved[-1]

        def export_path(_parent: object, fmt: str, name: str) -> Path:
            exports.append(tmp_path / name)
            return exports[-1]

        page = audit_page(actor, services, channel, None, choose_export_path=export_path,
                          choose_save_path=save_path)  # fmt: skip
        qtbot.addWidget(page)
        page.resize(1366, 700)
        page.show()
        return Page(page, channel, services, actor, saved, exports)

    yield make
    for services in opened:
        services.close()


def newest(services: Services) -> tuple[str, str, str]:
    with read_scope(services.engine) as session:
        event = recent_events(session, 1)[0]
    return event.actor, event.action, event.target_id


def test_the_list_shows_every_record_and_filters_narrow_it(open_page, world: PdfWorld) -> None:
    p = open_page()
    records = p.page.records
    assert records is not None and [p.page.tabs.tabText(i) for i in range(3)] == [
        "Signed &records", "&Integrity check", "Audit &trail"]  # fmt: skip
    assert records.model.rowCount() == 5
    assert records.count_label.text() == "5 signed records in all"
    assert not controls_without_accessible_name(p.page)
    filters = records.filters
    filters.justified.setCurrentIndex(filters.justified.findText("With justified warnings"))
    QTest.mouseClick(filters.search_button, Qt.MouseButton.LeftButton)
    assert records.model.rowCount() == 1
    assert records.model.item_at(0).id == world.warned_record  # type: ignore[union-attr]
    assert records.count_label.text() == "1 signed record match"
    assert records.model.item_at(0).patient_name == WARNED_NAME  # type: ignore[union-attr]
    assert newest(p.services)[:2] == ("auditor", "search")
    filters.patient.setText("NO-SUCH-NUMBER")
    QTest.keyClick(filters.patient, Qt.Key.Key_Return)
    assert p.channel.captured[-1].kind == NotFound.__name__
    QTest.mouseClick(filters.clear_button, Qt.MouseButton.LeftButton)
    assert records.model.rowCount() == 5


def test_choosing_a_record_shows_it_as_stored_with_checks_and_trail(
    open_page, world: PdfWorld, qtbot: QtBot
) -> None:
    p = open_page()
    records = p.page.records
    row = records.model.row_of(world.warned_record)
    assert row is not None
    records.table.setFocus()
    records.table.selectRow(row)
    panel = records.panel
    qtbot.waitUntil(lambda: panel.opened is not None, timeout=TIMEOUT)
    assert panel.opened.pdf == p.services.records.pdf(p.actor, world.warned_record)
    assert panel.fields["Content hash"].text().startswith("✓")
    assert panel.fields["PDF hash"].text().startswith("✓")
    assert panel.fields["Signature"].text().startswith("✓ Valid signature by")
    assert "PSYCHIATRIC_HISTORY" in panel.fields["Justifications"].text()
    assert panel.preview is not None and panel.preview.page_count() >= 2
    actions = [panel.trail.item(r, 2).text() for r in range(panel.trail.rowCount())]
    assert actions[0] == "sign" and "view" in actions
    QTest.mouseClick(panel.preview.view.save_button, Qt.MouseButton.LeftButton)
    assert p.saved and p.saved[0].read_bytes() == panel.opened.pdf
    assert newest(p.services) == ("auditor", "export", str(world.warned_record))


def test_csv_export_from_the_page(open_page, world: PdfWorld) -> None:
    p = open_page()
    records = p.page.records
    QTest.mouseClick(records.csv_button, Qt.MouseButton.LeftButton)
    assert p.exports and p.channel.captured[-1].title == "Report exported"
    rows = list(csv.DictReader(io.StringIO(p.exports[0].read_text("utf-8-sig"))))
    assert {int(r["record_id"]) for r in rows} == set(world.records.values())
    assert newest(p.services)[:2] == ("auditor", "export")


def test_an_administrator_gets_the_integrity_check_only(open_page) -> None:
    p = open_page("admin")
    assert p.page.records is None and p.page.events is None
    assert p.page.tabs.count() == 1 and p.page.integrity is not None


def _run(qtbot: QtBot, panel: IntegrityPanel) -> None:
    with qtbot.waitSignal(panel.finished, timeout=TIMEOUT):
        QTest.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)


def test_integrity_check_runs_in_the_background_and_is_audited(
    open_page, qtbot: QtBot, world: PdfWorld
) -> None:
    p = open_page()
    panel = p.page.integrity
    _run(qtbot, panel)
    assert panel.status.text().startswith(OK_TEXT) and panel.problems.rowCount() == 0
    assert panel.progress.value() == panel.progress.maximum()
    assert newest(p.services)[:2] == ("auditor", "verify")
    raw = tamper.raw_engine(world.db_url)
    with raw.begin() as conn:
        tamper.drop_guards(conn)
        tamper.alter_pdf(conn, world.warned_record)
    raw.dispose()
    _run(qtbot, panel)
    assert panel.status.text().startswith("1 problem(s) found")
    assert [panel.problems.item(0, c).text() for c in range(3)] == [
        "PDF altered", "record", str(world.warned_record)]  # fmt: skip


def test_the_in_app_check_names_every_kind_of_tampering(qtbot: QtBot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tampered.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        records = build_clean(engine)
        with session_scope(engine) as session:
            user = create_user(session, username="inspector", display_name="Inspector",
                               role="auditor", password_hash="!")  # fmt: skip
        expected = tamper_everything(url, records)
        actor = Actor(user.id, "inspector", "Inspector", frozenset({"auditor"}))
        panel = IntegrityPanel(AuditReviewService(engine), actor,
                               MessageChannel(show_dialogs=False), TaskRunner())  # fmt: skip
        qtbot.addWidget(panel)
        _run(qtbot, panel)
        shown = {(panel.problems.item(r, 0).text(), panel.problems.item(r, 1).text(),
                  int(panel.problems.item(r, 2).text()))
                 for r in range(panel.problems.rowCount())}  # fmt: skip
    finally:
        engine.dispose()
    assert shown == expected
    assert panel.status.text().startswith(f"{len(expected)} problem(s) found")


class _Gated(AuditReviewService):
    """Verify waits until the test has pressed Cancel (no sleeps, no race)."""

    gate = threading.Event()

    def verify(self, actor, progress=None, should_cancel=None):  # type: ignore[no-untyped-def]
        assert self.gate.wait(TIMEOUT / 1000)
        return super().verify(actor, progress, should_cancel)


def test_cancel_stops_the_check(open_page, qtbot: QtBot) -> None:
    p = open_page()
    panel = p.page.integrity
    panel.review = _Gated(p.services.engine)
    QTest.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)
    assert panel.is_running() and not panel.verify_button.isEnabled()
    QTest.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == "Stopping…"
    _Gated.gate.set()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=TIMEOUT)
    assert panel.status.text().startswith("Cancelled")
    assert panel.verify_button.isEnabled()
