"""Engines and units of work for SQLite and PostgreSQL, with plain-language errors.

SQLite: WAL journal, `foreign_keys=ON`, a 10 s busy timeout and `synchronous=FULL`, so a
committed transaction survives a power cut. SQLAlchemy emits BEGIN itself (the sqlite3
driver's own transaction handling is switched off): `session_scope` starts each write unit
of work with BEGIN IMMEDIATE, which takes the write lock up front. Writers therefore queue
on the busy timeout instead of failing on a lock upgrade, and the audit chain stays linear.
`read_scope` uses a plain (deferred) BEGIN: a consistent snapshot that never blocks writers.
The database file and its -wal and -shm files are private to the user (0600: tightened on
connecting when found wider, and SQLite gives the files it adds the database's mode).

Every write unit of work on a SQLite file ends with a PASSIVE checkpoint on its own
connection (see wal_guard.py; the automatic checkpoint inside COMMIT is off, so an error
from COMMIT always means nothing was committed): the commit is in the database file itself
before the service returns, not only in the -wal file. A program that does not see this
app's locks (a database viewer in a sandbox, another computer on a network folder) can
delete the -wal file under an open connection, and a commit only in that file would be
lost (issue 10). A connection whose -wal file was removed or replaced is discarded.

PostgreSQL (`postgresql+psycopg://`): the audit chain serializes its appends with a
transaction-level advisory lock (see audit.py).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as Engine  # re-exported: services type with it
from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session as Session  # re-exported for services

from isoface_desk.config import data_dir
from isoface_desk.errors import ImmutableRecordError, IsofaceError, StorageError
from isoface_desk.fileio import PRIVATE_FOLDER, make_database_private, make_private
from isoface_desk.storage import space, sqlcipher, wal_guard

log = logging.getLogger("isoface.storage.db")

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "isoface_write"
IMMUTABLE_MARKER = "is append-only"
FILE_ATTRIBUTE = "isoface_file"  # set on a SQLite engine's errors: the database file


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine for `url`: a SQLite file (its folder is created) or PostgreSQL via psycopg.

    `busy_timeout_ms` is how long a SQLite writer waits for another one before giving up.
    """
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise StorageError(
            "This is not a database address: use sqlite:///path/to/file.sqlite3 or "
            "postgresql+psycopg://user@host/name."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo, busy_timeout_ms=busy_timeout_ms)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return _postgres_engine(url, echo=echo)
    raise StorageError(
        f"Unsupported database '{parsed.get_backend_name()}': use a SQLite file "
        "(sqlite:///path) or PostgreSQL (postgresql+psycopg://user@host/name)."
    )


def _sqlite_engine(url: str, *, echo: bool, busy_timeout_ms: int) -> Engine:
    path = sqlite_path(url)
    create_url, options = sqlcipher.engine_arguments(url)  # plain, or keyed SQLCipher
    if path is not None:
        try:
            path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        except OSError as err:
            raise StorageError(
                f"The folder {path.parent} for the database file cannot be created "
                f"({err.strerror})."
            ) from err
        if path.parent.absolute() == data_dir().absolute():
            make_private(path.parent, folder=True)
    engine = create_engine(create_url, echo=echo, **options)
    driver_errors: type[Exception] = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN (see _on_begin)
        make_database_private(path)  # before the pragmas create -wal and -shm like it
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA wal_autocheckpoint = 0")  # session_scope checkpoints
        except driver_errors as err:
            if path is not None and "not a database" in str(err).lower():
                raise sqlcipher.unreadable_file(path) from None  # encrypted, or not SQLite
            raise
        finally:
            cursor.close()
        wal_guard.remember(record, path, driver_errors)

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        # Which file failed, so translate_error can tell a full disk and name it.
        if path is not None and context.sqlalchemy_exception is not None:
            setattr(context.sqlalchemy_exception, FILE_ATTRIBUTE, path)

    event.listen(engine, "checkout", wal_guard.refuse_stale)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_engine(url: str, *, echo: bool) -> Engine:
    engine = create_engine(
        url, echo=echo, pool_pre_ping=True, connect_args={"client_encoding": "utf8"}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SHOW server_encoding")
            row = cursor.fetchone()
        dbapi_conn.rollback()
        if row is None or str(row[0]).upper() not in {"UTF8", "UTF-8"}:
            raise StorageError(
                "The PostgreSQL database does not use UTF-8, so patient names in other "
                "scripts could be damaged. Create it with ENCODING 'UTF8'."
            )

    return engine


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database).expanduser()


def require_existing(url: str) -> None:
    """StorageError when `url` names a SQLite file that does not exist (instead of quietly
    creating an empty database there)."""
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise StorageError(f"There is no database file at {path}.")


