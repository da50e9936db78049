"""The first-run wizard on an empty database: clinic, rules, first account, certificate
(generated, or imported from a PKCS#12 file with its passphrase), then the sign-in panel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from isoface_desk.services.bundle import open_services
from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.setup.wizard import SetupWizard
from tests.ui.app_support import App, app_on, type_text  # noqa: F401

PASSWORD = "Lindenbaum-am-Brunnen-1827"


def wizard_of(app: App) -> SetupWizard:
    first_run = app.parts.first_run
    assert first_run is not None and first_run.wizard is not None
    return first_run.wizard


def fill_until_certificate(wizard: SetupWizard, qtbot: QtBot) -> None:
    """Type through the first three pages as a person would (Next by Alt+N / Enter)."""
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    clinic = wizard.clinic_page
    assert not next_button.isEnabled(), "a clinic needs a name"
    type_text(clinic.name, "Hautarztpraxis Müller")
    type_text(clinic.address, "Lindenstraße 5\n10115 Berlin")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    rules = wizard.rules_page
    assert wizard.currentPage() is rules
    rules.profile.setCurrentIndex(rules.profile.findData("eu-ppp"))
    assert rules.paper.currentData() == "A4"
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    account = wizard.account_page
    assert wizard.currentPage() is account
    type_text(account.display_name, "Dr Lena Müller")
    QTest.keyClicks(account.username, "lena")
    type_text(account.licence, "LÄK 123456")
    QTest.keyClicks(account.password, "short")
    assert "The password must have at least 10 characters." in account.problems.text()
    assert not next_button.isEnabled()
    account.password.clear()
    QTest.keyClicks(account.password, PASSWORD)
    QTest.keyClicks(account.repeat, PASSWORD[:-1])
    assert account.problems.text() == "The two passwords are not the same."
    QTest.keyClicks(account.repeat, PASSWORD[-1])
    assert account.problems.text() == "" and next_button.isEnabled()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.certificate_page


def test_setup_creates_clinic_account_and_certificate_then_sign_in(
    app_on,  # noqa: F811
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    app = app_on(url)
    wizard = wizard_of(app)
    qtbot.waitUntil(wizard.isVisible)
    assert app.session.panel.setup_button.isVisible()
    assert not app.session.panel.username.isEnabled()
    for page_id in wizard.pageIds():
        assert controls_without_accessible_name(wizard.page(page_id)) == []
    fill_until_certificate(wizard, qtbot)
    assert wizard.certificate_page.generate.isChecked()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert app.channel.captured == []

    panel = app.session.panel
    assert panel.username.text() == "lena" and panel.username.isEnabled()
    assert not panel.setup_button.isVisible()
    app.sign_in("lena", PASSWORD)
    assert app.window.shown_area_keys() == [
        "patients", "visit", "lab_orders", "audit", "administration"]  # fmt: skip

    services = open_services(url, migrate=False)
    try:
        assert not services.setup.needs_setup()
        actor = services.auth.login("lena", PASSWORD)
        assert actor.roles == frozenset({"dermatologist", "admin"})
        assert actor.licence_number == "LÄK 123456"
    finally:
        services.close()
    from isoface_desk.storage.db import make_engine, read_scope
    from isoface_desk.storage.repositories.clinic import get_clinic
    from isoface_desk.storage.repositories.keys import any_key

    engine = make_engine(url)
    try:
        with read_scope(engine) as session:
            clinic = get_clinic(session)
            has_root = any_key(session)
    finally:
        engine.dispose()
    assert clinic is not None and has_root
    assert (clinic.name, clinic.jurisdiction_profile, clinic.paper_size) == (
        "Hautarztpraxis Müller", "eu-ppp", "A4")  # fmt: skip
    assert clinic.address == "Lindenstraße 5\n10115 Berlin"


def make_pkcs12(path: Path, passphrase: bytes) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Provider test seal")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    encryption = serialization.BestAvailableEncryption(passphrase)
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"seal", key, cert, None, encryption))


def test_import_pkcs12_says_when_the_passphrase_is_wrong(
    app_on,  # noqa: F811
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    p12 = tmp_path / "seal.p12"
    make_pkcs12(p12, b"correct passphrase")
    app = app_on(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    wizard = wizard_of(app)
    fill_until_certificate(wizard, qtbot)
    page = wizard.certificate_page
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    page.import_.setChecked(True)
    assert not finish.isEnabled(), "importing needs a file"
    QTest.keyClicks(page.file, str(p12))
    QTest.keyClicks(page.passphrase, "wrong passphrase")
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.isVisible()
    assert page.problems.text() == "The PKCS#12 file cannot be opened (wrong passphrase?)."
    page.passphrase.clear()
    QTest.keyClicks(page.passphrase, "correct passphrase")
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    app.sign_in("lena", PASSWORD)
    assert app.session.actor is not None and app.session.actor.username == "lena"
