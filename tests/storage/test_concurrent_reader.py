"""Another process reading the database while the app adds patients (issue 10).

The app's writer is a real child process (WRITER below: the real engine, session_scope and
repositories on a file made by the migrations); readers are the sqlite3 command-line tool
or `python -c`. Each test adds patients, lets the reader do its thing, closes the writer
cleanly and counts the patients in a fresh process ("after a restart"): every patient
whose commit returned must be there.

The reproduction is `test_lock_blind_reader_deleting_the_wal_loses_no_patient`: a reader
that cannot see the app's locks (simulated with `vfs=unix-none` and exclusive locking; in
clinics a sandboxed database viewer or another computer on a network folder) checkpoints
and deletes the -wal file when it closes. Before storage/wal_guard.py the app went on
committing into the deleted file, the next reader got "disk I/O error", and the patients
were gone after the app closed while that reader was open. The other tests are the
hypotheses that did not lose data, kept as regression tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import exc

from isoface_desk.errors import StorageError
from isoface_desk.storage import db
from isoface_desk.storage.migrate import upgrade
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 tool"),
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX file locks and unix-none VFS"),
]

TIMEOUT_S = 30
WRITER = """
import datetime as dt, sys, uuid
from sqlalchemy import func, select
from isoface_desk.storage.db import make_engine, read_scope, session_scope
from isoface_desk.storage.models import PatientRow
from isoface_desk.storage.repositories.patients import PatientData, add_patient
engine = make_engine(sys.argv[1], busy_timeout_ms=300)
for line in sys.stdin:
    try:
        if line.strip() == "add":
            with session_scope(engine) as s:
                patient = add_patient(s, PatientData(
                    given_name="Zoë", family_name="Ångström", birth_date=dt.date(2000, 1, 1),
                    sex_at_birth="female", clinic_number=uuid.uuid4().hex[:10],
                    can_get_pregnant=True))
            print("added", patient.id, flush=True)
        elif line.strip() == "checkpoint":
            with engine.connect() as conn:
                row = conn.connection.driver_connection.execute(
                    "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            print("checkpoint", *row, flush=True)
    except Exception as err:
        print("error", type(err).__name__, str(err).replace("\\n", " "), flush=True)
engine.dispose()
"""


_CHILDREN: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_child_left() -> Iterator[None]:
    yield
    while _CHILDREN:
        child = _CHILDREN.pop()
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=TIMEOUT_S)


class Writer:
    """The app's writer in a child process, driven line by line."""

    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, url], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        _CHILDREN.append(self.proc)
        self.added: list[int] = []

    def ask(self, command: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer, self.proc.stderr.read() if self.proc.stderr else ""
        return answer

    def add(self) -> None:
        answer = self.ask("add")
        assert answer.startswith("added "), answer
        self.added.append(int(answer.split()[1]))

    def close(self) -> str:
        """Close the writer cleanly (its engine disposed); its stderr."""
        _, err = self.proc.communicate(timeout=TIMEOUT_S)
        assert self.proc.returncode == 0, err
        assert "Traceback" not in err, err
        return err


class Shell:
    """A sqlite3 command-line session kept open (a person looking at the database)."""

    def __init__(self, target: str, *setup: str) -> None:
        self.proc = subprocess.Popen(
            ["sqlite3", "-batch", *setup, target], text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _CHILDREN.append(self.proc)

    def ask(self, sql: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(sql + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        self.proc.communicate(timeout=TIMEOUT_S)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "clinic.sqlite3"
    upgrade(f"sqlite:///{path}")
    yield path


def _stored_ids(path: Path) -> set[int]:
    """The patients a fresh process finds (through SQLite's own recovery)."""
    out = subprocess.run(["sqlite3", str(path), "SELECT id FROM patient"],
                         capture_output=True, text=True, timeout=TIMEOUT_S, check=True)  # fmt: skip
    return {int(line) for line in out.stdout.split()}


def _sqlite(target: str, sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sqlite3", "-batch", target, sql],
                          capture_output=True, text=True, timeout=TIMEOUT_S)  # fmt: skip


def test_lock_blind_reader_deleting_the_wal_loses_no_patient(database: Path) -> None:
    writer = Writer(f"sqlite:///{database}")
    writer.add()
    blind = _sqlite(f"file:{database}?vfs=unix-none",
                    "PRAGMA locking_mode=EXCLUSIVE; SELECT count(*) FROM patient;")  # fmt: skip
    assert blind.stdout.split() == ["exclusive", "1"], blind.stderr
    assert not Path(f"{database}-wal").exists()  # it deleted the app's open -wal file
    writer.add()
    viewer = Shell(str(database))
    try:
        assert viewer.ask("SELECT count(*) FROM patient;") == "2"  # was: disk I/O error
        writer.add()
        assert viewer.ask("SELECT count(*) FROM patient;") == "3"
        assert "-wal file was removed" in writer.close()  # closed while the viewer is open
    finally:
        viewer.close()
    assert set(writer.added) <= _stored_ids(database)


def test_wal_files_deleted_by_another_program_lose_no_patient(database: Path) -> None:
    writer = Writer(f"sqlite:///{database}")
    writer.add()
    viewer = Shell(str(database))
    try:
        viewer.ask("SELECT count(*) FROM patient;")
        for suffix in ("-wal", "-shm"):  # a "clean-up" or sync tool
            Path(f"{database}{suffix}").unlink()
        writer.add()
        writer.add()  # (the viewer now reads its own deleted files: its view is stale)
        writer.close()
    finally:
        viewer.close()
    assert set(writer.added) <= _stored_ids(database)


def test_open_read_transaction_and_truncate_checkpoint(database: Path) -> None:
    writer = Writer(f"sqlite:///{database}")
    writer.add()
    reader = Shell(str(database))
    try:
        assert reader.ask("BEGIN; SELECT count(*) FROM patient;") == "1"
        writer.add()
        writer.add()
        busy = writer.ask("checkpoint").split()[1]
        assert busy == "1"  # the reader's snapshot stops it; nothing fails, nothing is lost
        assert reader.ask("SELECT count(*) FROM patient;") == "1"  # its snapshot
        assert reader.ask("COMMIT; SELECT count(*) FROM patient;") == "3"
    finally:
        reader.close()
    writer.close()
    assert set(writer.added) <= _stored_ids(database)


@pytest.mark.parametrize(
    "pragma", ["journal_mode=DELETE", "journal_mode=TRUNCATE", "locking_mode=EXCLUSIVE"]
)
def test_reader_cannot_switch_the_journal_under_the_app(database: Path, pragma: str) -> None:
    writer = Writer(f"sqlite:///{database}")
    writer.add()
    switched = _sqlite(str(database), f"PRAGMA {pragma}; BEGIN EXCLUSIVE; COMMIT;")
    assert "database is locked" in switched.stdout + switched.stderr
    writer.add()
    writer.close()
    assert set(writer.added) <= _stored_ids(database)
    assert _sqlite(str(database), "PRAGMA journal_mode;").stdout.strip() == "wal"


@pytest.mark.parametrize("query", ["mode=ro", "immutable=1", "mode=ro&immutable=1"])
@pytest.mark.parametrize("reader_first", [True, False], ids=["reader-first", "app-first"])
def test_read_only_and_immutable_readers(database: Path, query: str, reader_first: bool) -> None:
    reader = Shell(f"file:{database}?{query}") if reader_first else None
    if reader is not None:
        assert reader.ask("BEGIN; SELECT count(*) FROM patient;") == "0"
    writer = Writer(f"sqlite:///{database}")
    writer.add()
    if reader is None:
        reader = Shell(f"file:{database}?{query}")
        reader.ask("BEGIN; SELECT count(*) FROM patient;")
    try:
        writer.add()
        assert writer.ask("checkpoint").startswith("checkpoint ")
        writer.add()
        assert reader.ask("COMMIT; SELECT count(*) >= 0 FROM patient;") == "1"
    finally:
        reader.close()
    writer.close()
    assert set(writer.added) <= _stored_ids(database)


def test_backup_in_another_process_while_adding(database: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{database}"
    writer = Writer(url)
    writer.add()
    backup = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from isoface_desk.storage.backup import backup_sqlite; "
         "backup_sqlite(sys.argv[1], Path(sys.argv[2]))", url, str(tmp_path / "copy.sqlite3")],
        cwd=ROOT,
    )  # fmt: skip
    for _ in range(5):
        writer.add()
    assert backup.wait(TIMEOUT_S) == 0
    writer.close()
    assert set(writer.added) <= _stored_ids(database)
    assert _stored_ids(tmp_path / "copy.sqlite3") <= set(writer.added)


def test_disk_io_error_is_a_plain_message() -> None:
    import sqlite3

    err = exc.OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error"))
    translated = db.translate_error(err)
    assert isinstance(translated, StorageError)
    assert "disk I/O error" in str(translated) and "Close those programs" in str(translated)


def test_a_commit_at_risk_is_not_told_as_nothing_saved() -> None:
    from isoface_desk.errors import CommitAtRiskError
    from isoface_desk.ui.messages import message_for

    message = message_for(CommitAtRiskError("The change was saved, but …"))
    assert message.title == "Your last change may not have been kept"
    assert "Nothing was saved" not in message.text and "check the change" in message.text
