"""Schema migrations with Alembic, run from code (no alembic.ini at runtime).

`upgrade(url)` brings any database to the newest schema. Before it changes an existing
SQLite file it writes a backup beside it, `<file>.bak-<revision>`, through SQLite's online
backup API (a plain file copy would miss pages still in the WAL). A database written by a
newer version of the app is refused rather than guessed at.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, exc

from isoface_desk.errors import StorageError
from isoface_desk.storage.backup import backup_sqlite
from isoface_desk.storage.db import make_engine, sqlite_path, translate_error
from isoface_desk.storage.probe import refuse_foreign

log = logging.getLogger("isoface.storage.migrate")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None for an empty database."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except exc.DBAPIError as err:
        raise translate_error(err) from err


def upgrade(url: str, revision: str = "head") -> UpgradeResult:
    """Migrate the database at `url` to `revision`, backing up an existing SQLite file
    (refused, untouched, when it is another program's database: probe.refuse_foreign)."""
    refuse_foreign(url)
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        _refuse_unknown(before)
        target = head_revision() if revision == "head" else revision
        backup = None
        if before != target:
            backup = _backup_sqlite(url, before)
            _run_upgrade(engine, target)
            log.info("database migrated from %s to %s", before, target)
        return UpgradeResult(before=before, after=target, backup=backup)
    finally:
        engine.dispose()


def ensure_schema(engine: Engine) -> None:
    """Raise StorageError unless the database is at the newest schema (for app start)."""
    current = current_revision(engine)
    _refuse_unknown(current)
    if current != head_revision():
        raise StorageError(
            "The database needs to be upgraded to this version of the app: run "
            "`isoface-desk db upgrade` (a backup is made first)."
        )


def _refuse_unknown(revision: str | None) -> None:
    if revision is None:
        return
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if revision not in known:
        raise StorageError(
            f"The database was written by a newer version of Isoface Desk (schema "
            f"{revision}). Install that version to open it."
        )


def _run_upgrade(engine: Engine, target: str) -> None:
    config = alembic_config()
    try:
        with engine.execution_options(isoface_write=True).begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
    except exc.DBAPIError as err:
        raise translate_error(err) from err


def _backup_sqlite(url: str, revision: str | None) -> Path | None:
    path = sqlite_path(url)
    if path is None or revision is None or not path.is_file():
        return None  # nothing worth keeping yet
    backup = path.with_name(f"{path.name}.bak-{revision}")
    try:
        backup_sqlite(url, backup)  # the online backup API; keyed for an encrypted file
    except StorageError as err:
        raise StorageError(
            f"The backup before the upgrade could not be written ({err}); the database "
            "was not changed."
        ) from err
    log.info("backup written before migration: %s", backup.name)
    return backup