def is_sqlite(engine_or_session: Engine | Session | Connection) -> bool:
    bind = (
        engine_or_session.get_bind()
        if isinstance(engine_or_session, Session)
        else (engine_or_session)
    )
    return bind.dialect.name == "sqlite"


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A write unit of work: commit on success, roll back on any error.

    Database failures come out as StorageError (or ImmutableRecordError) with a message a
    person can act on.
    """
    bind = engine.execution_options(**{WRITE_OPTION: True})
    with _scope(bind) as session:
        yield session


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work on one consistent snapshot; always rolled back."""
    with _scope(engine, commit=False) as session:
        yield session


@contextmanager
def _scope(bind: Engine, *, commit: bool = True) -> Iterator[Session]:
    """A session on one connection, kept past the commit for wal_guard.settle."""
    conn: Connection | None = None
    try:
        conn = bind.connect()
        with _session(conn, commit=commit) as session:
            yield session
        if commit:
            wal_guard.settle(conn)
    except exc.DBAPIError as err:
        if conn is not None and wal_guard.is_io_error(err):
            conn.invalidate()  # its file handles may be stale: a retry gets a new one
        raise translate_error(err) from err
    finally:
        if conn is not None:
            conn.close()


@contextmanager
def _session(conn: Connection, *, commit: bool) -> Iterator[Session]:
    session = Session(bind=conn, expire_on_commit=False, autoflush=True)
    try:
        yield session
        if commit:
            session.commit()
        else:
            session.rollback()
    except IsofaceError:
        session.rollback()
        raise
    except BaseException:
        _quiet_rollback(session)
        raise
    finally:
        session.close()


def _quiet_rollback(session: Session) -> None:
    try:
        session.rollback()
    except exc.DBAPIError:  # the connection itself is gone; closing is all we can do
        log.debug("rollback failed after a database error", exc_info=True)


def translate_error(err: exc.DBAPIError) -> IsofaceError:
    """Turn a driver error into the typed error with a plain-language message (a full
    disk is named: the engine's handle_error hook tells which file failed)."""
    text = str(err.orig).lower() if err.orig is not None else str(err).lower()
    file: Path | None = getattr(err, FILE_ATTRIBUTE, None)
    folder = file.parent if file is not None else None
    if IMMUTABLE_MARKER in text:
        return ImmutableRecordError(
            "Signed records and audit events cannot be changed or deleted. "
            "To correct a signed record, sign a new record that corrects it."
        )
    if "database is locked" in text or "database table is locked" in text:
        return StorageError(
            "The database is busy: another window or workstation kept it locked for too "
            "long. Nothing was saved; please try again in a moment."
        )
    if (space.says_full(text) or "disk i/o error" in text) and space.is_out_of_space(folder):
        return space.no_space_error(folder)
    if space.says_full(text):
        return StorageError(
            "The database file could not grow: the disk holding it is full, or the file "
            "reached a size limit (a quota, or the largest file its file system allows). "
            "Nothing was saved."
        )
    if "readonly database" in text or "read-only" in text:
        return StorageError(
            "The database cannot be written (the file or folder is read-only). Nothing was saved."
        )
    if "unable to open database" in text and folder is not None and _unwritable(folder):
        return StorageError(
            f"The database cannot be created in {folder}: the folder is read-only, or you "
            "may not write there. Nothing was saved."
        )
    if "unable to open database" in text:
        return StorageError(
            "The database file cannot be opened: check that its folder exists and is accessible."
        )
    if "disk i/o error" in text:
        return StorageError(
            "The database files could not be read or written (a disk I/O error). Another "
            "program may be using them unsafely (a database viewer, a file-sync or backup "
            "tool, or another computer opening them over a network folder), or the disk is "
            "failing. Close those programs, then restart Isoface Desk."
        )
    if "file is not a database" in text or "malformed" in text:
        return StorageError(
            "The database file is damaged or is not an Isoface database. Restore the latest backup."
        )
    if _is_unreachable(text):
        return StorageError(
            "The database server cannot be reached. Check the network connection and that "
            "the server is running, then try again."
        )
    if isinstance(err, exc.OperationalError):
        return StorageError(f"The database reported a problem: {err.orig}")
    return StorageError(f"The database refused the change: {err.orig}")


def _unwritable(folder: Path) -> bool:
    return folder.is_dir() and not os.access(folder, os.W_OK)


def _is_unreachable(text: str) -> bool:
    markers = (
        "connection refused",
        "could not connect",
        "connection failed",
        "server closed the connection",
        "could not translate host name",
        "connection timeout",
        "timeout expired",
        "terminating connection",
        "connection is closed",
        "the connection is lost",
    )
    return any(marker in text for marker in markers)
