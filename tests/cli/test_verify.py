"""`isoface-desk verify` in a real child process: exit 0 on a clean database, exit 1 naming
each tampered item by kind and id, on SQLite and PostgreSQL; no login, no patient data."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from isoface_desk.services.audit.integrity import NO_CHECKPOINT
from isoface_desk.storage.audit import chain_head
from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.migrate import upgrade
from tests.cli.child import run_cli
from tests.storage.conftest import NAMES
from tests.storage.scenario import build_clean, tamper_everything


def verify(db_url: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(db_url, env, "verify", *args)


def assert_no_patient_data(output: str) -> None:
    for given, family in NAMES:
        assert given not in output and family not in output
    assert "2000-01-01" not in output


def test_verify_names_each_tampered_item(db_url: str, cli_env: dict[str, str]) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    records = build_clean(engine)
    engine.dispose()

    clean = verify(db_url, cli_env)
    assert (clean.returncode, clean.stdout, clean.stderr) == (
        0,
        f"{NO_CHECKPOINT}\n7 records, 18 events verified\n",
        "",
    )

    expected = tamper_everything(db_url, records)
    done = verify(db_url, cli_env)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    for kind, target, ident in expected:
        assert any(line.startswith(f"{kind}: {target} {ident}: ") for line in lines), (
            kind,
            target,
            ident,
            done.stdout,
        )
    assert len(lines) == len(expected) + 2  # the problems, the checkpoint line, the summary
    assert lines[-2] == NO_CHECKPOINT
    assert lines[-1] == f"6 records, 16 events verified: {len(expected)} problem(s) found"
    assert "Traceback" not in done.stderr
    assert_no_patient_data(done.stdout + done.stderr)


def test_sqlite3_edit_and_delete_are_caught(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """The foundation issue's own check: change one record's content with sqlite3, and
    delete one audit event; each alone makes verify exit 1 naming it."""
    path = tmp_path / "clinic.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    records = build_clean(engine, records=3, views=3)
    with read_scope(engine) as s:
        head = chain_head(s)
    engine.dispose()
    clean = verify(url, cli_env, "--show-head")
    assert clean.returncode == 0
    assert clean.stdout.splitlines() == [
        NO_CHECKPOINT,
        f"chain head: event 7, hash {head[1]}",
        "3 records, 7 events verified",
    ]
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER trg_signed_record_no_update")
        conn.execute(
            "UPDATE signed_record SET content = CAST(replace(CAST(content AS TEXT), "
            "'allowed', 'blocked') AS BLOB) WHERE id = ?",
            (records[1],),
        )
    done = verify(url, cli_env)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        f"content edited: record {records[1]}: content does not match its stored hash"
    )

    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER trg_audit_event_no_delete")
        conn.execute("DELETE FROM audit_event WHERE seq = 6")
    done = verify(url, cli_env)
    assert done.returncode == 1
    assert "event missing: event 6: deleted from the audit chain" in done.stdout.splitlines()


def test_verify_refuses_a_missing_database(tmp_path: Path, cli_env: dict[str, str]) -> None:
    done = verify(f"sqlite:///{tmp_path / 'none.sqlite3'}", cli_env)
    assert done.returncode == 1
    assert "There is no database file" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "none.sqlite3").exists()
