"""Builds the running app from its parts: the window, the services on the database, the
shell with its area pages, the session (sign-in, idle lock) and the first-run setup.
app.py (the composition root) and the screenshot script call `build_app`."""

from __future__ import annotations

from dataclasses import dataclass

from isoface_desk.errors import IsofaceError
from isoface_desk.services.bundle import Services, open_services
from isoface_desk.services.context import Clock, utc_now
from isoface_desk.ui.admin.daily_backup import DailyBackup
from isoface_desk.ui.admin.passphrase import unlock_database
from isoface_desk.ui.db_location import describe_database
from isoface_desk.ui.idle import IdleWatcher
from isoface_desk.ui.main_controller import ShellController
from isoface_desk.ui.main_window import MainWindow
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.setup.first_run import FirstRun
from isoface_desk.ui.signin.session import SessionController
from isoface_desk.ui.tasks import TaskRunner


@dataclass
class AppParts:
    """The running app's parts (tests drive them). `session` is None when the database
    could not be opened (the message said why)."""

    window: MainWindow
    shell: ShellController
    services: Services | None
    session: SessionController | None
    first_run: FirstRun | None

    def close(self) -> None:
        if self.services is not None:
            self.services.close()


def build_app(
    db_url: str,
    version: str,
    channel: MessageChannel,
    *,
    runner: TaskRunner | None = None,
    idle: IdleWatcher | None = None,
    now: Clock = utc_now,
) -> AppParts:
    """Open the database (migrating it) and build the window with sign-in or setup.
    `now` is the services' clock (tests fix it)."""
    window = MainWindow(describe_database(db_url))
    channel.set_parent_widget(window)
    services = None
    try:
        unlock_database(db_url, window)  # an encrypted database's passphrase (issue 7)
        services = open_services(db_url, now=now)
    except IsofaceError as exc:
        channel.report(exc)
    shell = ShellController(window, version=version, services=services, messages=channel,
                            runner=runner)  # fmt: skip
    if services is None:
        return AppParts(window, shell, None, None, None)
    if runner is not None:  # the administrator's daily backup, while the app runs
        DailyBackup(services.backups, runner, window).start()
    session = SessionController(shell, services.auth, channel, idle=idle)
    first_run = FirstRun(session, services.setup, channel)
    first_run.start()
    return AppParts(window, shell, services, session, first_run)
