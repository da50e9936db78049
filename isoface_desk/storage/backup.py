"""Backups of a SQLite database while the app runs, and restores into an empty location.

`backup_sqlite(url, out)` uses SQLite's online backup API (sqlite3.Connection.backup)
in one step: in WAL mode that is one read transaction, a consistent snapshot of the last
commit, and writers in this or any other process carry on meanwhile (a step-by-step
backup would restart each time another process commits and might never finish under
steady writing). The copy is written to a temporary file beside `out`, switched to the
rollback journal (one self-contained file), checked with `PRAGMA quick_check`, flushed and
renamed into place, so `out` is either the previous file or a complete backup.

An encrypted database (SQLCipher) is copied through sqlcipher3 with the same key: its
backup is encrypted too.

`restore_sqlite(backup, url)` copies a backup to the database location of `url`, which
must not exist yet (no database file, no WAL or shared-memory file): restoring never
overwrites. The caller verifies the result (services.backup does).

PostgreSQL databases are backed up with the server's own tools (see BACKUP_PG_HINT).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from isoface_desk.errors import StorageError
from isoface_desk.fileio import checked_target, fsync_folder
from isoface_desk.storage import space, sqlcipher
from isoface_desk.storage.db import sqlite_path

BACKUP_PG_HINT = (
    "This is a PostgreSQL database: back it up on the server with pg_dump, e.g. "
    "`pg_dump --format=custom --file=isoface.dump DBNAME`, and restore with "
    "`pg_restore --dbname=NEWDB isoface.dump` into an empty database (see README, "
    "Backups)."
)

Connector = Callable[[Path], Any]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    encrypted: bool


@dataclass(frozen=True)
class _Access:
    path: Path  # the database file
    open: Connector  # opens a file like it (keyed when encrypted)
    errors: tuple[type[Exception], ...]  # what its driver raises
    encrypted: bool


def _access(url: str) -> _Access:
    if make_url(url).get_backend_name() != "sqlite":
        raise StorageError(BACKUP_PG_HINT)
    path = sqlite_path(url)
    if path is None:
        raise StorageError("Only a SQLite database file can be backed up this way.")
    if sqlcipher.is_encrypted_url(url):
        passphrase = sqlcipher.passphrase_of(url)
        module = sqlcipher.dbapi()
        errors: tuple[type[Exception], ...] = (module.Error, OSError)
        return _Access(path, lambda p: sqlcipher.connect(p, passphrase), errors, True)
    plain: Connector = lambda p: sqlite3.connect(p, timeout=10.0, check_same_thread=False)  # noqa: E731
    return _Access(path, plain, (sqlite3.Error, OSError), False)


def copy_database(source: Any, target_path: Path, opener: Connector) -> None:
    """Copy an open database connection's content into a new file (one backup step)."""
    target = opener(target_path)
    try:
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode = DELETE")
        row = target.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise StorageError(f"The copy failed its consistency check ({row}).")
    finally:
        target.close()


def _error(action: str, err: Exception, folder: Path) -> StorageError:
    """The message for a failed copy into `folder` (a full disk named as such)."""
    text = str(err)
    refused = isinstance(err, OSError) and err.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    vague = (isinstance(err, OSError) and not refused) or "disk i/o error" in text.lower()
    full = space.is_full_os_error(err) or space.says_full(text)
    if full or (vague and space.is_out_of_space(folder)):
        return space.no_space_error(folder)
    if isinstance(err, OSError):
        return StorageError(f"The {action} failed: cannot write in {folder}: "
                            f"{err.strerror or err}.")  # fmt: skip
    if "not a database" in text.lower():
        text = "the file is not a database, or it is encrypted with another passphrase"
    return StorageError(f"The {action} failed: {text}.")


def backup_sqlite(url: str, out: Path, *, force: bool = False) -> BackupResult:
    """Write a consistent copy of the SQLite database at `url` to `out` (atomically, mode
    0600); never over the database, another SQLite file or a device, over an existing
    file only with `force` (fileio.checked_target)."""
    access = _access(url)
    path = access.path
    if not path.is_file():
        raise StorageError(f"There is no database file at {path}.")
    target = checked_target(out, database=url, force=force)
    start = time.perf_counter()
    temp = _temp_beside(target, "backup")
    try:
        source = access.open(path)
        try:
            copy_database(source, temp, access.open)
        finally:
            source.close()
        _fsync(temp)
        checked_target(target, database=url, force=force)  # again: it may have changed
        os.replace(temp, target)
        fsync_folder(target.parent)
    except access.errors as err:
        raise _error("backup", err, target.parent) from err
    finally:
        _remove_temp(temp)
    seconds = time.perf_counter() - start
    return BackupResult(target, target.stat().st_size, seconds, access.encrypted)


def restore_sqlite(backup: Path, url: str) -> Path:
    """Copy the backup file into the (empty) database location of `url`; the new path."""
    access = _access(url)
    path = access.path
    source_path = Path(backup).expanduser()
    if not source_path.is_file():
        raise StorageError(f"There is no backup file at {source_path}.")
    existing = [p for p in _database_files(path) if p.exists()]
    if existing:
        raise StorageError(
            f"{existing[0]} already exists: a backup is restored only into an empty "
            "location. Choose another database location, or move the existing files away."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _error("restore", err, path.parent) from err
    temp = _temp_beside(path, "restore")
    try:
        source = access.open(source_path)
        try:
            _require_isoface(source)
            copy_database(source, temp, access.open)
        finally:
            source.close()
        _fsync(temp)
        os.link(temp, path)  # fails rather than overwrite, should the file appear meanwhile
        fsync_folder(path.parent)
    except FileExistsError:
        raise StorageError(f"{path} appeared while restoring: nothing was overwritten.") from None
    except access.errors as err:
        raise _error("restore", err, path.parent) from err
    finally:
        _remove_temp(temp)
    return path


def _require_isoface(conn: Any) -> None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"alembic_version", "signed_record", "audit_event"} <= tables:
        raise StorageError("This file is a SQLite database but not an Isoface Desk backup.")


def _database_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
            path.with_name(path.name + "-journal")]  # fmt: skip


def _temp_beside(target: Path, action: str) -> Path:
    """An empty file (a valid empty database) of mode 0600 beside `target`: SQLite writes
    the copy into it and gives its journal the same mode, whatever the umask."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as err:
        raise _error(action, err, target.parent) from err
    os.close(fd)
    return Path(name)


def _remove_temp(temp: Path) -> None:
    """The temporary copy and any journal SQLite left beside it (a failed copy's)."""
    for name in _database_files(temp):
        name.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
