"""Behaviour of the main window: navigation, sign-in state, the areas' pages, quit, about.

Each work area's real page is built by a factory in `AREA_FACTORIES` when someone signs
in (`start_session`), from an `AreaContext` (the actor, the services, the message
channel, this controller); `end_session` saves their work and puts the placeholders
back, so nothing of one person's session stays on screen for the next. To add an area's
page, add one entry to `AREA_FACTORIES` (and, if it keeps unsaved work, give the page a
`save_work() -> bool` method, called on lock, sign-out, quit and crash).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.ui.main_window import MainWindow, PlaceholderPage
from isoface_desk.ui.messages import MessageChannel, Severity
from isoface_desk.ui.navigation import area, areas_for_roles
from isoface_desk.ui.tasks import TaskRunner

log = logging.getLogger("isoface.ui.shell")

ABOUT_TEXT = (
    "<p><b>Isoface Desk {version}</b></p>"
    "<p>Offline prescribing-safety checklists for oral isotretinoin: consultation, signed "
    "records, lab orders and audit.</p>"
    "<p>Qt for Python (PySide6) {pyside}.</p>"
)

CLOSED_WITH_DRAFT = ("The open visit was saved as an unsigned draft. After signing in again, "
                     "continue it from the Visit area (“Your unsigned visits”).")  # fmt: skip
CLOSED_UNSAVED = ("The open visit could not be saved as a draft, so its latest answers may "
                  "be lost. Open it again after signing in to see what was kept.")  # fmt: skip


@dataclass(frozen=True)
class AreaContext:
    """What an area's page factory gets."""

    actor: Actor
    services: Services
    messages: MessageChannel
    shell: ShellController
    runner: TaskRunner | None = None


AreaFactory = Callable[[AreaContext], QWidget]


def _patients_page(ctx: AreaContext) -> QWidget:
    from isoface_desk.ui.patients.factory import patients_page

    return patients_page(ctx.actor, ctx.services, ctx.messages, ctx.shell, ctx.runner)


def _visit_page(ctx: AreaContext) -> QWidget:
    from isoface_desk.ui.patients.factory import visit_page

    return visit_page(ctx.actor, ctx.services, ctx.messages, ctx.shell)


def _lab_orders_page(ctx: AreaContext) -> QWidget:
    from isoface_desk.ui.orders import orders_page

    return orders_page(ctx.actor, ctx.services, ctx.messages, ctx.runner)


def _audit_page(ctx: AreaContext) -> QWidget:
    from isoface_desk.ui.audit.factory import audit_page

    return audit_page(ctx.actor, ctx.services, ctx.messages, ctx.runner)


def _admin_page(ctx: AreaContext) -> QWidget:
    from isoface_desk.ui.admin.factory import admin_page

    return admin_page(ctx.actor, ctx.services, ctx.messages, ctx.runner)


#: Area key -> the factory of its page. Areas without one keep their placeholder.
AREA_FACTORIES: dict[str, AreaFactory] = {
    "patients": _patients_page,
    "visit": _visit_page,
    "lab_orders": _lab_orders_page,
    "audit": _audit_page,
    "administration": _admin_page,
}


