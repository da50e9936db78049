"""What a database holds, found without changing it or creating anything.

Before the app writes its schema into a database (`db upgrade`, opening it) or the demo
seeder or the audit bench fill one, they must know whether it is new, an Isoface Desk
database, or another program's. `existing_tables` answers from a read-only connection (a
plain SQLite file is opened with mode=ro, so neither its journal mode nor its folder is
touched; a missing file stays missing).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import exc, inspect
from sqlalchemy.engine import make_url

from isoface_desk.errors import StorageError
from isoface_desk.storage import sqlcipher
from isoface_desk.storage.db import make_engine, sqlite_path, translate_error
from isoface_desk.storage.models import Base

#: Every table the migrations create.
OURS: frozenset[str] = frozenset(Base.metadata.tables) | {"alembic_version"}
#: Tables only an Isoface Desk database has (alembic_version alone is any Alembic app's).
CORE: frozenset[str] = frozenset({"signed_record", "audit_event", "app_user"})


def existing_tables(url: str) -> frozenset[str] | None:
    """The tables of the database at `url` (SQLite's own sqlite_* left out); None when
    `url` names a SQLite file that does not exist."""
    path = sqlite_path(url)
    if path is None:
        return _server_tables(url)
    if not path.exists():
        return None
    if not path.is_file():
        raise StorageError(f"{path} is not a file: give the database file's path.")
    return _file_tables(url, path)


def describe(url: str) -> str:
    """The database named for a message: its file, or the server URL without password."""
    path = sqlite_path(url)
    return str(path) if path is not None else make_url(url).render_as_string(hide_password=True)


def is_isoface(tables: frozenset[str]) -> bool:
    return tables >= CORE


def foreign_tables(tables: frozenset[str]) -> list[str]:
    """The tables Isoface Desk never creates."""
    return sorted(tables - OURS)


def refuse_foreign(url: str) -> None:
    """StorageError when `url` is a SQLite file that holds another program's tables and is
    not an Isoface Desk database: our schema is never written into it."""
    if sqlite_path(url) is None:
        return
    tables = existing_tables(url)
    if tables is None or is_isoface(tables):
        return
    foreign = foreign_tables(tables)
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise StorageError(
            f"{sqlite_path(url)} is another program's database (it holds tables Isoface "
            f"Desk does not use: {shown}): nothing was written to it. Choose a new file "
            "with --db."
        )


def _file_tables(url: str, path: Path) -> frozenset[str]:
    query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    if sqlcipher.is_encrypted_url(url):
        conn = sqlcipher.connect(path, sqlcipher.passphrase_of(url))
        errors: tuple[type[Exception], ...] = (sqlcipher.dbapi().Error,)
    else:
        try:
            conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as err:
            raise StorageError(f"The database file {path} cannot be opened ({err}).") from err
        errors = (sqlite3.Error,)
    try:
        names = [str(row[0]) for row in conn.execute(query)]
    except errors as err:
        if "not a database" in str(err).lower():
            raise sqlcipher.unreadable_file(path) from None
        raise StorageError(f"The database file {path} cannot be read ({err}).") from err
    finally:
        conn.close()
    return frozenset(name for name in names if not name.startswith("sqlite_"))


def _server_tables(url: str) -> frozenset[str]:
    engine = make_engine(url)
    try:
        return frozenset(inspect(engine).get_table_names())
    except exc.DBAPIError as err:
        raise translate_error(err) from err
    finally:
        engine.dispose()
