"""`isoface-desk backup` and `restore`: a backup taken while another process keeps writing
is a consistent snapshot that restores into an empty place and verifies; restore never
overwrites; only an administrator backs up (audited); PostgreSQL gets the pg_dump advice;
a backup whose records were altered restores but fails verification."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from isoface_desk.cli import main
from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.integrity import verify_database
from tests.cli.child import run_cli
from tests.pdf_world import PdfWorld, pdf_world
from tests.storage import tamper

ROOT = Path(__file__).resolve().parents[2]

#: A second process appending audit events, one unit of work each, until told to stop:
#: it prints "writing" after its first commit, then its total when the stop file appears.
#: It pauses 2 ms between commits (a busy clinic, not a tight loop that would starve the
#: backup command's own sign-in of the write lock past its busy timeout).
WRITER = """
import sys
import time
from pathlib import Path
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.db import make_engine, session_scope
engine, stop = make_engine(sys.argv[1]), Path(sys.argv[2])
count = 0
while not stop.exists() or count < 50:
    with session_scope(engine) as session:
        append_event(session, "writer", "view", "patient", 1, {"n": count})
    count += 1
    if count == 1:
        print("writing", flush=True)
    time.sleep(0.002)
print(count, flush=True)
"""


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> PdfWorld:
    return pdf_world(tmp_path_factory, "backup-cli")


@pytest.fixture
def as_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOFACE_PASSWORD", DEMO_PASSWORD)


def cli(env: dict[str, str], db_url: str, *args: str, password: str | None = None
        ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return run_cli(db_url, env, *args, password=password)


def events_in(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM audit_event").fetchone()[0])


@pytest.mark.slow
def test_backup_while_another_process_writes_then_restore_and_verify(
    world: PdfWorld, cli_env: dict[str, str], tmp_path: Path
) -> None:
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, world.db_url, str(stop)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env)  # fmt: skip
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        before = events_in(world.path)
        backup = tmp_path / "backup.sqlite3"
        done = cli(cli_env, world.db_url, "backup", "--out", str(backup), "--user", "admin",
                   password=DEMO_PASSWORD)  # fmt: skip
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0].strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"backup written to {backup}")
    in_backup = events_in(backup)
    assert before <= in_backup < events_in(world.path)  # a snapshot taken mid-writing
    assert events_in(world.path) >= before + written
    target = tmp_path / "restored" / "isoface.sqlite3"
    restored = cli(cli_env, f"sqlite:///{target}", "restore", str(backup))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert restored.stdout.splitlines()[-1].endswith("events verified")
    assert events_in(target) == in_backup
    with sqlite3.connect(world.path) as conn:  # the backup itself is in the trail
        actors = conn.execute("SELECT actor, action FROM audit_event WHERE action = 'backup'")
        assert list(actors) == [("admin", "backup")]


def test_restore_never_overwrites(
    world: PdfWorld, as_user: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    backup = tmp_path / "b.sqlite3"
    assert main(["--db", world.db_url, "backup", "--out", str(backup), "--user", "admin"]) == 0
    original = world.path.read_bytes()
    code = main(["--db", world.db_url, "restore", str(backup)])
    assert code == 1 and "already exists" in capsys.readouterr().err
    assert world.path.read_bytes() == original
    wal = tmp_path / "other.sqlite3-wal"
    wal.write_bytes(b"")
    assert main(["--db", f"sqlite:///{tmp_path / 'other.sqlite3'}", "restore", str(backup)]) == 1
    assert not (tmp_path / "other.sqlite3").exists()


@pytest.mark.parametrize("user", ["nurse", "auditor"])  # the demo's derm is also the admin
def test_only_an_administrator_backs_up(
    world: PdfWorld, as_user: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, user: str
) -> None:
    out = tmp_path / "b.sqlite3"
    code = main(["--db", world.db_url, "backup", "--out", str(out), "--user", user])
    assert code == 1 and "does not allow" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".b.sqlite3*"))


def test_postgresql_is_pointed_to_pg_dump(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://clinic@127.0.0.1:1/isoface"
    assert main(["--db", url, "backup", "--out", "x.dump", "--user", "admin"]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert main(["--db", url, "restore", "x.dump"]) == 2
    assert "pg_restore" in capsys.readouterr().err


def test_a_tampered_backup_restores_but_fails_verification(
    world: PdfWorld, as_user: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    backup = tmp_path / "b.sqlite3"
    assert main(["--db", world.db_url, "backup", "--out", str(backup), "--user", "admin"]) == 0
    raw = tamper.raw_engine(f"sqlite:///{backup}")
    with raw.begin() as conn:
        tamper.drop_guards(conn)
        tamper.alter_pdf(conn, world.warned_record)
    raw.dispose()
    capsys.readouterr()
    target = tmp_path / "restored.sqlite3"
    assert main(["--db", f"sqlite:///{target}", "restore", str(backup)]) == 1
    out = capsys.readouterr().out
    assert f"PDF altered: record {world.warned_record}" in out and "1 problem(s)" in out


def test_restore_refuses_a_file_that_is_not_an_isoface_backup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some words " * 20)
    for source, words in ((other, "not an Isoface Desk backup"), (text, "not a database")):
        target = tmp_path / f"r-{source.stem}.sqlite3"
        assert main(["--db", f"sqlite:///{target}", "restore", str(source)]) == 1
        assert words in capsys.readouterr().err
        assert not target.exists()


def test_the_restored_database_opens_and_matches(
    world: PdfWorld, as_user: None, tmp_path: Path
) -> None:
    backup = tmp_path / "b.sqlite3"
    assert main(["--db", world.db_url, "backup", "--out", str(backup), "--user", "admin"]) == 0
    target = tmp_path / "r.sqlite3"
    assert main(["--db", f"sqlite:///{target}", "restore", str(backup)]) == 0
    engine = make_engine(f"sqlite:///{target}")
    try:
        report = verify_database(engine)
        with read_scope(engine) as session:
            newest = recent_events(session, 1)[0]
    finally:
        engine.dispose()
    assert report.ok and report.records == len(world.records)
    assert newest.action == "login"  # the backup event came after the copy was taken


def test_an_encrypted_copy_starts_encryption_at_rest(
    world: PdfWorld, as_user: None, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    pytest.importorskip("sqlcipher3", reason="sqlcipher3 is not installed (extra 'encryption')")
    out = tmp_path / "encrypted.sqlite3"
    args = ["--db", world.db_url, "backup", "--out", str(out), "--encrypt", "--user", "admin"]
    assert main(args) == 2 and "ISOFACE_DB_PASSPHRASE" in capsys.readouterr().err
    monkeypatch.setenv("ISOFACE_DB_PASSPHRASE", "the clinic's long passphrase")
    assert main(args) == 0
    assert capsys.readouterr().out.startswith(f"encrypted backup written to {out}")
    with sqlite3.connect(out) as conn, pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert main(args) == 1 and "exists already" in capsys.readouterr().err
    target = tmp_path / "clinic" / "isoface.sqlite3"
    assert main(["--db", f"sqlite+pysqlcipher:///{target}", "restore", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("events verified")
