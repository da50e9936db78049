"""Backups and restores of the clinic database, and the app's daily backup.

    backups = BackupService(engine)                                  # the database it opens
    backups.backup_now(actor, Path("/media/usb/isoface.sqlite3"))   # admin, audited
    backups.set_daily_folder(actor, Path("/srv/backups"))            # the setting
    backups.run_daily_if_due()            # what the app's timer calls, in the background
    result = restore(Path("backup.sqlite3"), "sqlite:////new/place.sqlite3")  # then verify

A backup holds every patient's data, so taking one is an audited "backup" event
(permission settings.manage); the daily backup is recorded the same way, by the
"daily backup" actor, under the folder the administrator chose. Daily files are named
`isoface-YYYY-MM-DD.sqlite3`; a day's file present in the folder means that day is done;
the newest KEEP_DAILY are kept. PostgreSQL: StorageError pointing to pg_dump.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from isoface_desk.errors import InputError
from isoface_desk.fileio import checked_target, is_database_file, make_private
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.access.signing_keys import any_unlocked_key
from isoface_desk.services.audit import checkpoints
from isoface_desk.services.audit.integrity import verify_url
from isoface_desk.services.context import Actor, Clock, ServiceBase, utc_now
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.backup import BACKUP_PG_HINT, BackupResult, backup_sqlite, restore_sqlite
from isoface_desk.storage.db import read_scope, session_scope, sqlite_path
from isoface_desk.storage.handles import Engine
from isoface_desk.storage.integrity import VerifyReport
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.set_aside import put_back, set_aside
from isoface_desk.storage.sqlcipher import (
    check_passphrase,
    encrypt_copy,
    is_encrypted_url,
    url_of,
)

__all__ = [
    "BACKUP_PG_HINT",
    "DAILY_ACTOR",
    "FOLDER_SETTING",
    "BackupResult",
    "BackupService",
    "RestoreResult",
    "daily_file_name",
    "is_sqlite_file",
    "restore",
]

log = logging.getLogger("isoface.backup")

FOLDER_SETTING = "backup_folder"
DAILY_ACTOR = "daily backup"
KEEP_DAILY = 30
_DAILY = re.compile(r"^isoface-(\d{4}-\d{2}-\d{2})\.sqlite3$")


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    report: VerifyReport
    set_aside: tuple[Path, ...] = ()  # where `force` moved the files that were there


def is_sqlite_file(db_url: str) -> bool:
    """True for a SQLite database file (plain or encrypted), which these backups handle."""
    return sqlite_path(db_url) is not None


def daily_file_name(day: dt.date) -> str:
    return f"isoface-{day.isoformat()}.sqlite3"


def restore(backup_file: Path, db_url: str, *, force: bool = False) -> RestoreResult:
    """Copy `backup_file` into the empty location of `db_url`, then verify it there.

    With `force` a database (or other file) at the location is first set aside, renamed
    and kept, never deleted (storage.set_aside; refused while anything has it open), and
    put back if the restore fails."""
    target = sqlite_path(db_url)
    source = Path(backup_file).expanduser()
    if target is not None and is_database_file(source, target):
        raise InputError(f"{source} is the database location itself: restore it elsewhere.")
    moved = set_aside(db_url) if force else []
    try:
        path = restore_sqlite(source, db_url)
    except BaseException:
        put_back(moved)
        raise
    for old, new in moved:
        log.info("restore: %s set aside as %s", old, new)
    paired = checkpoints.paired_with(source)  # the backup's own checkpoint, if kept with it
    report = verify_url(db_url, checkpoint=paired if paired.is_file() else None)
    return RestoreResult(path, report, tuple(new for _, new in moved))


class BackupService(ServiceBase):
    def __init__(self, engine: Engine, db_url: str | None = None, *, now: Clock = utc_now):
        super().__init__(engine, now=now)
        #: What the backups copy: by default the database the engine opens (keyed the same
        #: way when it is encrypted).
        self.db_url = db_url if db_url is not None else url_of(engine)

    @property
    def encrypted(self) -> bool:
        """True when the database is encrypted at rest (SQLCipher)."""
        return is_encrypted_url(self.db_url)

    # ------------------------------------------------------------- on demand

    def backup_now(self, actor: Actor, out: Path, *, force: bool = False) -> BackupResult:
        """A consistent copy of the database at `out` (atomic, mode 0600), recorded as
        "backup". Never over a database or a device; over another file only with `force`."""
        with self._read(actor, Permission.SETTINGS_MANAGE):
            pass  # refused before the copy, not after it
        # The chain head before the copy: the backup holds it, and so does the database.
        mark = checkpoints.current_for(self.engine, actor, self.now())
        result = backup_sqlite(self.db_url, out, force=force)
        with self._unit(actor, Permission.SETTINGS_MANAGE) as session:
            append_event(session, actor.username, "backup", "database", "", _details(result))
        checkpoints.write(self.db_url, [result.path.parent], mark, beside=result.path)
        log.info("backup written (%d bytes, %.1f s)", result.size, result.seconds)
        return result

    def encrypted_copy(self, actor: Actor, out: Path, passphrase: str) -> BackupResult:
        """An encrypted (SQLCipher) copy of this plain database at `out`, which must not
        exist: how a clinic starts encrypting (then opens `sqlite+pysqlcipher:///out`)."""
        target = Path(out).expanduser()
        if self.encrypted:
            raise InputError("This database is encrypted already: use an ordinary backup.")
        if target.exists():
            raise InputError(f"{target} exists already: the encrypted copy is a new file.")
        checked_target(target, database=self.db_url)
        check_passphrase(passphrase)
        with self._read(actor, Permission.SETTINGS_MANAGE):
            pass
        plain = target.with_name(f".{target.name}.plain")
        plain.unlink(missing_ok=True)  # left by a copy that was interrupted
        try:
            start = backup_sqlite(self.db_url, plain)
            encrypt_copy(plain, target, passphrase)
            make_private(target)
        finally:
            plain.unlink(missing_ok=True)
        result = BackupResult(target, target.stat().st_size, start.seconds, True)
        with self._unit(actor, Permission.SETTINGS_MANAGE) as session:
            append_event(session, actor.username, "backup", "database", "", _details(result))
        return result

    # ------------------------------------------------------------- daily

    def daily_folder(self) -> Path | None:
        """The folder of the daily backup (None: the administrator has not chosen one)."""
        with read_scope(self.engine) as session:
            clinic = clinic_repo.get_clinic(session)
        value = clinic.settings.get(FOLDER_SETTING) if clinic is not None else None
        return Path(value) if isinstance(value, str) and value else None

    def set_daily_folder(self, actor: Actor, folder: Path | None) -> None:
        """Choose the daily backup folder (it must exist), or None to stop daily backups."""
        if folder is not None and not Path(folder).expanduser().is_dir():
            raise InputError(f"The folder {folder} does not exist.")
        value = str(Path(folder).expanduser().absolute()) if folder is not None else ""
        with self._unit(actor, Permission.SETTINGS_MANAGE) as session:
            clinic_repo.update_settings(session, **{FOLDER_SETTING: value})
            append_event(session, actor.username, "settings change", "clinic", "",
                         {FOLDER_SETTING: value})  # fmt: skip

    def daily_due(self) -> Path | None:
        """Where today's daily backup goes if it is due now; None when it is not."""
        folder = self.daily_folder()
        if folder is None or not folder.is_dir():
            return None
        target = folder / daily_file_name(self.today())
        return None if target.exists() else target

    def run_daily_if_due(self) -> BackupResult | None:
        """Write today's daily backup unless it exists (or no folder is set), then keep
        the newest KEEP_DAILY daily files. Runs as the "daily backup" actor."""
        target = self.daily_due()
        if target is None:
            return None
        key = any_unlocked_key(self.engine)  # the chain head before the copy, as above
        mark = checkpoints.current(self.engine, key, DAILY_ACTOR, self.now())
        result = backup_sqlite(self.db_url, target)
        with session_scope(self.engine) as session:
            append_event(session, DAILY_ACTOR, "backup", "database", "", _details(result))
        checkpoints.write(self.db_url, [target.parent], mark, beside=result.path)
        prune_daily(target.parent, KEEP_DAILY)
        log.info("daily backup written (%d bytes, %.1f s)", result.size, result.seconds)
        return result


def prune_daily(folder: Path, keep: int) -> list[Path]:
    """Delete the daily backup files beyond the newest `keep` (only files named by
    `daily_file_name`; nothing else in the folder is touched). The removed paths."""
    daily = sorted((p for p in folder.iterdir() if _DAILY.match(p.name)), key=lambda p: p.name)
    removed = daily[:-keep] if keep > 0 else daily
    for path in removed:
        path.unlink(missing_ok=True)
    for path in daily[len(removed) :]:
        make_private(path)  # one written before backups were private
    return removed


def _details(result: BackupResult) -> dict[str, object]:
    return {"file": result.path.name, "size": result.size, "encrypted": result.encrypted}
