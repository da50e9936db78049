"""Encryption at rest for SQLite: SQLCipher through the `sqlcipher3` wheel (optional).

An encrypted database has the URL `sqlite+pysqlcipher:///path/to/file.sqlite3` (SQLAlchemy's
name for SQLCipher). The passphrase is never part of what the app shows or logs: it comes
from the URL's password field only when a program builds the URL itself
(`encrypted_url(path, passphrase)`), otherwise from the environment variable
ISOFACE_DB_PASSPHRASE (the app asks for it at start and sets nothing on disk).

Every connection is made by `connect()`: it opens the file with sqlcipher3, runs
`PRAGMA key` before anything else, and proves the key by reading the schema, so a wrong
passphrase is a plain StorageError at once rather than "file is not a database" at the
first query. The engine is otherwise the same as a plain SQLite one (storage.db adds WAL,
the busy timeout and foreign keys on connect).

Without the passphrase the file is indistinguishable from random bytes: the `sqlite3`
command-line tool answers "file is not a database". Installing: `pip install
isoface-desk[encryption]` (sqlcipher3 ships manylinux/macOS/Windows wheels with SQLCipher
built in, so no system library is needed).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from isoface_desk.errors import StorageError
from isoface_desk.storage import space

DRIVERNAME = "sqlite+pysqlcipher"
PASSPHRASE_ENV = "ISOFACE_DB_PASSPHRASE"
MIN_PASSPHRASE = 12
SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every plain SQLite file

__all__ = [
    "DRIVERNAME",
    "PASSPHRASE_ENV",
    "available",
    "connect",
    "dbapi",
    "encrypt_copy",
    "encrypted_url",
    "engine_arguments",
    "is_encrypted_url",
    "passphrase_of",
    "remember_passphrase",
    "unreadable_file",
    "url_of",
]


def is_encrypted_url(url: str) -> bool:
    try:
        return make_url(url).drivername == DRIVERNAME
    except Exception:  # a malformed URL is reported by storage.db.make_engine
        return False


def available() -> bool:
    """True when the sqlcipher3 module can be imported."""
    try:
        dbapi()
    except StorageError:
        return False
    return True


def dbapi() -> ModuleType:
    """The sqlcipher3 DB-API module (StorageError naming the package when it is missing)."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise StorageError(
            "This database is encrypted (SQLCipher) but the sqlcipher3 package is not "
            "installed: pip install 'isoface-desk[encryption]'."
        ) from None
    module: ModuleType = dbapi2
    return module


def encrypted_url(path: Path, passphrase: str | None = None) -> str:
    """The URL of an encrypted database file; with `passphrase`, carried in the URL (for
    programs; people set ISOFACE_DB_PASSPHRASE instead)."""
    where = Path(path).expanduser().absolute()
    if passphrase is None:
        return f"{DRIVERNAME}:///{where}"
    return f"{DRIVERNAME}://:{quote(passphrase, safe='')}@/{where}"


def check_passphrase(passphrase: str) -> None:
    """StorageError unless the passphrase is long enough to resist guessing offline (the
    policy wherever a passphrase is chosen: a new encrypted database, an encrypted copy)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise StorageError(
            f"The database passphrase must have at least {MIN_PASSPHRASE} characters."
        )


def _is_new(path: Path) -> bool:
    """True when opening `path` creates the database (no file, or an empty one): its
    passphrase is being chosen now."""
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False  # unreadable: opening it reports why


def _header(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(4096)
    except OSError:
        return b""


def looks_encrypted(path: Path) -> bool:
    """True when `path` looks like a SQLCipher file: no SQLite header, whole pages of
    bytes that look random (an encrypted page is indistinguishable from noise)."""
    head = _header(path)
    if len(head) < 1024 or head.startswith(SQLITE_HEADER):
        return False
    return len(set(head)) > 200 and path.stat().st_size % 512 == 0


def unreadable_file(path: Path) -> StorageError:
    """What opening `path` as a plain SQLite file says when SQLite answers "file is not
    a database": encrypted (open it with the SQLCipher URL), or another kind of file."""
    if looks_encrypted(path):
        return StorageError(
            f"This file is encrypted: open it as {encrypted_url(path)} (the app asks for "
            f"its passphrase; on the command line set {PASSPHRASE_ENV})."
        )
    return StorageError(
        f"{path} is not a SQLite database (or it is damaged). If it is your database, "
        "restore the latest backup."
    )


#: Passphrases given in this process (by the app's prompt, or in a URL), by file: what a
#: backup of an open encrypted database keys its copy with. Never written anywhere.
_REMEMBERED: dict[Path, str] = {}


