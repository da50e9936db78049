"""The sign-in panel (view): user name, password, Sign in, and the service's message.

The same panel covers the window when nobody is signed in and when the session is
locked; `show_sign_in` and `show_locked` set its words. It says exactly what the service
said (wrong password, locked until 14:05, account disabled), in a label that screen
readers announce. Enter signs in from either field.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = (
    "QLabel#signInMessage { color: #b3261e; background: #fdecea; border-radius: 4px;"
    " padding: 0.5em; }"
)


class SignInPanel(QWidget):
    """`submitted(user name, password)`; `setup_requested` from the first-run button."""

    submitted = Signal(str, str)
    setup_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInPanel")
        self.setAccessibleName("Sign in")
        self.setAutoFillBackground(True)
        self._build()
        self.password.returnPressed.connect(self._on_submit)
        self.username.returnPressed.connect(self._on_username_return_pressed)
        self.sign_in_button.clicked.connect(self._on_submit)
        self.setup_button.clicked.connect(self.setup_requested)
        self.show_sign_in()

    def _build(self) -> None:
        em = self.fontMetrics().height()
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAccessibleName("Sign-in heading")
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setAccessibleName("Sign-in explanation")
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.username.setMinimumWidth(int(16 * em))
        self.password = QLineEdit()
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setAccessibleName("Sign-in message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.sign_in_button = QPushButton("&Sign in")
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.setDefault(True)
        self.setup_button = QPushButton("Set &up this clinic…")
        self.setup_button.setAccessibleName("Set up this clinic")
        form = QFormLayout()
        form.addRow("&User name:", self.username)
        form.addRow("&Password:", self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.setup_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)
        card = QFrame()
        card.setObjectName("signInCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(int(30 * em))
        inner = QVBoxLayout(card)
        inner.setContentsMargins(int(1.5 * em), int(1.2 * em), int(1.5 * em), int(1.2 * em))
        inner.setSpacing(int(0.7 * em))
        inner.addWidget(self.heading)
        inner.addWidget(self.explanation)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    # ----- modes

    def show_sign_in(self, username: str = "", *, clinic: str = "", needs_setup: bool = False,
                     note: str = "") -> None:  # fmt: skip
        self.locked_user = ""
        self.heading.setText("Sign in")
        where = f" at {clinic}" if clinic else ""
        text = note or f"Sign in to Isoface Desk{where} with your user name and password."
        if needs_setup:
            text = (
                "This database has no clinic and no users yet. Set up the clinic first: "
                "its details, the first dermatologist account and the signing certificate."
            )
        self.explanation.setText(text)
        self.setup_button.setVisible(needs_setup)
        self.username.setEnabled(not needs_setup)
        self.password.setEnabled(not needs_setup)
        self.sign_in_button.setEnabled(not needs_setup)
        self._reset(username)

    def show_locked(self, username: str, display_name: str, minutes: int | None) -> None:
        self.locked_user = username
        self.heading.setText("Locked")
        after = f" after {minutes} minutes without use" if minutes else ""
        self.explanation.setText(
            f"Isoface Desk locked{after}; nothing on screen was lost. {display_name}, enter "
            "your password to continue where you were.\n\nSomeone else? Enter your own user "
            f"name and password: {display_name}'s work is saved and their session is closed."
        )
        self.setup_button.hide()
        for widget in (self.username, self.password, self.sign_in_button):
            widget.setEnabled(True)
        self._reset(username)

    def _reset(self, username: str) -> None:
        self.username.setText(username)
        self.password.clear()
        self.clear_message()
        self.focus_first_empty()

    def focus_first_empty(self) -> None:
        if not self.username.isEnabled():
            self.setup_button.setFocus()
        elif self.username.text():
            self.password.setFocus()
        else:
            self.username.setFocus()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleDescription(text)
        self.message.show()
        self.password.clear()
        self.password.setFocus()

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    def message_text(self) -> str:
        return self.message.text() if self.message.isVisible() else ""

    # ----- slots

    def _on_username_return_pressed(self) -> None:
        if self.password.text():
            self._on_submit()
        else:
            self.password.setFocus()

    def _on_submit(self) -> None:
        username = self.username.text().strip()
        if not username:
            self.show_message("Enter your user name.")
            self.username.setFocus()
            return
        if not self.password.text():
            self.show_message("Enter your password.")
            return
        self.submitted.emit(username, self.password.text())
