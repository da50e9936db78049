"""The prescriber's signature: a summary of what is signed and the password, re-entered.

Opened with `open()` (window-modal, not a nested event loop), so tests and the idle lock
keep working while it is up. The password is handed to the sign callback, which checks
it (services.auth) and raises AuthenticationError when it is wrong: the dialog then stays
open with the error.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.ui.visit.style import wrapped


class SignDialog(QDialog):
    """`submitted(password)` when the person presses Sign; the caller closes the dialog
    with `accept()` once signed, or calls `show_error` and leaves it open."""

    submitted = Signal(str)

    def __init__(
        self, summary: str, prescriber: str = "", parent: QWidget | None = None,
        names_needed: tuple[str, ...] = (),
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Sign the visit")
        self.setAccessibleName("Sign the visit")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.summary_label = wrapped(summary, "What is signed")
        self.summary_label.setMinimumWidth(28 * self.fontMetrics().height())
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)  # a long message wraps, the dialog grows
        self.error_label.setAccessibleName("Sign error")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        form = QFormLayout()
        self.names: dict[str, QLineEdit] = {}
        for signer in names_needed:
            edit = QLineEdit()
            edit.setAccessibleName(f"Name of the {signer}")
            edit.textChanged.connect(self._on_password_text_changed)
            self.names[signer] = edit
            form.addRow(f"Name of the {signer}:", edit)
        if prescriber:
            form.addRow("Prescriber:", QLabel(prescriber))
        form.addRow("&Password:", self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_button.setText("Sign")
        self.sign_button.setEnabled(False)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.password.textChanged.connect(self._on_password_text_changed)
        layout = self.main_layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        first = next(iter(self.names.values()), self.password)
        first.setFocus()

    def _ready(self) -> bool:
        names = all(edit.text().strip() for edit in self.names.values())
        return bool(self.password.text()) and names

    def _on_password_text_changed(self, _text: str) -> None:
        self.sign_button.setEnabled(self._ready())

    def _on_buttons_accepted(self) -> None:
        if self._ready():
            self.submitted.emit(self.password.text())

    def entered_names(self) -> dict[str, str]:
        return {signer: edit.text().strip() for signer, edit in self.names.items()}

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setAccessibleDescription(text)
        self.error_label.show()
        self.main_layout.activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        self.password.selectAll()
        self.password.setFocus()

    def entered_password(self) -> str:
        return self.password.text()
