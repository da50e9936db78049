"""What the window shows first: the setup wizard on a database without users, else the
sign-in panel. After setup, the sign-in panel with the new user name filled in."""

from __future__ import annotations

from PySide6.QtCore import QObject

from isoface_desk.services.clinic.setup import SetupService
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.setup.wizard import SetupWizard
from isoface_desk.ui.signin.session import SessionController


class FirstRun(QObject):
    def __init__(
        self, session: SessionController, setup: SetupService, messages: MessageChannel
    ) -> None:
        super().__init__(session)
        self.session = session
        self.setup = setup
        self.messages = messages
        self.wizard: SetupWizard | None = None
        session.setup_requested.connect(self.open_wizard)

    def start(self) -> None:
        """Show the setup wizard (new database) or the sign-in panel."""
        needs = False
        with self.messages.guard():
            needs = self.setup.needs_setup()
        self.session.show_sign_in(needs_setup=needs)
        if needs:
            self.open_wizard()

    def open_wizard(self) -> SetupWizard:
        if self.wizard is not None and self.wizard.isVisible():
            return self.wizard
        wizard = SetupWizard(self.setup, self.messages, parent=self.session.window)
        wizard.completed.connect(self._on_wizard_completed)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _on_wizard_completed(self, username: str) -> None:
        self.session.show_sign_in(
            username,
            note="The clinic is set up. Sign in with the account you just created; add the "
            "other users under Administration.",
        )
