"""`isoface-desk db upgrade` and `db current` in a real child process."""

from __future__ import annotations

import subprocess
from pathlib import Path

from isoface_desk.storage.migrate import head_revision
from tests.cli.child import run_cli


def db(db_url: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(db_url, env, "db", *args)


def test_upgrade_then_current(db_url: str, cli_env: dict[str, str]) -> None:
    head = head_revision()
    before = db(db_url, cli_env, "current")
    assert before.returncode == 1
    if db_url.startswith("sqlite"):  # a missing file is named, never created (issue 11)
        assert "There is no database file at" in before.stderr and not before.stdout
        assert not Path(db_url.removeprefix("sqlite:///")).exists()
    else:
        assert before.stdout.splitlines()[:2] == [
            "current: none (empty database)",
            f"newest:  {head}",
        ]

    first = db(db_url, cli_env, "upgrade")
    assert (first.returncode, first.stdout) == (
        0,
        f"Database schema upgraded from empty to {head}.\n",
    )
    after = db(db_url, cli_env, "current")
    assert (after.returncode, after.stdout) == (0, f"current: {head}\nnewest:  {head}\n")


def test_db_needs_an_action(tmp_path: Path, cli_env: dict[str, str]) -> None:
    done = db(f"sqlite:///{tmp_path / 'x.sqlite3'}", cli_env)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_unreachable_server_is_a_plain_error(cli_env: dict[str, str]) -> None:
    done = db("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2", cli_env, "upgrade")
    assert done.returncode == 1
    assert "cannot be reached" in done.stderr and "Traceback" not in done.stderr
