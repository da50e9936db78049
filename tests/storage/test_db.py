"""Engine settings, units of work and plain-language errors."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from isoface_desk.errors import StorageError
from isoface_desk.storage.db import make_engine, read_scope, session_scope
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.repositories.patients import (
    PatientData,
    add_patient,
    get_patient,
    search_patients,
)
from tests.storage.conftest import NAMES


def test_sqlite_pragmas_and_folder_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "db.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    engine.dispose()
    assert path.is_file()


def test_session_scope_commits_and_rolls_back(engine) -> None:  # type: ignore[no-untyped-def]
    data = PatientData("Zoë", "Ångström", dt.date(2001, 2, 3), "female", "N1")
    with session_scope(engine) as s:
        pid = add_patient(s, data).id
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        add_patient(s, PatientData("A", "B", dt.date(2001, 2, 3), "male", "N2"))
        raise RuntimeError("boom")
    with read_scope(engine) as s:
        assert get_patient(s, pid).family_name == "Ångström"
        assert [p.clinic_number for p in search_patients(s)] == ["N1"]


def test_unicode_names_survive_both_backends(engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        ids = [
            add_patient(s, PatientData(g, f, dt.date(1999, 1, 1), "male", f"U{i}")).id
            for i, (g, f) in enumerate(NAMES)
        ]
    with read_scope(engine) as s:
        assert [(get_patient(s, i).given_name, get_patient(s, i).family_name) for i in ids] == NAMES


def test_locked_database_gives_a_plain_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    holder = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    engine = make_engine(url, busy_timeout_ms=50)
    try:
        with pytest.raises(StorageError, match="busy"), session_scope(engine) as s:
            add_patient(s, PatientData("A", "B", dt.date(2001, 2, 3), "male", "N2"))
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()


def test_full_disk_gives_a_plain_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with pytest.raises(StorageError, match=r"disk .* is full"), session_scope(engine) as s:
            pages = s.execute(text("PRAGMA page_count")).scalar()
            s.execute(text(f"PRAGMA max_page_count = {pages}"))
            attrs = {"blob": "x" * 200_000}
            add_patient(
                s, PatientData("A", "B", dt.date(2001, 2, 3), "male", "N", attributes=attrs)
            )
    finally:
        engine.dispose()


def test_unreachable_server_gives_a_plain_message() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    with pytest.raises(StorageError, match="cannot be reached"), read_scope(engine) as s:
        s.execute(text("SELECT 1"))


def test_unsupported_backend_or_bad_address_is_refused() -> None:
    with pytest.raises(StorageError, match="Unsupported"):
        make_engine("mysql://x@localhost/y")
    with pytest.raises(StorageError, match="not a database address"):
        make_engine("clinic.sqlite3")


def test_postgresql_database_without_utf8_is_refused() -> None:
    import uuid

    import sqlalchemy as sa

    from tests.conftest import require_pg

    admin_url = require_pg()
    name = f"isoface_ascii_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' TEMPLATE template0"))
    engine = make_engine(sa.make_url(admin_url).set(database=name).render_as_string(False))
    try:
        with pytest.raises(StorageError, match="UTF-8"), read_scope(engine) as s:
            s.execute(text("SELECT 1"))
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()
