"""Run `python -m isoface_desk --db URL ...` in a real child process (the CLI tests' helper)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def run_cli(
    db_url: str,
    env: dict[str, str],
    *args: str,
    password: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """The finished child: `password` (if any) is typed on standard input, as at a prompt."""
    return subprocess.run(
        [sys.executable, "-m", "isoface_desk", "--db", db_url, *args],
        input=None if password is None else password + "\n",
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )
