"""A database made from nothing, all or nothing: what the demo seeder and the audit bench
build, so that a failure (a full disk, Ctrl-C, a bug) never leaves half a database behind.

    with building(url) as temp_url:       # a SQLite file: built beside its place...
        fill(temp_url)                    # ...and moved there whole when the block ends
    with dropped_on_failure(url):         # a server database that had no tables
        fill(url)                         # the tables made are dropped if the block fails

`building` makes the file under a hidden temporary name in the target's folder (created if
missing) and, when the block succeeds, hard-links it to the target name, which fails rather
than overwrite a file that appeared meanwhile. When the block fails, the temporary file,
its -wal/-shm/-journal files and the folders it created are removed. A SIGKILL can leave
only the hidden `.NAME.*.new` file, never a database under the target name.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData, exc
from sqlalchemy.engine import make_url

from isoface_desk.errors import StorageError
from isoface_desk.fileio import fsync_folder
from isoface_desk.storage import space, sqlcipher
from isoface_desk.storage.db import make_engine, sqlite_path, translate_error
from isoface_desk.storage.migrate import alembic_config
from isoface_desk.storage.probe import OURS, existing_tables

log = logging.getLogger("isoface.storage.fresh")

SIDE_FILES = ("-wal", "-shm", "-journal")


@contextmanager
def building(url: str) -> Iterator[str]:
    """The URL of a new, empty SQLite file that becomes the file of `url` (which must not
    exist) when the block succeeds; on failure nothing is left behind."""
    path = sqlite_path(url)
    if path is None:
        raise StorageError("Only a SQLite database file is built this way.")
    path = path.absolute()
    made = _make_folders(path.parent)
    temp: Path | None = None
    done = False
    try:
        temp = _temp_file(path)
        yield _temp_url(url, path, temp)
        _require_settled(temp)
        _move_into_place(temp, path)
        done = True
    except OSError as err:
        raise _os_error(path.parent, err) from err
    finally:
        if not done:
            _remove_database(temp)
            _remove_folders(made)


@contextmanager
def dropped_on_failure(url: str) -> Iterator[None]:
    """For a server database that had no tables: if the block fails, drop the tables it
    created (so the database is empty again), then let the error through."""
    try:
        yield
    except BaseException:
        try:
            drop_our_tables(url)
        except Exception:  # the original error is what the person needs to see
            log.warning("the tables of a failed build could not be dropped", exc_info=True)
        raise


def drop_our_tables(url: str) -> None:
    """Undo the schema in the database at `url`: the migrations' own downgrade (which also
    drops the append-only triggers and their function), then any Isoface Desk table left
    (Alembic keeps an empty alembic_version). Nothing else is touched."""
    tables = existing_tables(url) or frozenset()
    if not tables & OURS:
        return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        metadata = MetaData()
        metadata.reflect(engine, only=sorted((existing_tables(url) or frozenset()) & OURS))
        metadata.drop_all(engine)
    except exc.DBAPIError as err:
        raise translate_error(err) from err
    finally:
        engine.dispose()


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones created, deepest first."""
    missing: list[Path] = []
    here = folder
    while not here.exists() and here.parent != here:
        missing.append(here)
        here = here.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        _remove_folders(missing)
        raise _os_error(folder, err) from err
    return missing


def _temp_file(path: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)  # an empty file is an empty database; mkstemp made it private (0600)
    return Path(name)


def _temp_url(url: str, path: Path, temp: Path) -> str:
    """`url` with the temporary file as its database (an encrypted one keyed the same)."""
    if sqlcipher.is_encrypted_url(url):
        passphrase = sqlcipher.passphrase_of(url)
        sqlcipher.check_passphrase(passphrase)  # a new database: its passphrase is chosen
        sqlcipher.remember_passphrase(temp, passphrase)
        sqlcipher.remember_passphrase(path, passphrase)
    return make_url(url).set(database=str(temp)).render_as_string(hide_password=False)


def _require_settled(temp: Path) -> None:
    """Every connection is closed and the -wal file folded in: the file stands alone."""
    wal = temp.with_name(temp.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StorageError("The new database was still in use when it was finished.")
    for suffix in SIDE_FILES:
        temp.with_name(temp.name + suffix).unlink(missing_ok=True)


def _move_into_place(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)  # fails rather than overwrite
    except FileExistsError:
        raise StorageError(f"{path} appeared meanwhile: nothing was overwritten.") from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise StorageError(f"{path} appeared meanwhile: nothing was overwritten.") from None
        os.replace(temp, path)
    else:
        temp.unlink()
    fsync_folder(path.parent)


def _remove_database(temp: Path | None) -> None:
    if temp is None:
        return
    for suffix in ("", *SIDE_FILES):
        try:
            temp.with_name(temp.name + suffix).unlink(missing_ok=True)
        except OSError:
            log.warning("a temporary database file could not be removed", exc_info=True)


def _remove_folders(made: list[Path]) -> None:
    for folder in made:  # deepest first; only if still empty
        try:
            folder.rmdir()
        except OSError:
            return


def _os_error(folder: Path, err: OSError) -> StorageError:
    if space.is_full_os_error(err):
        return space.no_space_error(folder)
    return StorageError(f"Cannot write in {folder}: {err.strerror or err}.")
