"""Encryption at rest, for the app's start: does this database need a passphrase, and
remember the one the person typed (in memory, for this process only).

    if needs_passphrase(db_url):
        remember_passphrase(db_url, typed)   # then open_services(db_url) as usual

See storage/sqlcipher.py for how an encrypted database is opened.
"""

from __future__ import annotations

from pathlib import Path

from isoface_desk.storage import sqlcipher
from isoface_desk.storage.db import sqlite_path

__all__ = ["MIN_PASSPHRASE", "is_new", "needs_passphrase", "remember_passphrase"]

MIN_PASSPHRASE = sqlcipher.MIN_PASSPHRASE


def needs_passphrase(db_url: str) -> bool:
    """True for an encrypted database whose passphrase is not known yet (not in the URL,
    not given earlier in this process, not in $ISOFACE_DB_PASSPHRASE)."""
    if not sqlcipher.is_encrypted_url(db_url):
        return False
    try:
        sqlcipher.passphrase_of(db_url)
    except Exception:  # StorageError: nobody gave it yet
        return True
    return False


def is_new(db_url: str) -> bool:
    """True when the database file does not exist yet (the passphrase is being chosen)."""
    path = sqlite_path(db_url)
    return path is not None and not path.exists()


def remember_passphrase(db_url: str, passphrase: str) -> None:
    """Use `passphrase` for this database from now on in this process (a new database
    needs at least MIN_PASSPHRASE characters)."""
    path = sqlite_path(db_url)
    assert path is not None, "only a SQLite file is encrypted"
    if is_new(db_url):
        sqlcipher.check_passphrase(passphrase)
    sqlcipher.remember_passphrase(Path(path), passphrase)
