"""Commits that survive a -wal file removed under an open SQLite connection (issue 10).

In WAL mode a commit first lands in `<db>-wal`; SQLite copies it into the database file
later (a checkpoint) and deletes the -wal file when the last connection closes. Every
connection holds a lock that tells other programs it is open, but a program that cannot
see those locks (a database viewer in a sandbox reading through a file portal, another
computer opening the file over a network folder, a tool opened with `nolock`) believes it
is alone: when it closes it checkpoints what it saw and deletes the -wal file. This app's
connection keeps writing into the deleted file; each commit "succeeds", other programs
get "disk I/O error", and the commits are gone once the app closes while anything else
still has the database open (reproduced in tests/storage/test_concurrent_reader.py).

The guard:

* `settle(conn)`, after every write unit of work, runs a PASSIVE checkpoint on the same
  connection, so the commit is in the database file before the service returns (whatever
  later happens to the -wal file). It then compares the -wal file on disk with the one the
  connection opened: when it was removed or replaced the connection is discarded, and if
  the commit could not be copied into the database file even by a FULL checkpoint, the
  person is told (CommitAtRiskError) instead of shown success.
* `refuse_stale`, on every checkout, discards a pooled connection whose -wal file is gone,
  after a last checkpoint that rescues what only it still holds.

The automatic checkpoint inside COMMIT is switched off by storage.db (settle does it), so
an error reported by COMMIT always means nothing was committed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection

from isoface_desk.errors import CommitAtRiskError

log = logging.getLogger("isoface.storage.wal_guard")

INFO_KEY = "isoface_wal"
FileId = tuple[int, int]


@dataclass(frozen=True)
class _Tracked:
    wal: Path  # <db>-wal
    opened: FileId  # the file the connection opened
    errors: type[Exception]  # what its driver raises


def wal_file(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _file_id(path: Path) -> FileId | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def remember(record: Any, path: Path | None, errors: type[Exception]) -> None:
    """Note the -wal file a new connection opened (it opens it with PRAGMA journal_mode)."""
    if path is None:
        return
    opened = _file_id(wal_file(path))
    if opened is not None:  # not in WAL mode (e.g. a read-only file): nothing to guard
        record.info[INFO_KEY] = _Tracked(wal_file(path), opened, errors)


def _is_stale(tracked: _Tracked) -> bool:
    return _file_id(tracked.wal) != tracked.opened


def _checkpoint(driver: Any, tracked: _Tracked, mode: str) -> bool:
    """True when every frame of the connection's WAL is in the database file."""
    try:
        row = driver.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    except tracked.errors as err:
        log.warning("checkpoint (%s) failed: %s", mode, err)
        return False
    return row is not None and int(row[1]) == int(row[2])


def settle(conn: Connection) -> None:
    """After a commit on `conn`: copy it into the database file, then check the -wal."""
    fairy = conn.connection
    tracked = fairy.info.get(INFO_KEY)
    if not isinstance(tracked, _Tracked):
        return  # PostgreSQL, an in-memory database, or not in WAL mode
    driver = fairy.driver_connection
    copied = _checkpoint(driver, tracked, "PASSIVE")
    if not _is_stale(tracked):
        return
    log.warning("the database's -wal file was removed or replaced by another program")
    if not copied:
        copied = _checkpoint(driver, tracked, "FULL")  # waits for readers (busy timeout)
    conn.invalidate()
    if not copied:
        raise CommitAtRiskError(
            "The change was saved, but another program removed the database's journal "
            f"file ({tracked.wal.name}) while Isoface Desk was writing, so the change may "
            "not be kept."
        )


def refuse_stale(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """Pool checkout: a connection whose -wal file is gone is replaced by a new one."""
    tracked = record.info.get(INFO_KEY)
    if not isinstance(tracked, _Tracked) or not _is_stale(tracked):
        return
    log.warning("a connection's -wal file was removed by another program: reconnecting")
    _checkpoint(dbapi_conn, tracked, "FULL")  # rescue what only this connection holds
    raise exc.DisconnectionError("the -wal file was removed or replaced")


def is_io_error(err: exc.DBAPIError) -> bool:
    return "disk i/o error" in str(err.orig if err.orig is not None else err).lower()
