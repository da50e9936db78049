"""The command itself: version, help, module entry point, and README kept in step with CI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from isoface_desk import __version__
from isoface_desk.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "isoface_desk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_version_through_python_m() -> None:
    done = run_module("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"isoface-desk {__version__}"


def test_help_lists_registered_subcommands() -> None:
    help_text = build_parser().format_help()
    for command in ("check",):
        assert command in help_text


def test_unknown_subcommand_is_a_usage_error() -> None:
    done = run_module("no-such-command")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
    assert "Traceback" not in done.stderr


def test_db_option_wins_over_environment(monkeypatch, tmp_path: Path) -> None:
    from isoface_desk.cli import resolve_db_url

    monkeypatch.setenv("ISOFACE_DB_URL", "sqlite:///from-env.sqlite3")
    args = build_parser().parse_args(["--db", f"sqlite:///{tmp_path}/x.sqlite3"])
    assert resolve_db_url(args) == f"sqlite:///{tmp_path}/x.sqlite3"
    args = build_parser().parse_args([])
    assert resolve_db_url(args) == "sqlite:///from-env.sqlite3"


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path, monkeypatch) -> None:
    from isoface_desk.cli import resolve_db_url

    monkeypatch.setenv("ISOFACE_DATA_DIR", str(tmp_path))
    assert resolve_db_url(build_parser().parse_args([])) == f"sqlite:///{tmp_path}/isoface.sqlite3"
    demo = resolve_db_url(build_parser().parse_args(["--demo"]))
    assert demo == f"sqlite:///{tmp_path}/demo.sqlite3"


def test_main_prints_version_and_exits_zero(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert __version__ in capsys.readouterr().out


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.DOTALL)


def test_readme_has_exactly_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    start, test = readme_commands()[:2]  # the first two blocks: Start, then Test
    assert "\n" not in start and "\n" not in test, "each is one command"
    assert start.startswith("bash .ci/setup && ") and "--demo" in start
    assert test.startswith("bash .ci/setup && ") and "pytest" in test
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci_lines, "`.ci/run` must call the README test command exactly"
