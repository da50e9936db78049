"""Atomic, private file writes and the guard every output path goes through.

A shared leaf like errors.py and config.py (tests/test_layering.py lets every layer import
it): storage may not import services, so the primitives live below both.

A write is a fully written, flushed temporary file beside the target (mode 0600), renamed
over it with os.replace, and the folder fsynced where the system allows it, so the target
holds either its old content or all of the new.

`checked_target` is the one guard of every file the CLI and the app write (exports,
printed orders, reports, backups): a rename replaces whatever the name points at, so it
refuses the open database and its -wal, -shm and -journal files, any other SQLite
database or journal, device nodes, pipes and sockets (a rename would put a regular file
in place of /dev/null), folders and a missing folder; an existing ordinary file only with
`force` (the CLI's --force; the app's save dialogs have asked already). An encrypted
(SQLCipher) database other than the open one has no recognisable header: it is an
ordinary file here, protected by the need for --force.

`make_private` and `make_database_private` tighten files and folders that group or others
may read (a database made under umask 022 is 0644), logging the path, never its content.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from pathlib import Path
from urllib.parse import unquote

from isoface_desk.errors import InputError

log = logging.getLogger("isoface.files")

#: The first 16 bytes of every plain SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: The first 4 bytes of a SQLite write-ahead log (big- and little-endian checksums).
WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
#: The files SQLite keeps beside a database.
COMPANIONS = ("-wal", "-shm", "-journal")
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
#: The umask of the CLI and the app: what they create, only the user may read.
PRIVATE_UMASK = 0o077

#: A database URL (sqlite:///path, sqlite+pysqlcipher://…, postgresql://…) or a file path.
Database = str | os.PathLike[str] | None


def database_file(database: Database) -> Path | None:
    """The SQLite file of a database URL or path; None for PostgreSQL and in-memory ones."""
    if database is None:
        return None
    text = os.fspath(database)
    if not isinstance(database, str) or "://" not in text:
        return Path(text).expanduser()
    scheme, _, rest = text.partition("://")
    if scheme.split("+", 1)[0].lower() != "sqlite":
        return None
    name = unquote(rest.partition("/")[2].split("?", 1)[0])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name).expanduser()


def database_files(database: Database) -> list[Path]:
    """The database file and its -wal, -shm and -journal files (none for PostgreSQL)."""
    path = database_file(database)
    if path is None:
        return []
    return [path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)]


def checked_target(out: Path, *, database: Database = None, force: bool = False) -> Path:
    """`out` with ~ expanded, or InputError naming it and why it must not be written.

    `database` is the open database (URL or path). An existing ordinary file is replaced
    only with `force`."""
    target = Path(out).expanduser()
    refusal = target_refusal(target, database, force=force)
    if refusal is not None:
        raise InputError(refusal)
    return target


def target_refusal(target: Path, database: Database, *, force: bool) -> str | None:
    """Why `target` must not be written (None: it may be)."""
    if is_database_file(target, database):
        return (f"{target} is the open database (or one of its files): writing there would "
                "destroy it. Choose another file name.")  # fmt: skip
    try:
        info = os.stat(target)  # follows symbolic links: what a write would reach
    except FileNotFoundError:
        info = None
    except OSError as exc:
        return f"Cannot check {target}: {exc.strerror or exc}."
    if info is not None and stat.S_ISDIR(info.st_mode):
        return f"{target} is a folder: give a file name."
    if info is not None and not stat.S_ISREG(info.st_mode):
        return (f"{target} is not an ordinary file (a device, pipe or socket): "
                "give the name of a file.")  # fmt: skip
    if not Path(os.path.realpath(target)).parent.is_dir():
        return f"The folder {target.parent} does not exist."
    if info is None:
        return None
    return _existing_file_refusal(target, force=force)


def _existing_file_refusal(target: Path, *, force: bool) -> str | None:
    try:
        kind = sqlite_kind(target)
    except OSError as exc:
        return f"Cannot check {target}: {exc.strerror or exc}."
    if kind is not None:
        return (f"{target} holds a SQLite {kind}: it is never overwritten. "
                "Choose another file name.")  # fmt: skip
    if not force:
        return (f"{target} already exists: choose another file name, or add --force "
                "to replace it.")  # fmt: skip
    return None


def is_database_file(target: Path, database: Database) -> bool:
    """True when `target` is (or links to) the database or one of its companion files."""
    files = database_files(database)
    if not files:
        return False
    real = os.path.realpath(target)
    if any(real == os.path.realpath(path) for path in files):
        return True
    try:
        mine = os.stat(target)
    except OSError:
        return False
    for path in files:
        try:
            other = os.stat(path)
        except OSError:
            continue
        if (mine.st_dev, mine.st_ino) == (other.st_dev, other.st_ino):  # a hard link
            return True
    return False


def sqlite_kind(path: Path) -> str | None:
    """ "database" or "journal" when the regular file `path` is one of SQLite's, else None
    (also a -shm or -journal file beside a SQLite database)."""
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        return "database"
    if head[:4] in WAL_MAGIC:
        return "journal"
    for suffix in COMPANIONS:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            owner = path.with_name(path.name[: -len(suffix)])
            if _has_sqlite_header(owner):
                return "journal"
    return None


def _has_sqlite_header(path: Path) -> bool:
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def write_temp(target: Path, data: bytes) -> Path:
    """A fully written and flushed temporary file beside `target` (mode 0600)."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise InputError(f"Cannot write in {target.parent}: {exc.strerror or exc}.") from exc
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def replace_durably(
    temp: Path, target: Path, *, database: Database = None, force: bool = False
) -> None:
    """Rename `temp` over `target` and fsync the folder. The target is checked again just
    before (it may have become a database, a device or an existing file meanwhile)."""
    checked_target(target, database=database, force=force)
    try:
        os.replace(temp, target)
    except OSError as exc:
        raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    fsync_folder(target.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename durable where the system allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomically(
    path: Path, data: bytes, *, database: Database = None, force: bool = False
) -> None:
    """Write `data` to `path` so that it holds either its old content or all of `data`
    (mode 0600), after `checked_target`."""
    target = checked_target(path, database=database, force=force)
    temp = write_temp(target, data)
    try:
        replace_durably(temp, target, database=database, force=force)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# -------------------------------------------------------------------- private modes


def make_private(path: Path, *, folder: bool = False) -> bool:
    """Take group and others' permissions off `path` (a regular file, or a folder with
    `folder`) when it has any: 0644 becomes 0600, 0755 becomes 0700. True when changed.
    Nothing on Windows, for a missing path, or for a path of another kind."""
    if os.name == "nt":
        return False
    try:
        info = os.stat(path)
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if folder else stat.S_ISREG(info.st_mode)
    current = stat.S_IMODE(info.st_mode)
    if not kind_ok or not current & 0o077:
        return False
    wanted = current & ~0o077
    try:
        os.chmod(path, wanted)
    except OSError as exc:
        log.warning("cannot tighten permissions of %s: %s", path, exc.strerror or exc)
        return False
    log.info("tightened permissions of %s from %04o to %04o", path, current, wanted)
    return True


def create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist (a file another part then
    opens for appending, like the log), whatever the umask."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def make_database_private(database: Database) -> None:
    """Tighten a SQLite database file and its -wal, -shm and -journal files (SQLite gives
    the files it creates later the database file's mode)."""
    for path in database_files(database):
        make_private(path)
