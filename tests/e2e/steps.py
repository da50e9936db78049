"""The steps of tests/e2e/test_clinic_from_empty.py, each done on the real window as the
person would: type into the real fields, press the real buttons, answer the real dialogs
(a modal dialog is answered from a timer while its event loop runs)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget, QWizard
from pytestqt.qtbot import QtBot

from isoface_desk.services.labs.lab_work import DueItem
from isoface_desk.ui.orders import OrdersArea
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.visit_area import VisitArea
from isoface_desk.ui.visit import VisitChecklist
from tests.ui.app_support import App, type_text
from tests.ui.orders.conftest import select

TIMEOUT = 30_000
#: With ISOFACE_E2E_SHOTS=<folder>, the walk-through saves the README's screenshots there.
SHOTS = os.environ.get("ISOFACE_E2E_SHOTS", "")


def shot(app: App, name: str) -> None:
    """Save the window as <name>.png into ISOFACE_E2E_SHOTS, when set (README pictures)."""
    if SHOTS:
        QApplication.processEvents()
        assert app.window.grab().save(str(Path(SHOTS) / f"{name}.png"))
        size = app.window.size()
        app.window.resize(1024, 600)  # the smallest screen the clinic may have
        QApplication.processEvents()
        assert app.window.grab().save(str(Path(SHOTS) / f"{name}-1024.png"))
        app.window.resize(size)
        QApplication.processEvents()


class Clock:
    """The clinic's clock, moved on between visits."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def to(self, day: dt.date) -> None:
        self.now = dt.datetime.combine(day, dt.time(9, 30), tzinfo=dt.UTC)

    @property
    def today(self) -> dt.date:
        return self.now.date()


def answer_modal(fill: Callable[[QWidget], None]) -> None:
    """Answer the next modal dialog (opened with exec()) as soon as it is shown."""
    timer = QTimer()

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible():
            timer.stop()
            fill(dialog)

    timer.timeout.connect(poll)
    timer.start(20)
    answer_modal.timers.append(timer)  # type: ignore[attr-defined]


answer_modal.timers = []  # type: ignore[attr-defined]


def run_setup_wizard(app: App, qtbot: QtBot, password: str) -> None:
    """Clinic, rules (US iPLEDGE, Letter, SmPC schedule), the first dermatologist, a new seal."""
    first_run = app.parts.first_run
    assert first_run is not None and first_run.wizard is not None
    wizard = first_run.wizard
    qtbot.waitUntil(wizard.isVisible)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    type_text(wizard.clinic_page.name, "Clínica Dermatológica del Norte")
    type_text(wizard.clinic_page.address, "Calle 93 # 11-26\nBogotá")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    rules = wizard.rules_page
    rules.profile.setCurrentIndex(rules.profile.findData("us-ipledge"))
    rules.schedule.setCurrentIndex(rules.schedule.findData("smpc"))
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    account = wizard.account_page
    type_text(account.display_name, "Dra. Ana Ruiz")
    QTest.keyClicks(account.username, "ana")
    type_text(account.licence, "RM 44-7102")
    QTest.keyClicks(account.password, password)
    QTest.keyClicks(account.repeat, password)
    assert account.problems.text() == "", account.problems.text()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.certificate_page.generate.isChecked()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=TIMEOUT)
    assert app.channel.captured == [], [m.text for m in app.channel.captured]


def add_nurse(app: App, qtbot: QtBot, username: str, password: str) -> None:
    """Administration > Users > Add…: the nurse's account, through the real dialog."""
    page = app.parts.shell.go_to("administration")
    users = page.users  # type: ignore[union-attr]

    def fill(dialog: QWidget) -> None:
        QTest.keyClicks(dialog.username, username)  # type: ignore[attr-defined]
        type_text(dialog.display_name, "Nina Torres")  # type: ignore[attr-defined]
        dialog.roles.boxes["dermatologist"].setChecked(False)  # type: ignore[attr-defined]
        dialog.roles.boxes["nurse"].setChecked(True)  # type: ignore[attr-defined]
        QTest.keyClicks(dialog.password, password)  # type: ignore[attr-defined]
        QTest.keyClicks(dialog.again, password)  # type: ignore[attr-defined]
        assert isinstance(dialog, QDialog)
        dialog.accept()

    answer_modal(fill)
    qtbot.mouseClick(users.add_button, Qt.MouseButton.LeftButton)
    assert app.channel.captured[-1].text == f"{username}: added."


