"""A database set aside, never deleted, before `restore --force` puts a backup in its place.

    moved = set_aside(url)        # StorageError when something has the database open
    try:
        restore_sqlite(backup, url)
    except BaseException:
        put_back(moved)
        raise

The files at the location (the database and its -wal, -shm and -journal files) are renamed
to `<name>.replaced-<UTC time>` with the same suffixes, so SQLite opens the set-aside
database together with its log. First a connection in exclusive locking mode asks for an
exclusive lock without waiting: any connection that has the database open in WAL mode (the
app's, this process's or another's) holds a shared lock, and the restore is refused, since
that connection would go on writing into the renamed files. A location holding a folder, a
device, a pipe or a socket is refused too: only ordinary files are moved.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

from isoface_desk.errors import StorageError
from isoface_desk.fileio import database_files, fsync_folder
from isoface_desk.storage import sqlcipher
from isoface_desk.storage.db import sqlite_path

Moves = list[tuple[Path, Path]]  # (where it was, where it is now)


def set_aside(url: str, *, now: dt.datetime | None = None) -> Moves:
    """Rename the database files of `url` out of the way (none there: nothing to do)."""
    path = sqlite_path(url)
    if path is None:
        raise StorageError("Only a SQLite database file can be restored this way.")
    present = [p for p in database_files(path) if os.path.lexists(p)]
    if not present:
        return []
    for found in present:
        _require_ordinary(found)
    if path in present:
        _refuse_if_open(path, url)
    moves = _aside_names(present, path, now or dt.datetime.now(dt.UTC))
    done: Moves = []
    try:
        for old, new in moves:
            os.rename(old, new)
            done.append((old, new))
    except OSError as err:
        put_back(done)
        raise StorageError(f"{old} could not be set aside ({err.strerror or err}).") from err
    fsync_folder(path.parent)
    return done


def put_back(moves: Moves) -> None:
    """Undo `set_aside` (a restore that failed): each file back where it was, unless
    something is there now."""
    for old, new in reversed(moves):
        if not os.path.lexists(old) and os.path.lexists(new):
            os.rename(new, old)


def _require_ordinary(path: Path) -> None:
    mode = os.lstat(path).st_mode
    if stat.S_ISDIR(mode):
        raise StorageError(f"{path} is a folder: a backup is restored into a file.")
    if not stat.S_ISREG(mode):
        raise StorageError(
            f"{path} is not an ordinary file (a link, device, pipe or socket): a backup is "
            "not restored over it."
        )


def _aside_names(present: list[Path], path: Path, now: dt.datetime) -> Moves:
    """(file, its new name) for each file, with a stamp that no file uses yet."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(100):
        base = f"{path.name}.replaced-{stamp}" + (f"-{attempt}" if attempt else "")
        moves = [(p, p.with_name(base + p.name[len(path.name) :])) for p in present]
        if not any(os.path.lexists(new) for _, new in moves):
            return moves
    raise StorageError(f"No free name to set {path} aside: tidy its folder first.")


def _refuse_if_open(path: Path, url: str) -> None:
    """StorageError when a connection has the database open (see the module docstring)."""
    conn, errors = _unread_connection(path, url)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except errors as err:
        text = str(err).lower()
        if "locked" in text or "busy" in text:
            raise StorageError(
                f"{path} is open in Isoface Desk or another program: close it everywhere, "
                "then restore again. Nothing was changed."
            ) from None
        if "not a database" not in text:  # not a database: nothing has it open as one
            raise StorageError(f"{path} could not be checked: {err}.") from err
    finally:
        conn.close()


def _unread_connection(path: Path, url: str) -> tuple[Any, tuple[type[Exception], ...]]:
    """A connection that has not read the file yet (keyed first when it is encrypted)."""
    if not sqlcipher.is_encrypted_url(url):
        return sqlite3.connect(path, timeout=0, isolation_level=None), (sqlite3.Error,)
    module = sqlcipher.dbapi()
    passphrase = sqlcipher.passphrase_of(url).replace("'", "''")
    conn = module.connect(str(path), timeout=0, isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = '{passphrase}'")
    return conn, (module.Error,)
