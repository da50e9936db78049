"""Fixtures for the visit checklist tests: the real forms and catalog, a shown checklist
in an active window, a migrated SQLite database with a dermatologist and a patient, and
keyboard helpers that send keys to whatever has the focus (counting them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from isoface_desk.config import forms_dir
from isoface_desk.domain.catalog import Catalog, default_catalog
from isoface_desk.domain.checklist import Form, VisitContext, load_checklists, refs_from_catalog
from isoface_desk.services.context import Actor, actor_from_user
from isoface_desk.services.visits.drafts import DraftService
from isoface_desk.services.visits.visit_start import VisitDraftHandle, VisitStart
from isoface_desk.storage.repositories.patients import Patient
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit import SignRequest, VisitChecklist
from isoface_desk.ui.widgets.signature_pad import SignaturePad

VISIT_DAY = dt.date(2026, 10, 12)
BIRTH = dt.date(1998, 7, 3)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture(scope="session")
def forms(catalog: Catalog) -> dict[str, Form]:
    return load_checklists(forms_dir(), refs_from_catalog(catalog))


def uk_context(**changes: Any) -> VisitContext:
    values: dict[str, Any] = {"profile_id": "uk-mhra-2026", "visit_date": VISIT_DAY,
                              "birth_date": BIRTH}  # fmt: skip
    values.update(changes)
    return VisitContext(**values)


@dataclass
class Signer:
    """A sign callback that records what it was given (password "right" is accepted)."""

    requests: list[SignRequest] = field(default_factory=list)

    def __call__(self, request: SignRequest) -> str:
        from isoface_desk.errors import AuthenticationError

        if request.password != "right":
            raise AuthenticationError("The password is not correct.")
        self.requests.append(request)
        return "record-1"


@pytest.fixture
def channel() -> MessageChannel:
    return MessageChannel(show_dialogs=False)


def show_checklist(qtbot: QtBot, checklist: VisitChecklist) -> None:
    """Shown at the screenshots' window size, and exposed; closed with the test."""
    qtbot.addWidget(checklist)
    checklist.resize(1366, 728)
    checklist.show()
    qtbot.waitExposed(checklist)


@pytest.fixture
def open_checklist(
    qtbot: QtBot, forms: dict[str, Form], catalog: Catalog, channel: MessageChannel
) -> Callable[..., VisitChecklist]:
    def build(kind: str = "initiation", context: VisitContext | None = None,
              **kwargs: Any) -> VisitChecklist:  # fmt: skip
        kwargs.setdefault("messages", channel)
        checklist = VisitChecklist(forms[kind], context or uk_context(), catalog, **kwargs)
        show_checklist(qtbot, checklist)
        checklist.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is checklist)
        return checklist

    return build


class Keys:
    """Sends key presses to the focused widget, as a person at the keyboard would."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              times: int = 1) -> None:  # fmt: skip
        for _ in range(times):
            QTest.keyClick(self.focus(), key, modifier)
            self.count += 1

    def type(self, text: str) -> None:
        for char in text:
            QTest.keyClicks(self.focus(), char)
            self.count += 1

    def tab(self, times: int = 1) -> None:
        self.press(Qt.Key.Key_Tab, times=times)

    def ctrl_enter(self) -> None:
        self.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


@pytest.fixture
def keys(qtbot: QtBot) -> Keys:
    return Keys(qtbot)


def draw_signature(qtbot: QtBot, pad: SignaturePad) -> None:
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(pad, left, pos=QPoint(30, 60))
    for x in range(40, 220, 12):
        qtbot.mouseMove(pad, QPoint(x, 60 + (x % 36) - 18))
    qtbot.mouseRelease(pad, left, pos=QPoint(230, 70))


# --------------------------------------------------------------------------- database


@dataclass
class Db:
    engine: Engine
    url: str
    actor: Actor
    patient: Patient


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Db]:
    """A migrated SQLite file with a dermatologist and a patient born on BIRTH."""
    from isoface_desk.storage.db import make_engine
    from isoface_desk.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'visit.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        yield Db(engine, url, *seed(engine))
    finally:
        engine.dispose()


def seed(engine: Engine) -> tuple[Actor, Patient]:
    from isoface_desk.storage.db import session_scope
    from isoface_desk.storage.repositories.patients import PatientData, add_patient
    from isoface_desk.storage.repositories.users import create_user

    with session_scope(engine) as s:
        user = create_user(s, username="derm", display_name="Dr Derm", role="dermatologist",
                           password_hash="x")  # fmt: skip
        patient = add_patient(s, PatientData("Zoë", "Ångström", BIRTH, "female", "C-1"))
    return actor_from_user(user), patient


def draft_handle(engine: Engine, actor: Actor, patient: Patient, form: Form,
                 context: VisitContext) -> VisitDraftHandle:  # fmt: skip
    """The services' draft handle for this visit, holding the actor's earlier draft if any."""
    drafts = DraftService(engine)
    mine = [d for d in drafts.mine(actor)
            if d.patient_id == patient.id and d.visit_kind == form.kind]  # fmt: skip
    start = VisitStart(patient, form.kind, form, context, None, mine[0] if mine else None)
    return VisitDraftHandle(drafts, actor, start)
