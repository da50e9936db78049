"""Private files (issue 11, part 5): what the app and the CLI write holds patient data, so
only the user may read it, whatever the umask they were started with (022 here, the
usual default that made everything 0644).

A new database and its -wal and -shm are 0600; a database (and its -wal and -shm) found
0644 is tightened when opened, with one log line per file naming only the path; backups,
exports and their temporary .part files are 0600; the log is 0600 in a 0700 folder; the
user data folder is made 0700 (and tightened when it is wider); the CLI and the app run
under umask 077 and give the previous umask back.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

import isoface_desk.app as app_module
from isoface_desk import config
from isoface_desk.cli import main
from isoface_desk.fileio import write_bytes_atomically, write_temp
from isoface_desk.services.clinic.backup import daily_file_name, prune_daily
from isoface_desk.storage.backup import backup_sqlite
from isoface_desk.storage.db import make_engine, session_scope
from isoface_desk.storage.migrate import upgrade
from tests.logs import own_logging

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions only")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def current_umask() -> int:
    value = os.umask(0)
    os.umask(value)
    return value


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """Run each test under umask 022 (files 0644, folders 0755 unless made private)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def companions(db: Path) -> tuple[Path, Path]:
    return db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")


def write_something(url: str) -> None:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            session.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        engine.dispose()


def test_a_new_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    db = tmp_path / "new" / "isoface.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    try:
        with session_scope(engine) as session:
            session.execute(text("CREATE TABLE t (x)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
        wal, shm = companions(db)
        assert wal.exists() and shm.exists()  # the engine's connection keeps them
        assert (mode(db), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        assert mode(db.parent) == 0o700  # a folder made for a database is private
    finally:
        engine.dispose()


def test_a_database_found_0644_is_tightened_on_open_with_one_line_per_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "old.sqlite3"
    keeper = sqlite3.connect(db)  # another program keeps the -wal and -shm in place
    try:
        keeper.execute("PRAGMA journal_mode = WAL")
        keeper.execute("CREATE TABLE t (x)")
        keeper.commit()
        wal, shm = companions(db)
        for path in (db, wal, shm):
            os.chmod(path, 0o644)
        caplog.set_level(logging.INFO, logger="isoface.files")
        write_something(f"sqlite:///{db}")
        assert (mode(db), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        lines = [r.getMessage() for r in caplog.records if r.name == "isoface.files"]
        assert lines == [f"tightened permissions of {p} from 0644 to 0600" for p in (db, wal, shm)]
        caplog.clear()
        write_something(f"sqlite:///{db}")  # private now: nothing more to say
        assert not [r for r in caplog.records if r.name == "isoface.files"]
    finally:
        keeper.close()


def test_a_read_only_database_is_not_made_writable(tmp_path: Path) -> None:
    db = tmp_path / "ro.sqlite3"
    write_something(f"sqlite:///{db}")
    os.chmod(db, 0o444)
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        engine.dispose()
    assert mode(db) == 0o400  # only group and others lost their bits


def test_a_backup_and_older_daily_backups_are_private(tmp_path: Path) -> None:
    db = tmp_path / "isoface.sqlite3"
    write_something(f"sqlite:///{db}")
    out = tmp_path / "copy.sqlite3"
    backup_sqlite(f"sqlite:///{db}", out)
    assert mode(out) == 0o600
    folder = tmp_path / "daily"
    folder.mkdir()
    older = folder / daily_file_name(dt.date(2026, 1, 1))
    older.write_bytes(b"an old daily backup, written before backups were private")
    os.chmod(older, 0o644)
    prune_daily(folder, 30)
    assert mode(older) == 0o600


def test_an_export_and_its_temporary_file_are_private(tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    write_bytes_atomically(out, b"record_id\r\n")
    assert mode(out) == 0o600
    temp = write_temp(tmp_path / "next.pdf", b"%PDF-")
    assert temp.name.endswith(".part") and mode(temp) == 0o600
    temp.unlink()


@pytest.fixture(name="own_logging")
def _own_logging() -> Iterator[None]:
    with own_logging():
        yield


def test_the_log_is_private_in_a_private_folder(tmp_path: Path, own_logging: None) -> None:
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o755)
    os.chmod(logs, 0o755)
    (logs / "isoface.log").write_text("a line from an older version\n")
    os.chmod(logs / "isoface.log", 0o644)
    path = app_module.configure_logging(logs)
    logging.getLogger("isoface.test").info("a line")
    assert (mode(path), mode(logs)) == (0o600, 0o700)


def test_a_new_log_is_made_private(tmp_path: Path, own_logging: None) -> None:
    path = app_module.configure_logging(tmp_path / "new-logs")
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)
    assert path.read_text() == ""  # made private, not tightened: nothing to log


def test_the_data_folder_is_made_private_and_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISOFACE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ISOFACE_DB_URL", raising=False)
    assert mode(config.ensure_data_dir()) == 0o700
    os.chmod(tmp_path / "data", 0o755)
    write_something(config.default_db_url())  # the database in it is opened
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "isoface.sqlite3") == 0o600


def test_the_cli_runs_under_umask_077_and_gives_it_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "empty.sqlite3"
    upgrade(f"sqlite:///{source}")  # an Isoface database without records
    backup = tmp_path / "b.sqlite3"
    backup_sqlite(f"sqlite:///{source}", backup)
    target = tmp_path / "restored" / "deeper" / "isoface.sqlite3"
    assert main(["--db", f"sqlite:///{target}", "restore", str(backup)]) == 0, capsys.readouterr()
    assert mode(target.parent.parent) == 0o700  # made by restore under umask 077
    assert mode(target) == 0o600
    assert current_umask() == 0o022


def test_the_app_runs_under_umask_077_and_gives_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    monkeypatch.setattr(
        app_module, "_run_gui", lambda _url, _demo, _country: seen.append(current_umask()) or 0
    )
    assert app_module.run_gui("sqlite:////nowhere/x.sqlite3") == 0
    assert seen == [0o077] and current_umask() == 0o022
