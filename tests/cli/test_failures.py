"""Every failure the CLI attack found is a plain message and exit 1 or 2 (issue 11, part 7):
huge ids, out-of-range dates, passwords that are not text, an encrypted file opened with
the plain URL (and the reverse), the passphrase policy wherever a passphrase is chosen, no
third-party traceback or log line on stderr for a tampered PDF, and `db current` / `db
upgrade` that create nothing and never write into another program's database.

Real child processes where stderr is the point; main() in the process for usage errors.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from isoface_desk.cli import main
from isoface_desk.devtools.demo import seed_demo
from isoface_desk.errors import InputError, StorageError
from isoface_desk.services.access import passwords
from isoface_desk.services.clinic import encryption
from isoface_desk.storage import sqlcipher
from isoface_desk.storage.migrate import upgrade
from tests.cli.child import run_cli
from tests.conftest import ROOT

PASSPHRASE = "a passphrase long enough"
DEMO = passwords.DEMO_PASSWORD


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small demo clinic with signed records and lab orders (shared: tests only read)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    seed_demo(url, 4, full_workflow=4)
    return url


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What argparse said on stderr; fails unless it exited 2."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    return capsys.readouterr().err


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr, done.stderr


# ------------------------------------------------------------------ huge ids


@pytest.mark.parametrize(
    "argv",
    [
        ["export-pdf", "--record", "{n}", "--out", "{out}", "--user", "derm"],
        ["audit", "trail", "{n}", "--user", "auditor"],
    ],
)
def test_an_id_beyond_what_a_database_stores_is_a_usage_error(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in ("99999999999999999999999", str(2**63), "0", "-1"):
        filled = [a.format(n=n, out=tmp_path / "r.pdf") for a in argv]
        said = usage_error(["--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", *filled], capsys)
        assert "a record id must be from 1 to 9,223,372,036,854,775,807" in said
    assert not list(tmp_path.iterdir())


def test_the_largest_id_is_looked_up_and_simply_not_found(demo_db: str, tmp_path: Path) -> None:
    env = {**os.environ, "ISOFACE_PASSWORD": DEMO}
    out = tmp_path / "r.pdf"
    done = run_cli(demo_db, env, "export-pdf", "--record", str(2**63 - 1), "--out", str(out),
                   "--user", "derm")  # fmt: skip
    assert done.returncode == 1, done.stderr
    no_traceback(done)
    assert done.stderr.startswith("isoface-desk: ") and not out.exists()


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2200-01-01", "1899-12-31"])
@pytest.mark.parametrize("command", [["orders", "due"], ["orders", "print", "--out", "o.pdf"]])
def test_a_date_out_of_range_is_a_usage_error(
    command: list[str], day: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    said = usage_error(["--db", url, *command, "--on", day, "--user", "nurse"], capsys)
    assert f"{day} is out of range: give a date from 1900-01-01 to 2199-12-31" in said


@pytest.mark.parametrize("day", ["2199-12-31", "1900-01-01"])
def test_the_last_and_first_dates_work(demo_db: str, day: str, tmp_path: Path) -> None:
    env = {**os.environ, "ISOFACE_PASSWORD": DEMO}
    due = run_cli(demo_db, env, "orders", "due", "--on", day, "--user", "nurse")
    assert due.returncode == 0, due.stderr
    out = tmp_path / "orders.pdf"
    printed = run_cli(demo_db, env, "orders", "print", "--on", day, "--within", "30",
                      "--out", str(out), "--user", "nurse")  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    no_traceback(printed)


# ------------------------------------------------------------------ passwords


@pytest.mark.parametrize("decoding", ["utf-8:strict", "utf-8:surrogateescape"])
def test_a_password_line_that_is_not_text_is_refused_plainly(
    demo_db: str, decoding: str, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONIOENCODING": decoding}
    out = str(tmp_path / "x.pdf")
    for command in (["export-pdf", "--latest", "--out", out], ["user", "passwd"]):
        done = subprocess.run(
            [sys.executable, "-m", "isoface_desk", "--db", demo_db, *command, "--user", "derm"],
            input=b"ab\xffcd-password\n", capture_output=True, env=env, timeout=120, cwd=ROOT,
        )  # fmt: skip
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 1, err
        assert "holds bytes that are not UTF-8 text" in err and "Traceback" not in err


def test_a_password_variable_that_is_not_text_is_refused_plainly(
    demo_db: str, tmp_path: Path
) -> None:
    for variable, command in (
        ("ISOFACE_PASSWORD", ["export-pdf", "--latest", "--out", str(tmp_path / "x.pdf")]),
        ("ISOFACE_NEW_PASSWORD", ["user", "passwd"]),
    ):
        env = {**os.environ, "ISOFACE_PASSWORD": DEMO, variable: "ab\udcffcd-password"}
        done = run_cli(demo_db, env, *command, "--user", "derm")
        assert done.returncode == 1, done.stderr
        no_traceback(done)
        assert "not UTF-8 text" in done.stderr


def test_the_password_functions_refuse_text_they_cannot_store() -> None:
    broken = "ab\udcffcd-password"
    assert passwords.policy_problems(broken, "derm") == [passwords.UNREADABLE]
    stored = passwords.hash_password("a-fine-password")
    with pytest.raises(InputError, match="not UTF-8 text"):
        passwords.hash_password(broken)
    with pytest.raises(InputError, match="not UTF-8 text"):
        passwords.verify_password(stored, broken)


# ------------------------------------------------------------------ encryption


needs_sqlcipher = pytest.mark.skipif(
    not sqlcipher.available(), reason="sqlcipher3 is not installed (pip install .[encryption])"
)


@needs_sqlcipher
def test_an_encrypted_file_opened_as_plain_sqlite_says_how_to_open_it(tmp_path: Path) -> None:
    path = tmp_path / "secret.sqlite3"
    upgrade(sqlcipher.encrypted_url(path, PASSPHRASE))
    before = path.read_bytes()
    for command in (["db", "current"], ["db", "upgrade"], ["verify"], ["seed-demo"],
                    ["verify-pdf", str(path)]):  # fmt: skip
        done = run_cli(f"sqlite:///{path}", dict(os.environ), *command)
        assert done.returncode == 1, (command, done.stderr)
        assert f"This file is encrypted: open it as sqlite+pysqlcipher:///{path}" in done.stderr
        assert "damaged" not in done.stderr
    assert path.read_bytes() == before


@needs_sqlcipher
def test_a_plain_file_opened_as_encrypted_says_how_to_open_it(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite3"
    upgrade(f"sqlite:///{path}")
    env = {**os.environ, sqlcipher.PASSPHRASE_ENV: PASSPHRASE}
    done = run_cli(sqlcipher.encrypted_url(path), env, "db", "current")
    assert done.returncode == 1
    assert f"This file is not encrypted: open it as sqlite:///{path}." in done.stderr


@needs_sqlcipher
def test_a_short_passphrase_is_refused_wherever_one_is_chosen(demo_db: str, tmp_path: Path) -> None:
    env = {**os.environ, sqlcipher.PASSPHRASE_ENV: "five5", "ISOFACE_PASSWORD": DEMO}
    new = tmp_path / "new" / "db.sqlite3"
    for command in (["db", "upgrade"], ["seed-demo"], ["audit", "bench", "--records", "5"]):
        done = run_cli(sqlcipher.encrypted_url(new), env, *command)
        assert done.returncode == 1, (command, done.stderr)
        assert "passphrase must have at least 12 characters" in done.stderr, command
    copy = run_cli(demo_db, env, "backup", "--encrypt", "--out", str(tmp_path / "c.sqlite3"),
                   "--user", "admin")  # fmt: skip
    assert copy.returncode == 1 and "at least 12 characters" in copy.stderr
    assert not new.exists() and not (tmp_path / "c.sqlite3").exists()
    with pytest.raises(StorageError, match="at least 12"):
        encryption.remember_passphrase(sqlcipher.encrypted_url(new), "five5")
    encryption.remember_passphrase(sqlcipher.encrypted_url(new), PASSPHRASE)  # long enough


# ------------------------------------------------------------------ tampered PDFs


def test_a_tampered_pdf_gives_only_our_verdict_on_stderr(demo_db: str, tmp_path: Path) -> None:
    with sqlite3.connect(demo_db.removeprefix("sqlite:///")) as conn:
        pdf = bytes(conn.execute("SELECT pdf FROM signed_record_pdf LIMIT 1").fetchone()[0])
    assert b"/ETSI.CAdES.detached" in pdf
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(pdf.replace(b"/ETSI.CAdES.detached", b"/ETSt.CAdES.detached", 1))
    done = run_cli(demo_db, dict(os.environ), "verify-pdf", str(tampered))
    assert done.returncode == 1
    assert done.stdout.startswith("file: FAILED") and "signature invalid" in done.stdout
    assert done.stderr == ""  # pyHanko logged a warning with a traceback here (issue 11)


# ------------------------------------------------------------------ db current / upgrade


def test_db_current_on_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "not" / "there" / "db.sqlite3"
    done = run_cli(f"sqlite:///{path}", dict(os.environ), "db", "current")
    assert done.returncode == 1
    assert done.stderr == f"isoface-desk: There is no database file at {path}.\n"
    assert not (tmp_path / "not").exists()


def test_another_programs_sqlite_file_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "photos.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE album (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO album (name) VALUES ('summer')")
    conn.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for command in (["db", "upgrade"], ["db", "current"], ["seed-demo", "--patients", "0"]):
        done = run_cli(f"sqlite:///{path}", dict(os.environ), *command)
        assert done.returncode == 1, (command, done.stdout)
        assert "is another program's database" in done.stderr, command
        assert "album" in done.stderr or command[0] == "seed-demo"
        no_traceback(done)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photos.db"]


def test_seed_demo_patients_has_an_upper_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    for n in ("99999999999999999999", "100001", "-1"):
        said = usage_error(["--db", url, "seed-demo", "--patients", n], capsys)
        assert "a number of patients must be from 0 to 100,000" in said
    with pytest.raises(InputError, match="0 to 100,000"):
        seed_demo(url, 100_001)
    assert not list(tmp_path.iterdir())
