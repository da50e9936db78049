"""Opening and upgrading the database: what the app and `isoface-desk db` call."""

from __future__ import annotations

from dataclasses import dataclass

from isoface_desk.storage import migrate
from isoface_desk.storage.db import Engine, make_engine, require_existing
from isoface_desk.storage.migrate import UpgradeResult
from isoface_desk.storage.probe import refuse_foreign

__all__ = ["SchemaStatus", "UpgradeResult", "open_database", "schema_status", "upgrade_database"]


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def upgrade_database(db_url: str) -> UpgradeResult:
    """Create or migrate the schema (an existing SQLite file is backed up first)."""
    return migrate.upgrade(db_url)


def schema_status(db_url: str) -> SchemaStatus:
    """The schema revision of an existing database; StorageError, creating nothing, for a
    missing SQLite file or another program's database."""
    require_existing(db_url)
    refuse_foreign(db_url)
    engine = make_engine(db_url)
    try:
        current = migrate.current_revision(engine)
    finally:
        engine.dispose()
    return SchemaStatus(current=current, head=migrate.head_revision())


def open_database(db_url: str, *, upgrade: bool = True) -> Engine:
    """An engine on a database at the newest schema: upgraded first (with its backup) when
    `upgrade`, else StorageError if it is not up to date."""
    if upgrade:
        migrate.upgrade(db_url)
    engine = make_engine(db_url)
    try:
        migrate.ensure_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
