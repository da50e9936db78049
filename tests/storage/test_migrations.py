"""The schema comes from migrations, matches the models, and upgrades back up first."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from isoface_desk.errors import StorageError
from isoface_desk.storage import migrate
from isoface_desk.storage.db import make_engine
from isoface_desk.storage.models import APPEND_ONLY_TABLES, Base

EXTRA_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("test_extra", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("test_extra")
"""


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_append_only_triggers_exist(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            names = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            expected = {f"trg_{t}_no_{v}" for t in APPEND_ONLY_TABLES for v in ("update", "delete")}
        else:
            names = set(conn.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
            expected = {
                f"trg_{t}_{kind}"
                for t in APPEND_ONLY_TABLES
                for kind in ("append_only", "no_truncate")
            }
    assert expected <= names


def test_upgrade_is_idempotent(db_url: str) -> None:
    first = migrate.upgrade(db_url)
    again = migrate.upgrade(db_url)
    assert (first.before, first.after) == (None, migrate.head_revision())
    assert (again.before, again.after, again.backup) == (first.after, first.after, None)


def test_existing_sqlite_file_is_backed_up_before_migrating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "clinic.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO clinic (name, address, phone, jurisdiction_profile, paper_size, "
            "lab_schedule_profile, settings, updated_at) "
            "VALUES ('Clinique Zoë', '', '', 'eu', 'A4', 'smpc', '{}', '2024-01-01 00:00:00')"
        )
    newer = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, newer, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    (newer / "versions" / "9999_extra.py").write_text(EXTRA_REVISION.format(head=head))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", newer)

    result = migrate.upgrade(url)

    assert (result.before, result.after) == (head, "9999")
    assert result.backup == tmp_path / f"clinic.sqlite3.bak-{head}"
    with sqlite3.connect(result.backup) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
        assert backup.execute("SELECT name FROM clinic").fetchone() == ("Clinique Zoë",)
    assert "test_extra" in inspect(make_engine(url)).get_table_names()


def test_database_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    migrate.upgrade(url)
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'abcdef'")
    with pytest.raises(StorageError, match="newer version"):
        migrate.upgrade(url)
    engine = make_engine(url)
    with pytest.raises(StorageError, match="newer version"):
        migrate.ensure_schema(engine)
    engine.dispose()


def test_ensure_schema_asks_for_an_upgrade_on_an_empty_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with pytest.raises(StorageError, match="db upgrade"):
        migrate.ensure_schema(engine)
    engine.dispose()