class ShellController(QObject):
    """Connects the main window's signals to behaviour; knows who is signed in."""

    def __init__(
        self,
        window: MainWindow,
        *,
        version: str,
        services: Services | None = None,
        messages: MessageChannel | None = None,
        runner: TaskRunner | None = None,
        factories: dict[str, AreaFactory] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.version = version
        self.services = services
        self.messages = messages or MessageChannel(window)
        self.runner = runner
        self.factories = AREA_FACTORIES if factories is None else factories
        self.roles: frozenset[str] = frozenset()
        self.actor: Actor | None = None
        self.built: dict[str, QWidget] = {}
        self.about_box: QMessageBox | None = None
        window.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        window.quit_action.triggered.connect(self._on_quit_action_triggered)
        window.about_action.triggered.connect(self._on_about_action_triggered)
        window.installEventFilter(self)  # closing with a visit open: say it is kept
        for key, action in window.area_actions.items():
            action.triggered.connect(lambda _checked=False, k=key: self._on_go_action_triggered(k))
        from isoface_desk.ui.account import AccountActions

        self.account = AccountActions(self)  # File › Change my password…
        self.sign_out()

    def sign_in(self, display_name: str, roles: Iterable[str]) -> None:
        """Show the areas these roles may use (the services still check every call)."""
        self.roles = frozenset(roles)
        areas = areas_for_roles(self.roles)
        log.info("shell shows %d areas for roles %s", len(areas), ",".join(sorted(self.roles)))
        self.window.show_areas(areas)
        role_text = ", ".join(sorted(self.roles))
        self.window.set_user_text(f"Signed in: {display_name} ({role_text})")

    def sign_out(self) -> None:
        self.roles = frozenset()
        self.window.show_areas(())
        self.window.set_user_text("Not signed in")

    # ----- sessions: real pages for the signed-in person

    def start_session(self, actor: Actor) -> None:
        """Show the actor's areas with their real pages (built by the factories)."""
        if self.actor is not None:
            self.end_session()
        self.actor = actor
        if self.services is not None:
            ctx = AreaContext(actor, self.services, self.messages, self, self.runner)
            for shown in areas_for_roles(actor.roles):
                factory = self.factories.get(shown.key)
                if factory is not None:
                    page = factory(ctx)
                    self.built[shown.key] = page
                    self.window.set_area_page(shown.key, page)
        self.sign_in(actor.display_name, actor.roles)

    def end_session(self) -> None:
        """Save everyone's work, then drop the pages (placeholders again) and sign out."""
        self.save_work()
        for key in list(self.built):
            self.window.set_area_page(key, PlaceholderPage.for_area(area(key)))
        self.built.clear()
        if self.actor is not None and self.services is not None:
            self.services.auth.sign_out(self.actor)  # forget the unlocked signing key
        self.actor = None
        self.sign_out()

    def save_work(self) -> bool:
        """Ask every page that keeps unsaved work (a visit draft) to save it now."""
        ok = True
        for key, page in self.built.items():
            save = getattr(page, "save_work", None)
            if callable(save):
                try:
                    ok = bool(save()) and ok
                except Exception:  # one page failing must not stop the others saving
                    log.exception("saving the work of area %s failed", key)
                    ok = False
        return ok

    def page(self, key: str) -> QWidget | None:
        """The real page of an area of this session (None for placeholders)."""
        return self.built.get(key)

    def go_to(self, key: str) -> QWidget | None:
        """Switch to an area the person may use; its page."""
        if key not in self.window.shown_area_keys():
            return None
        self.window.select_area(key)
        self.window.show_page(key)
        return self.window.page(key)

    def _on_nav_current_row_changed(self, row: int) -> None:
        key = self.window.area_key_at(row)
        if key is not None:
            self.window.show_page(key)

    def _on_go_action_triggered(self, key: str) -> None:
        if key in self.window.shown_area_keys():
            self.window.select_area(key)
            self.window.show_page(key)

    def _on_quit_action_triggered(self) -> None:
        self.window.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self._on_window_closing()
        return False

    def _on_window_closing(self) -> None:
        """An unsigned visit on screen is saved as a draft, and the person is told so."""
        from isoface_desk.ui.visit import VisitChecklist

        open_visits = [c for c in self.window.findChildren(VisitChecklist)
                       if c.controller.drafts and not c.controller.is_signed]  # fmt: skip
        if not open_visits:
            return
        if all(c.flush() for c in open_visits):
            self.messages.notice("The visit is kept as a draft", CLOSED_WITH_DRAFT)
        else:
            self.messages.notice("The visit could not be saved", CLOSED_UNSAVED,
                                 Severity.WARNING)  # fmt: skip

    def _on_about_action_triggered(self) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("About Isoface Desk")
        box.setAccessibleName("About Isoface Desk")
        box.setText(ABOUT_TEXT.format(version=self.version, pyside=pyside_version))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.about_box = box
        box.open()
