"""Who is at the keyboard: sign-in, the idle lock, resuming, switching user, signing out.

The main window's content sits in a stack with the sign-in panel over it. Nobody signed
in, or the session locked: the panel is shown and the content is hidden (no patient data
visible), the Go actions are off. Locking first saves every page's work (the visit
draft). Signing in again as the same person only uncovers the window: every page, every
field, the focus are as they were. Another person signing in on the lock screen closes
the first person's session (their work saved) and opens their own.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QStackedWidget, QWidget

from isoface_desk.errors import AuthenticationError, IsofaceError
from isoface_desk.services.access.auth import AuthService
from isoface_desk.services.context import Actor
from isoface_desk.ui.idle import IdleWatcher
from isoface_desk.ui.main_controller import ShellController
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.my_signature import MySignatureMenu
from isoface_desk.ui.signin.panel import SignInPanel

log = logging.getLogger("isoface.ui.session")


class SessionController(QObject):
    """Signals: signed_in(actor), locked(), unlocked(), signed_out()."""

    signed_in = Signal(object)
    locked = Signal()
    unlocked = Signal()
    signed_out = Signal()
    setup_requested = Signal()

    def __init__(
        self,
        shell: ShellController,
        auth: AuthService,
        messages: MessageChannel,
        *,
        idle: IdleWatcher | None = None,
    ) -> None:
        super().__init__(shell)
        self.shell = shell
        self.window = shell.window
        self.auth = auth
        self.messages = messages
        self.idle = idle or IdleWatcher(parent=self)
        self.actor: Actor | None = None
        self.is_locked = False
        self.idle_minutes: int | None = None
        self._focus_before_lock: QWidget | None = None
        self._hidden_dialogs: list[QDialog] = []
        self.panel = SignInPanel()
        self._cover_window()
        self._add_actions()
        self.panel.submitted.connect(self._on_panel_submitted)
        self.panel.setup_requested.connect(self.setup_requested)
        self.idle.idle.connect(self._on_idle_idle)
        self.window.installEventFilter(self)
        self._cover(True)

    # ----- building

    def _cover_window(self) -> None:
        content = self.window.takeCentralWidget()
        assert content is not None, "the main window has its content"
        self.cover = QStackedWidget()
        self.cover.setAccessibleName("Isoface Desk")
        self.content: QWidget = content
        self.cover.addWidget(content)
        self.cover.addWidget(self.panel)
        self.window.setCentralWidget(self.cover)

    def _add_actions(self) -> None:
        self.lock_action = QAction("&Lock", self.window)
        self.lock_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.lock_action.setStatusTip("Hide everything until you sign in again")
        self.sign_out_action = QAction("Sign &out", self.window)
        self.sign_out_action.setStatusTip("Save your work and close your session")
        self.lock_action.triggered.connect(self.lock)
        self.sign_out_action.triggered.connect(self.sign_out)
        menu = next((m for m in self.window.quit_action.associatedObjects()
                     if isinstance(m, QMenu)), None)  # fmt: skip
        for action in (self.lock_action, self.sign_out_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.window.addAction(action)
            if menu is not None:
                menu.insertAction(self.window.quit_action, action)
        if menu is not None:
            menu.insertSeparator(self.window.quit_action)
        self.my_signature = MySignatureMenu(self.window, menu, self.lock_action, self.messages)

    # ----- states

    def show_sign_in(self, username: str = "", *, needs_setup: bool = False,
                     clinic: str = "", note: str = "") -> None:  # fmt: skip
        """Nobody signed in: the sign-in panel (or, on a new database, the setup button)."""
        self.panel.show_sign_in(username, needs_setup=needs_setup, clinic=clinic, note=note)
        self._cover(True)

    def _cover(self, covered: bool) -> None:
        self.cover.setCurrentWidget(self.panel if covered else self.content)
        signed_in = self.actor is not None
        shown = set(self.window.shown_area_keys())
        for key, action in self.window.area_actions.items():
            action.setEnabled(not covered and key in shown)
        self.window.go_menu.menuAction().setVisible(not covered and bool(shown))
        self.lock_action.setEnabled(signed_in and not covered)
        self.my_signature.action.setEnabled(signed_in and not covered)
        self.sign_out_action.setEnabled(signed_in)
        if covered:
            self.panel.focus_first_empty()

    def begin(self, actor: Actor) -> None:
        """Open `actor`'s session: their areas, their pages, the idle watch."""
        self.actor = actor
        self.is_locked = False
        self.shell.start_session(actor)
        services = self.shell.services
        self.my_signature.set_actor(actor, services.my_signature if services else None)
        self._cover(False)
        self._start_idle_watch()
        log.info("session opened for user %d", actor.user_id)
        self.signed_in.emit(actor)

    def _start_idle_watch(self) -> None:
        minutes = None
        with self.messages.guard():
            minutes = self.auth.idle_lock_minutes()
        self.idle_minutes = minutes
        if minutes is not None:
            self.idle.set_interval_minutes(minutes)
        self.idle.start()

    def lock(self) -> None:
        """Save everyone's work and cover the window until someone signs in."""
        if self.actor is None or self.is_locked:
            return
        self._focus_before_lock = QApplication.focusWidget()
        self.shell.save_work()
        # Open dialogs (a patient's details, the sign dialog) would show patient data.
        self._hidden_dialogs = [d for d in self.window.findChildren(QDialog) if d.isVisible()]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        self.is_locked = True
        self.idle.stop()
        self.panel.show_locked(self.actor.username, self.actor.display_name, self.idle_minutes)
        self._cover(True)
        self.window.set_user_text(f"Locked: {self.actor.display_name}")
        log.info("session of user %d locked", self.actor.user_id)
        self.locked.emit()

    def unlock(self) -> None:
        assert self.actor is not None
        self.is_locked = False
        self._cover(False)
        roles = ", ".join(sorted(self.actor.roles))
        self.window.set_user_text(f"Signed in: {self.actor.display_name} ({roles})")
        for dialog in self._hidden_dialogs:
            dialog.show()
        self._hidden_dialogs = []
        focus = self._focus_before_lock
        if focus is not None and focus.isVisible():
            focus.setFocus()
        self.idle.start()
        log.info("session of user %d resumed", self.actor.user_id)
        self.unlocked.emit()

    def sign_out(self) -> None:
        """Save the work, close the session, show the sign-in panel."""
        if self.actor is None:
            return
        username = self.actor.username
        self.idle.stop()
        self._close_hidden_dialogs()
        self.shell.end_session()
        self.my_signature.set_actor(None, None)
        self.actor = None
        self.is_locked = False
        self.show_sign_in(username)
        self.signed_out.emit()

    def save_work(self) -> bool:
        return self.shell.save_work()

    def _close_hidden_dialogs(self) -> None:
        """The previous person's open dialogs end with their session (unsaved input in a
        dialog, like a half-typed new patient, is not kept)."""
        for dialog in self._hidden_dialogs:
            dialog.reject()
        self._hidden_dialogs = []

    # ----- slots

    def _on_panel_submitted(self, username: str, password: str) -> None:
        try:
            actor = self.auth.login(username, password)
        except AuthenticationError as exc:
            self.panel.show_message(str(exc))
            return
        except IsofaceError as exc:
            self.messages.report(exc)
            return
        self.panel.clear_message()
        self.panel.password.clear()
        if self.is_locked and self.actor is not None and actor.user_id == self.actor.user_id:
            self.unlock()
            return
        if self.actor is not None:
            log.info("user %d takes over from user %d", actor.user_id, self.actor.user_id)
            self.idle.stop()
            self._close_hidden_dialogs()
            self.shell.end_session()
        self.begin(actor)

    def _on_idle_idle(self) -> None:
        self.lock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close and self.actor:
            self.shell.save_work()
        return False
