"""File › My signature…: a prescriber draws the signature printed on their lab orders.

`MySignatureMenu` puts the action in the File menu for whoever signs clinical records (a
dermatologist); the dialog shows the stored signature, if any, and a signature pad
(mouse, pen or finger). Save stores the drawing through
`services.my_signature.set_own_signature` (audited; the service checks the role again);
Remove clears it, and orders print a blank signature line again.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.errors import IsofaceError
from isoface_desk.services.access.my_signature import MySignatureService
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.widgets.signature_pad import SignatureBox

log = logging.getLogger("isoface.ui.signature")

NO_SIGNATURE = "No signature stored yet: your lab orders print a blank signature line."


class MySignatureDialog(QDialog):
    """The signed-in prescriber's own signature: the stored one, and a pad to draw anew."""

    def __init__(
        self, service: MySignatureService, actor: Actor, messages: MessageChannel,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.service, self.actor, self.messages = service, actor, messages
        self.setWindowTitle("My signature")
        self.setAccessibleName("My signature")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        intro = QLabel("Your signature is printed on the lab orders you order. Draw it below "
                       "and press Save.")  # fmt: skip
        intro.setWordWrap(True)
        self.current = QLabel()
        self.current.setAccessibleName("Stored signature")
        self.current.setMinimumHeight(3 * self.fontMetrics().height())
        self.box = SignatureBox("Your signature")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.remove_button = QPushButton("&Remove stored signature")
        self.remove_button.setAccessibleName("Remove the stored signature")
        self.buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ResetRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.current)
        layout.addWidget(self.box, 1)
        layout.addWidget(self.buttons)
        self.resize(36 * self.fontMetrics().height(), 22 * self.fontMetrics().height())
        self.box.pad.changed.connect(self._on_pad_changed)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.show_stored()
        self.box.pad.setFocus()

    def show_stored(self) -> None:
        png = None
        with self.messages.guard():
            png = self.service.own_signature(self.actor)
        pixmap = QPixmap()
        if png is not None and pixmap.loadFromData(png, "PNG"):
            height = 3 * self.fontMetrics().height()
            self.current.setPixmap(pixmap.scaledToHeight(
                height, Qt.TransformationMode.SmoothTransformation))  # fmt: skip
            self.current.setToolTip("Your stored signature, as your orders print it")
        else:
            self.current.setText(NO_SIGNATURE)
        self.remove_button.setEnabled(png is not None)

    def _on_pad_changed(self) -> None:
        self.save_button.setEnabled(not self.box.pad.is_empty())

    def _on_buttons_accepted(self) -> None:
        if self.box.pad.is_empty():
            return
        if self._store(self.box.pad.to_png()):
            self.accept()

    def _on_remove_button_clicked(self) -> None:
        if self._store(None):
            self.box.pad.clear()
            self.show_stored()

    def _store(self, png: bytes | None) -> bool:
        try:
            self.service.set_own_signature(self.actor, png)
        except IsofaceError as exc:
            self.messages.report(exc)
            return False
        log.info("user %d %s their signature", self.actor.user_id,
                 "saved" if png is not None else "removed")  # fmt: skip
        return True


class MySignatureMenu(QObject):
    """The File › My signature… action, shown only to people who sign clinical records."""

    def __init__(
        self, window: QMainWindow, menu: QMenu | None, before: QAction,
        messages: MessageChannel,
    ) -> None:  # fmt: skip
        super().__init__(window)
        self.window, self.messages = window, messages
        self.service: MySignatureService | None = None
        self.actor: Actor | None = None
        self.dialog: MySignatureDialog | None = None
        self.action = QAction("My &signature…", window)
        self.action.setStatusTip("Draw the signature printed on your lab orders")
        self.action.setVisible(False)
        self.action.triggered.connect(self.open_dialog)
        if menu is not None:
            menu.insertAction(before, self.action)

    def set_actor(self, actor: Actor | None, service: MySignatureService | None) -> None:
        """Whose signature the action edits (None: nobody signed in; the action hides)."""
        self.actor, self.service = actor, service
        prescriber = actor is not None and actor.may(Permission.RECORD_SIGN)
        self.action.setVisible(prescriber and service is not None)
        if self.dialog is not None and (actor is None or self.dialog.actor != actor):
            self.dialog.reject()  # the previous person's dialog ends with their session

    def open_dialog(self) -> MySignatureDialog | None:
        if self.actor is None or self.service is None or not self.action.isVisible():
            return None
        dialog = MySignatureDialog(self.service, self.actor, self.messages, self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None
