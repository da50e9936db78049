"""Sign-in on the real window and a real SQLite file: each role sees its own areas, the
service's messages are shown as they are, five failures lock the account."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.patients.area import PatientsArea
from isoface_desk.ui.patients.visit_area import VisitArea
from tests.ui.app_support import app_on, copy_of, demo_template  # noqa: F401

ROLE_AREAS = {
    "derm": ["patients", "visit", "lab_orders", "audit", "administration"],  # derm + admin
    "nurse": ["patients", "lab_orders"],
    "auditor": ["patients", "audit"],
    "admin": ["audit", "administration"],
}


@pytest.fixture
def url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    return copy_of(demo_template(tmp_path_factory), tmp_path)


@pytest.mark.parametrize("username", list(ROLE_AREAS))
def test_sign_in_shows_the_areas_of_the_role(app_on, url: str, username: str) -> None:  # noqa: F811
    app = app_on(url)
    assert not app.content_visible(), "nothing but the sign-in panel before signing in"
    assert controls_without_accessible_name(app.session.panel) == []
    app.sign_in(username)
    assert app.content_visible()
    assert app.window.shown_area_keys() == ROLE_AREAS[username]
    enabled = [k for k, a in app.window.area_actions.items() if a.isEnabled()]
    assert enabled == ROLE_AREAS[username]
    patients = app.parts.shell.page("patients")
    assert isinstance(patients, PatientsArea) == (username != "admin")
    assert isinstance(app.parts.shell.page("visit"), VisitArea) == (username == "derm")
    if isinstance(patients, PatientsArea):
        assert patients.list_page.add_button.isVisible() == (username in ("derm", "nurse"))
    assert app.channel.captured == []


def test_wrong_password_shows_the_service_message(app_on, url: str) -> None:  # noqa: F811
    app = app_on(url)
    app.sign_in("derm", "not the password")
    assert app.session.panel.message_text() == "Wrong user name or password."
    assert not app.content_visible()
    assert app.session.actor is None
    app.sign_in("nobody", "whatever it is")
    assert app.session.panel.message_text() == "Wrong user name or password."


@pytest.mark.allow_log_warnings("isoface.auth")  # the lockout is logged
def test_five_failures_lock_the_account(app_on, url: str) -> None:  # noqa: F811
    app = app_on(url)
    for _ in range(4):
        app.sign_in("nurse", "wrong password")
        assert app.session.panel.message_text() == "Wrong user name or password."
    app.sign_in("nurse", "wrong password")
    message = app.session.panel.message_text()
    assert message.startswith("Too many failed attempts: this account is locked until ")
    app.sign_in("nurse")  # the right password does not open a locked account
    assert app.session.panel.message_text() == message
    assert not app.content_visible()
    app.sign_in("derm")  # others are not affected
    assert app.content_visible()


def test_empty_fields_are_named_before_asking_the_service(app_on, url: str, qtbot: QtBot) -> None:  # noqa: F811
    app = app_on(url)
    panel = app.session.panel
    panel.sign_in_button.click()
    assert panel.message_text() == "Enter your user name."
    panel.username.setText("derm")
    panel.sign_in_button.click()
    assert panel.message_text() == "Enter your password."
