"""The idle lock on the real window: the content is covered, the visit in progress is saved,
the same person resumes exactly where they were, another person's sign-in closes the first
session. Also: expected errors go through the message channel, a crash saves the draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from isoface_desk.app import DraftRescue
from isoface_desk.ui.crash import CrashHandler
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.visit_area import VisitArea
from tests.ui.app_support import App, actor, app_on, copy_of, demo_template  # noqa: F401

ON_TREATMENT = 5  # the demo patient with an active course (follow-up visits)


@pytest.fixture
def url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    return copy_of(demo_template(tmp_path_factory), tmp_path)


def open_follow_up(app: App, qtbot: QtBot) -> VisitArea:
    """As the dermatologist: open the patient, press "New follow-up visit", type today's
    weight over the carried one."""
    patients = app.parts.shell.page("patients")
    assert isinstance(patients, PatientsArea)
    assert patients.open_patient(ON_TREATMENT)
    button = patients.patient_page.new_visit_buttons["follow-up"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea) and visit.checklist is not None
    assert app.window.current_page_key() == "visit"
    visit.checklist.controller.go_to_section("product-dose")
    weight = visit.checklist.controller.editors["weight_kg"]
    weight.edit.setFocus()  # type: ignore[attr-defined]
    assert weight.value() is not None, "carried from the last visit"
    weight.edit.selectAll()  # type: ignore[attr-defined]
    QTest.keyClicks(weight.edit, "64.5")  # type: ignore[attr-defined]  # today's weight
    assert weight.value() == 64.5
    return visit


def saved_weight(app: App, username: str = "derm") -> object:
    services = app.services()
    drafts = services.drafts.mine(actor(app.url, username))
    (draft,) = [d for d in drafts if d.patient_id == ON_TREATMENT]
    assert draft.visit_kind == "follow-up"
    return draft.answers.get("weight_kg")


def test_idle_lock_hides_everything_and_the_same_person_resumes(
    app_on,  # noqa: F811
    url: str,
    qtbot: QtBot,
) -> None:
    app = app_on(url)
    app.sign_in("derm")
    visit = open_follow_up(app, qtbot)
    weight = visit.checklist.controller.editors["weight_kg"]  # type: ignore[union-attr]
    assert app.session.idle_minutes == 10  # the clinic's setting (the default)
    app.session.idle.set_interval_ms(30)
    with qtbot.waitSignal(app.session.locked, timeout=5000):
        pass
    assert not app.content_visible() and not visit.isVisible()
    assert app.session.panel.heading.text() == "Locked"
    assert app.session.panel.username.text() == "derm"
    assert QApplication.focusWidget() is app.session.panel.password
    assert not any(a.isEnabled() for a in app.window.area_actions.values())
    assert saved_weight(app) == 64.5, "locking saved the visit in progress"

    QTest.keyClicks(app.session.panel.password, "demo-password")
    QTest.keyClick(app.session.panel.password, Qt.Key.Key_Return)
    assert app.content_visible()
    assert app.window.current_page_key() == "visit"
    assert app.session.idle.remaining_ms() > 0, "watching for idleness again"
    assert app.parts.shell.page("visit") is visit and weight.value() == 64.5
    assert QApplication.focusWidget() is weight.edit  # type: ignore[attr-defined]


def test_the_lock_hides_open_dialogs_too(app_on, url: str, qtbot: QtBot) -> None:  # noqa: F811
    app = app_on(url)
    app.sign_in_ok("nurse")
    patients = app.parts.shell.page("patients")
    assert isinstance(patients, PatientsArea) and patients.open_patient(ON_TREATMENT)
    patients.patient_page.edit_button.click()
    dialog = patients.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    app.session.lock()
    assert not dialog.isVisible(), "a patient's details stay hidden while locked"
    app.sign_in("nurse")
    assert dialog.isVisible() and dialog.given.text() == "Amélie"


def test_another_person_on_the_lock_screen_closes_the_first_session(
    app_on,  # noqa: F811
    url: str,
    qtbot: QtBot,
) -> None:
    app = app_on(url)
    app.sign_in("derm")
    open_follow_up(app, qtbot)
    QTest.keyClick(app.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert app.session.is_locked and not app.content_visible()
    app.sign_in("nurse")
    assert app.content_visible()
    assert app.window.shown_area_keys() == ["patients", "lab_orders"]
    assert app.parts.shell.page("visit") is None
    assert saved_weight(app) == 64.5

    # The dermatologist comes back later: the visit reopens from the draft.
    app.session.sign_out()
    app.sign_in("derm")
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea) and visit.checklist is None
    app.parts.shell.go_to("visit")
    drafts = visit.empty.drafts
    rows = [drafts.item(i).text() for i in range(drafts.count())]
    (row,) = [i for i, text in enumerate(rows) if "Follow-up visit · Amélie Dubois" in text]
    drafts.setFocus()
    drafts.setCurrentRow(row)
    QTest.keyClick(drafts, Qt.Key.Key_Return)
    assert visit.checklist is not None
    assert visit.checklist.controller.editors["weight_kg"].value() == 64.5


def test_an_expected_error_goes_through_the_message_channel(app_on, url: str) -> None:  # noqa: F811
    app = app_on(url)
    app.sign_in("derm")
    admin = app.services()
    admin.users.set_active(actor(app.url, "admin"), actor(app.url, "derm").user_id, False)
    patients = app.parts.shell.page("patients")
    assert isinstance(patients, PatientsArea)
    assert not patients.open_patient(ON_TREATMENT)
    (message,) = app.channel.captured
    assert message.kind == "AccessDenied"
    assert "This account is disabled" in message.text
    assert patients.currentWidget() is patients.list_page, "the list stays as it was"


@pytest.mark.allow_log_warnings("isoface.crash")  # the crash it provokes is logged
def test_a_crash_saves_the_draft_and_shows_the_crash_dialog(
    app_on,  # noqa: F811
    url: str,
    qtbot: QtBot,
) -> None:
    app = app_on(url)
    app.sign_in("derm")
    visit = open_follow_up(app, qtbot)
    assert visit.checklist is not None and visit.checklist.controller.has_pending_save()
    crash = CrashHandler("test")
    rescue = DraftRescue(crash, app.parts)
    try:
        raise RuntimeError("a bug in a slot")
    except RuntimeError as exc:
        rescue(type(exc), exc, exc.__traceback__)
    assert saved_weight(app) == 64.5
    assert crash.dialog is not None and crash.dialog.isVisible()
    assert "RuntimeError: a bug in a slot" in crash.dialog.details()
    crash.dialog.close()
