"""Encryption at rest (SQLCipher via sqlcipher3): an encrypted database works like a plain
one (migrations, records, the audit chain, verify), cannot be opened without its
passphrase (the sqlite3 tool says "file is not a database"), holds no readable patient
name, and its backups stay encrypted and restore into an encrypted location."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine

from isoface_desk.errors import StorageError
from isoface_desk.storage import sqlcipher
from isoface_desk.storage.backup import backup_sqlite, restore_sqlite
from isoface_desk.storage.db import make_engine
from isoface_desk.storage.integrity import verify_database
from isoface_desk.storage.migrate import upgrade
from tests.storage.conftest import seed_people, sign

pytest.importorskip("sqlcipher3", reason="sqlcipher3 is not installed (extra 'encryption')")

PASSPHRASE = "correct horse 'battery' \"staple\""  # quotes must survive PRAGMA key
NAME = "Ångström".encode()


def _fill(url: str) -> Engine:
    upgrade(url)
    engine = make_engine(url)
    user_id, (patient_id,) = seed_people(engine)
    for _ in range(3):
        sign(engine, patient_id, user_id)
    return engine


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "secret.sqlite3"
    engine = _fill(sqlcipher.encrypted_url(path, PASSPHRASE))
    assert verify_database(engine).ok
    engine.dispose()
    return path


def test_an_encrypted_database_works_and_verifies(encrypted: Path) -> None:
    engine = make_engine(sqlcipher.encrypted_url(encrypted, PASSPHRASE))
    try:
        report = verify_database(engine)
    finally:
        engine.dispose()
    assert report.ok and report.records == 3


def test_without_the_passphrase_it_is_not_a_database(encrypted: Path) -> None:
    refused = pytest.raises(sqlite3.DatabaseError, match="file is not a database")
    with sqlite3.connect(encrypted) as conn, refused:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    tool = shutil.which("sqlite3")
    if tool is None:
        pytest.skip("the sqlite3 command-line tool is not installed")
    done = subprocess.run([tool, str(encrypted), "SELECT count(*) FROM sqlite_master;"],
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert done.returncode != 0 and "file is not a database" in done.stderr


def test_no_patient_name_is_readable_in_the_file(encrypted: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.sqlite3"
    _fill(f"sqlite:///{plain}").dispose()
    assert NAME in plain.read_bytes()  # the check can fail: a plain file shows the name
    assert NAME not in encrypted.read_bytes()
    assert not encrypted.read_bytes().startswith(b"SQLite format 3")


def test_a_wrong_or_missing_passphrase_is_a_plain_error(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(sqlcipher.encrypted_url(encrypted, "not the passphrase"))
    with pytest.raises(StorageError, match="passphrase is wrong"):
        engine.connect()
    engine.dispose()
    monkeypatch.delenv(sqlcipher.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(sqlcipher, "_REMEMBERED", {})
    with pytest.raises(StorageError, match=sqlcipher.PASSPHRASE_ENV):
        make_engine(sqlcipher.encrypted_url(encrypted))
    monkeypatch.setenv(sqlcipher.PASSPHRASE_ENV, PASSPHRASE)
    engine = make_engine(sqlcipher.encrypted_url(encrypted))  # from the environment
    try:
        assert verify_database(engine).ok
        assert sqlcipher.url_of(engine) == sqlcipher.encrypted_url(encrypted)
    finally:
        engine.dispose()


def test_backups_stay_encrypted_and_restore_into_an_encrypted_place(
    encrypted: Path, tmp_path: Path
) -> None:
    url = sqlcipher.encrypted_url(encrypted, PASSPHRASE)
    result = backup_sqlite(url, tmp_path / "backup.sqlite3")
    assert result.encrypted and NAME not in result.path.read_bytes()
    with sqlite3.connect(result.path) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    target = tmp_path / "restored" / "db.sqlite3"
    restore_sqlite(result.path, sqlcipher.encrypted_url(target, PASSPHRASE))
    engine = make_engine(sqlcipher.encrypted_url(target, PASSPHRASE))
    try:
        assert verify_database(engine).records == 3
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match="passphrase is wrong"):
        restore_sqlite(result.path, sqlcipher.encrypted_url(tmp_path / "x.sqlite3",
                                                            "another passphrase!"))  # fmt: skip
    assert not (tmp_path / "x.sqlite3").exists()


def test_a_plain_database_is_encrypted_by_copying_it(tmp_path: Path) -> None:
    plain = tmp_path / "plain.sqlite3"
    _fill(f"sqlite:///{plain}").dispose()
    target = tmp_path / "encrypted.sqlite3"
    sqlcipher.encrypt_copy(plain, target, PASSPHRASE)
    assert NAME not in target.read_bytes()
    engine = make_engine(sqlcipher.encrypted_url(target, PASSPHRASE))
    try:
        report = verify_database(engine)
    finally:
        engine.dispose()
    assert report.ok and report.records == 3
    with pytest.raises(StorageError, match="at least"):
        sqlcipher.encrypt_copy(plain, tmp_path / "weak.sqlite3", "short")
