"""Composition root of the GUI: logging, QApplication, excepthook, demo data, main window.

Kept thin: it builds the parts and passes each its dependencies; behaviour lives in ui/.
Logs go to `<data dir>/logs/isoface.log` by area (logger names `isoface.<area>`) and never
hold patient identity: record ids only.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from importlib import metadata
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, Qt, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

import isoface_desk.config as config
from isoface_desk.errors import IsofaceError
from isoface_desk.fileio import PRIVATE_FOLDER, PRIVATE_UMASK, create_private, make_private
from isoface_desk.ui.compose import AppParts, build_app
from isoface_desk.ui.crash import CrashHandler
from isoface_desk.ui.db_location import sqlite_file
from isoface_desk.ui.gc_guard import MainThreadGarbageCollector
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.tasks import TaskRunner

_collector: MainThreadGarbageCollector | None = None

log = logging.getLogger("isoface.app")
APP_NAME = "Isoface Desk"
HANDLER_NAME = "isoface-desk"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Set to 1, run_gui quits as soon as the main window is shown (exit code 0): how the
#: bundle's smoke test (.ci/bundle) starts the real window offscreen and sees it close.
QUIT_AFTER_SHOW = "ISOFACE_QUIT_AFTER_SHOW"


def app_version() -> str:
    try:
        return metadata.version("isoface-desk")
    except metadata.PackageNotFoundError:
        return "unknown"


def configure_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """A rotating file in `log_dir` plus warnings on stderr, for the `isoface` loggers."""
    log_dir.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    make_private(log_dir, folder=True)
    path = log_dir / "isoface.log"
    root = logging.getLogger("isoface")
    root.setLevel(level)
    if not any(h.get_name() == HANDLER_NAME for h in root.handlers):
        create_private(path)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        stderr_handler = logging.StreamHandler()
        stderr_handler.setLevel(logging.WARNING)
        for handler in (file_handler, stderr_handler):
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
            handler.set_name(HANDLER_NAME)
            root.addHandler(handler)
    make_private(path)  # one an older version made; rotated ones get run_gui's umask
    logging.captureWarnings(True)
    return path


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(kind, logging.ERROR)
    logging.getLogger("isoface.qt").log(level, "%s (%s)", message, context.category)


def create_application(argv: list[str]) -> QApplication:
    """The QApplication (reused if one exists), named, High-DPI ready, fonts loaded."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        # Fractional scaling (125 %, 150 %) as the system asks, not rounded; 200 % is exact.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(config.APP_AUTHOR)
    app.setApplicationVersion(app_version())
    app.setDesktopFileName(config.APP_NAME)
    app.setWindowIcon(application_icon())
    fonts = config.resources_dir() / "fonts"
    for font in sorted(fonts.glob("*.ttf")):  # DejaVu: Latin, Greek, Cyrillic, Arabic names
        QFontDatabase.addApplicationFont(str(font))
    global _collector
    if _collector is None:  # cycles are collected on this (the GUI) thread only
        _collector = MainThreadGarbageCollector(app)
    return app


def application_icon() -> QIcon:
    """The window icon from its rendered PNG sizes (resources/icons): no SVG plugin needed."""
    icon = QIcon()
    for png in sorted(config.icon_path().parent.glob("isoface-desk-*.png")):
        icon.addFile(str(png))
    return icon


def ensure_demo_database(db_url: str, channel: MessageChannel, country: str = "default") -> None:
    """Seed the demo database the first time it is opened (a SQLite file that is missing)."""
    path = sqlite_file(db_url)
    if path is None:
        log.info("demo: not a SQLite file, nothing seeded")
        return
    if path.exists():
        return
    from isoface_desk.devtools.demo import seed_demo  # loaded only for a new demo database

    log.info("demo: seeding a new demo database")
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        seed_demo(db_url, country=country)
    except IsofaceError as exc:
        channel.report(exc)
    finally:
        QApplication.restoreOverrideCursor()


class DraftRescue:
    """An excepthook over the crash dialog's: first save every open draft, then crash."""

    def __init__(self, crash: CrashHandler, parts: AppParts) -> None:
        self.crash = crash
        self.parts = parts
        self._previous: object = None

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous  # type: ignore[assignment]

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if self.parts.session is not None:
            try:
                self.parts.session.save_work()
            except Exception:  # saving failed too: the crash dialog still shows
                log.exception("saving drafts after a crash failed")
        self.crash(exc_type, exc, tb)


def run_gui(db_url: str, demo: bool = False, country: str = "default") -> int:
    """Open the main window on `db_url` and run the event loop; the exit code.

    Everything the app creates is private to the user (umask 077): the database, its
    backups, exports and the log hold patient data."""
    previous_umask = os.umask(PRIVATE_UMASK)
    try:
        return _run_gui(db_url, demo, country)
    finally:
        os.umask(previous_umask)


def _run_gui(db_url: str, demo: bool, country: str = "default") -> int:
    data = config.ensure_data_dir()
    configure_logging(data / "logs")
    make_private(data, folder=True)  # after the log is set up, so that its line is kept
    version = app_version()
    log.info("starting Isoface Desk %s", version)
    previous_handler = qInstallMessageHandler(_qt_message)
    app = create_application(sys.argv)
    crash = CrashHandler(version)
    crash.install()
    channel = MessageChannel()
    parts: AppParts | None = None
    rescue: DraftRescue | None = None
    try:
        if demo:
            ensure_demo_database(db_url, channel, country)
        parts = build_app(db_url, version, channel, runner=TaskRunner())
        rescue = DraftRescue(crash, parts)
        rescue.install()
        parts.window.fit_to_screen()
        parts.window.show()
        if os.environ.get(QUIT_AFTER_SHOW) == "1":
            log.info("window shown, quitting (%s)", QUIT_AFTER_SHOW)
            QTimer.singleShot(0, parts.window.quit_action.trigger)
        return int(app.exec())
    finally:
        if rescue is not None:
            rescue.uninstall()
        crash.uninstall()
        qInstallMessageHandler(previous_handler)
        if parts is not None:
            parts.close()
        log.info("stopped")
