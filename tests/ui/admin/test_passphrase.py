"""The passphrase of an encrypted database at start: chosen twice for a new database (the
administrator sets it at setup), asked once for an existing one, never guessed; a wrong
one keeps the database closed with a plain message."""

from __future__ import annotations

from pathlib import Path

import pytest

from isoface_desk.errors import StorageError
from isoface_desk.services.bundle import open_services
from isoface_desk.storage import sqlcipher
from isoface_desk.ui.admin.passphrase import unlock_database

pytest.importorskip("sqlcipher3", reason="sqlcipher3 is not installed (extra 'encryption')")
PASSPHRASE = "a long clinic passphrase"


@pytest.fixture(autouse=True)
def _forget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlcipher, "_REMEMBERED", {})
    monkeypatch.delenv(sqlcipher.PASSPHRASE_ENV, raising=False)


def answers(*given: str | None):  # type: ignore[no-untyped-def]
    queue = list(given)
    prompts: list[str] = []

    def ask(_parent: object, prompt: str) -> str | None:
        prompts.append(prompt)
        return queue.pop(0)

    return ask, prompts


def test_a_new_encrypted_database_gets_its_passphrase_twice(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    url = sqlcipher.encrypted_url(path)
    ask, prompts = answers(PASSPHRASE, PASSPHRASE)
    unlock_database(url, None, ask)
    assert len(prompts) == 2 and "Choose the passphrase" in prompts[0]
    open_services(url).close()
    assert path.exists() and not path.read_bytes().startswith(b"SQLite format 3")
    ask, prompts = answers()
    unlock_database(url, None, ask)  # known in this process: not asked again
    assert prompts == []


def test_mismatch_short_or_no_passphrase_creates_nothing(tmp_path: Path) -> None:
    url = sqlcipher.encrypted_url(tmp_path / "clinic.sqlite3")
    for given, words in (((PASSPHRASE, "something else"), "differ"), (("short", "short"),
                         "at least"), ((None,), "No passphrase")):  # fmt: skip
        with pytest.raises(StorageError, match=words):
            unlock_database(url, None, answers(*given)[0])
    assert not (tmp_path / "clinic.sqlite3").exists()


def test_an_existing_database_asks_once_and_refuses_a_wrong_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "clinic.sqlite3"
    open_services(sqlcipher.encrypted_url(path, PASSPHRASE)).close()
    monkeypatch.setattr(sqlcipher, "_REMEMBERED", {})
    url = sqlcipher.encrypted_url(path)
    ask, prompts = answers("wrong passphrase!")
    unlock_database(url, None, ask)
    assert prompts == ["This database is encrypted. Its passphrase:"]
    with pytest.raises(StorageError, match="passphrase is wrong"):
        open_services(url)
    monkeypatch.setattr(sqlcipher, "_REMEMBERED", {})
    unlock_database(url, None, answers(PASSPHRASE)[0])
    open_services(url).close()