def remember_passphrase(path: Path, passphrase: str) -> None:
    _REMEMBERED[Path(path).expanduser().absolute()] = passphrase


def remembered(path: Path) -> bool:
    return Path(path).expanduser().absolute() in _REMEMBERED


def passphrase_of(url: str, environ: dict[str, str] | None = None) -> str:
    """The passphrase for an encrypted URL: its password, else one given earlier in this
    process for the same file, else $ISOFACE_DB_PASSPHRASE."""
    parsed = make_url(url)
    if parsed.password:
        return str(parsed.password)
    if parsed.database:
        known = _REMEMBERED.get(Path(parsed.database).expanduser().absolute())
        if known:
            return known
    env = os.environ if environ is None else environ
    from_env = env.get(PASSPHRASE_ENV, "")
    if not from_env:
        raise StorageError(
            "This database is encrypted: give its passphrase (the app asks for it; on the "
            f"command line set {PASSPHRASE_ENV})."
        )
    return from_env


def _literal(text: str) -> str:
    """`text` as an SQL string literal (PRAGMA key takes no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def connect(path: Path, passphrase: str, *, timeout_s: float = 10.0) -> Any:
    """A sqlcipher3 connection to `path`, keyed and checked (StorageError if the key is
    wrong or the file is not an encrypted Isoface database)."""
    module = dbapi()
    conn = module.connect(str(path), timeout=timeout_s, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # no "hmac check failed" on stderr
        conn.execute(f"PRAGMA key = {_literal(passphrase)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as err:
        conn.close()
        if _header(path).startswith(SQLITE_HEADER):
            raise StorageError(
                f"This file is not encrypted: open it as sqlite:///{Path(path).absolute()}."
            ) from None
        if "not a database" in str(err).lower():
            raise StorageError(
                "The database cannot be opened: the passphrase is wrong, or the file is not "
                "an encrypted database."
            ) from None
        raise StorageError(f"The encrypted database cannot be opened ({err}).") from err
    except BaseException:
        conn.close()
        raise
    return conn


def url_of(engine: Engine) -> str:
    """The URL that opens the same database as `engine` (for an encrypted database, the
    sqlite+pysqlcipher form: engine.url shows the plain file URL it was built with)."""
    url = engine.url.render_as_string(hide_password=False)
    module = getattr(engine.dialect, "dbapi", None)
    if engine.dialect.name == "sqlite" and getattr(module, "__name__", "").startswith("sqlcipher3"):
        return encrypted_url(Path(engine.url.database or ""))
    return url


def encrypt_copy(plain: Path, target: Path, passphrase: str) -> None:
    """Write an encrypted copy of the plain database file `plain` to the new file `target`
    (SQLCipher's sqlcipher_export). The caller checks `target` does not exist."""
    check_passphrase(passphrase)
    module = dbapi()
    conn = module.connect(str(plain), check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"ATTACH DATABASE {_literal(str(target))} AS encrypted "
                     f"KEY {_literal(passphrase)}")  # fmt: skip
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    except module.DatabaseError as err:
        conn.close()
        _remove_partial(target)  # the caller checked it did not exist: it is ours
        if space.says_full(str(err)) or space.is_out_of_space(target.parent):
            raise space.no_space_error(target.parent) from err
        raise StorageError(f"The encrypted copy could not be written ({err}).") from err
    except BaseException:
        conn.close()
        _remove_partial(target)
        raise
    conn.close()


def _remove_partial(target: Path) -> None:
    for name in (target.name, f"{target.name}-journal", f"{target.name}-wal",
                 f"{target.name}-shm"):  # fmt: skip
        target.with_name(name).unlink(missing_ok=True)


def engine_arguments(url: str) -> tuple[str, dict[str, Any]]:
    """What storage.db passes to create_engine for `url`: unchanged for plain SQLite; for
    an encrypted URL, the plain file URL (so the pool and dialect are those of a file
    database) with sqlcipher3 as the DB-API module and a `creator` that keys each
    connection."""
    if not is_encrypted_url(url):
        return url, {}
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:":
        raise StorageError("An encrypted database must be a file.")
    path = Path(parsed.database).expanduser()
    passphrase = passphrase_of(url)
    if _is_new(path):
        check_passphrase(passphrase)  # creating the database: its passphrase is chosen now
    remember_passphrase(path, passphrase)
    module = dbapi()
    return f"sqlite:///{path}", {
        "module": module,
        "creator": lambda: connect(path, passphrase),
    }
