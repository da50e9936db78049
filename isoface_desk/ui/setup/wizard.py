"""The first-run wizard: a database without users gets its clinic, first account and
signing certificate (services.setup.complete_setup), then the sign-in panel.

Finish runs the setup; a problem the service finds (a PKCS#12 file that does not open, a
password refused) is shown on the certificate page and the wizard stays open, with
everything entered kept. Opened with `open()`, window-modal, so the app's event loop
(and the tests) keep running.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget, QWizard

from isoface_desk.domain.catalog import Catalog, default_catalog
from isoface_desk.errors import InputError, IsofaceError
from isoface_desk.services.access.signing_keys import CertificateChoice
from isoface_desk.services.clinic.setup import (
    ClinicData,
    FirstUser,
    GenerateCertificate,
    ImportPkcs12,
    SetupService,
)
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.setup.pages import AccountPage, CertificatePage, ClinicPage, RulesPage

log = logging.getLogger("isoface.ui.setup")


class SetupWizard(QWizard):
    """`completed(username)` once the clinic and the first account exist."""

    completed = Signal(str)

    def __init__(
        self,
        setup: SetupService,
        messages: MessageChannel,
        *,
        catalog: Catalog | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setup = setup
        self.messages = messages
        self.setWindowTitle("Set up Isoface Desk")
        self.setAccessibleName("Set up Isoface Desk")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.clinic_page = ClinicPage()
        self.rules_page = RulesPage(catalog or default_catalog())
        self.account_page = AccountPage()
        self.certificate_page = CertificatePage()
        for page in (self.clinic_page, self.rules_page, self.account_page,
                     self.certificate_page):  # fmt: skip
            self.addPage(page)
        b = QWizard.WizardButton
        for which in (b.NextButton, b.BackButton, b.FinishButton, b.CancelButton):
            button = self.button(which)
            button.setAccessibleName(button.text().replace("&", "").strip(" <>"))
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Set up")
        self.button(QWizard.WizardButton.FinishButton).setAccessibleName("Set up")
        em = self.fontMetrics().height()
        self.resize(int(38 * em), int(26 * em))

    # ----- what the pages hold

    def clinic(self) -> ClinicData:
        return ClinicData(
            name=self.clinic_page.name.text().strip(),
            jurisdiction_profile=str(self.rules_page.profile.currentData()),
            address=self.clinic_page.address.toPlainText().strip(),
            phone=self.clinic_page.phone.text().strip(),
            paper_size=str(self.rules_page.paper.currentData()),
            lab_schedule_profile=str(self.rules_page.schedule.currentData()),
        )

    def first_user(self) -> FirstUser:
        page = self.account_page
        return FirstUser(
            username=page.username.text().strip(),
            display_name=page.display_name.text().strip(),
            password=page.password.text(),
            licence_number=page.licence.text().strip(),
        )

    def certificate(self) -> CertificateChoice:
        path = self.certificate_page.pkcs12_path()
        if path is None:
            return GenerateCertificate()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"The file {path} cannot be read ({exc.strerror}).") from exc
        passphrase = self.certificate_page.passphrase.text() or None
        return ImportPkcs12(data, passphrase)

    # ----- finishing

    def validateCurrentPage(self) -> bool:
        if self.currentPage() is not self.certificate_page:
            return super().validateCurrentPage()
        return self.run_setup()

    def run_setup(self) -> bool:
        """Create everything; on a problem, say it on the page and stay."""
        self.certificate_page.show_problems([])
        try:
            self.setup.complete_setup(self.clinic(), self.first_user(), self.certificate())
        except InputError as exc:
            self.certificate_page.show_problems(exc.problems)
            return False
        except IsofaceError as exc:
            self.messages.report(exc)
            return False
        log.info("first-run setup completed")
        self.completed.emit(self.first_user().username)
        return True