def add_patient(app: App, qtbot: QtBot, *, clinic_number: str) -> PatientsArea:
    """Patients > Add: a woman who can get pregnant; the patient page opens."""
    area = app.parts.shell.go_to("patients")
    assert isinstance(area, PatientsArea)
    qtbot.mouseClick(area.list_page.add_button, Qt.MouseButton.LeftButton)
    dialog = area.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    type_text(dialog.given, "Lucía")
    type_text(dialog.family, "Gómez Peña")
    QTest.keyClicks(dialog.birth, "14/03/2001")
    dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
    dialog.pregnancy.setCurrentIndex(dialog.pregnancy.findData(True))
    QTest.keyClicks(dialog.clinic_number, clinic_number)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: area.current_patient_id is not None)
    return area


def sign_in(app: App, qtbot: QtBot, username: str, password: str) -> None:
    """File > Sign out (when someone is signed in), then the next person signs in."""
    if app.session.actor is not None:
        app.session.sign_out_action.trigger()
    app.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
    app.sign_in_ok(username, password)


def open_patient(app: App, clinic_number: str) -> PatientsArea:
    area = app.parts.shell.go_to("patients")
    assert isinstance(area, PatientsArea)
    area.list_page.search.setText(clinic_number)
    QTest.keyClick(area.list_page.search, Qt.Key.Key_Return)
    QTest.keyClick(area.list_page.search, Qt.Key.Key_Return)
    assert area.current_patient_id is not None
    return area


def start_visit(app: App, qtbot: QtBot, area: PatientsArea, kind: str) -> VisitChecklist:
    button = area.patient_page.new_visit_buttons[kind]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea) and visit.checklist is not None, [
        m.text for m in app.channel.captured]  # fmt: skip
    return visit.checklist


def set_answers(checklist: VisitChecklist, answers: dict[str, Any]) -> None:
    c = checklist.controller
    for qid, value in answers.items():
        c.editors[qid].set_value(value)
    c.refresh()


def sign(qtbot: QtBot, checklist: VisitChecklist, password: str) -> Any:
    panel = checklist.view.panel
    assert panel.sign_button.isEnabled(), panel.sign_reason.text()
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    dialog = checklist.controller.sign_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    QTest.keyClicks(dialog.password, password)
    with qtbot.waitSignal(checklist.signed, timeout=TIMEOUT) as signed:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    return signed.args[0]


def shown_codes(checklist: VisitChecklist) -> list[str]:
    return [card.finding.code for card in checklist.view.panel.ordered_cards()]


# ----------------------------------------------------------------------------- nurse


def orders_area(app: App, qtbot: QtBot) -> OrdersArea:
    area = app.parts.shell.go_to("lab_orders")
    assert isinstance(area, OrdersArea)
    with qtbot.waitSignal(area.controller.loaded, timeout=TIMEOUT):
        area.controller.refresh()
    return area


def due_for(area: OrdersArea, patient_name: str, today: dt.date) -> list[DueItem]:
    """The patient's orders whose window is open today and that have no result yet."""
    open_now = [i for i in area.model.shown_items() if i.due_from <= today <= i.due_until]
    return [i for i in open_now
            if i.patient_name == patient_name and i.status in ("planned", "printed")]  # fmt: skip


def print_collect_and_result(
    area: OrdersArea, qtbot: QtBot, items: list[DueItem], out: Path,
    values: dict[str, tuple[str, str, str]],
) -> None:  # fmt: skip
    """Print the orders to a PDF, mark them collected, then enter each order's results
    (test -> (value or "negative", unit, ULN))."""
    select(area, items)
    with qtbot.waitSignal(area.controller.job_done, timeout=TIMEOUT):
        assert area.controller.print_selection(out)
    assert out.read_bytes().startswith(b"%PDF")
    for item in items:
        again = next(i for i in area.model.shown_items() if i.order_id == item.order_id)
        select(area, [again])
        with qtbot.waitSignal(area.controller.loaded, timeout=TIMEOUT):
            qtbot.mouseClick(area.collected_button, Qt.MouseButton.LeftButton)
        again = next(i for i in area.model.shown_items() if i.order_id == item.order_id)
        select(area, [again])
        qtbot.mouseClick(area.results_button, Qt.MouseButton.LeftButton)
        dialog = area.controller.results_dialog
        assert dialog is not None and dialog.isVisible()
        for row in dialog.rows:
            value, unit, uln = values[row.test]
            if row.presence:
                row.choice.setCurrentIndex(row.choice.findData(value))
                continue
            row.unit.setCurrentIndex(row.unit.findData(unit))
            QTest.keyClicks(row.value, value)
            QTest.keyClicks(row.uln, uln)
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save.isEnabled()
        with qtbot.waitSignal(area.controller.loaded, timeout=TIMEOUT):
            qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
