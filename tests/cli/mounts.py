"""Small real file systems for tests: a full disk and a read-only folder.

As root, permission bits do not stop a write, so "a folder the user cannot write" is a
read-only tmpfs, and "a full disk" a tmpfs of two megabytes. Both need mount(8) and root:
without them the test is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(folder: Path, size: str = "2m", *, read_only: bool = False) -> Iterator[Path]:
    """`folder` with a fresh tmpfs of `size` mounted on it (read-only if asked)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8): not available here")
    folder.mkdir(parents=True, exist_ok=True)
    done = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder))
    if done.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        if read_only:
            _run("mount", "-o", "remount,ro", str(folder), check=True)
        yield folder
    finally:
        _run("umount", "-l", str(folder))


def fill(folder: Path, leave_bytes: int = 64 * 1024) -> None:
    """Fill the file system of `folder` until about `leave_bytes` are free."""
    stats = os.statvfs(folder)
    free = stats.f_bfree * stats.f_frsize
    with open(folder / "filler", "wb") as handle:
        handle.write(b"\0" * max(0, free - leave_bytes))


def _run(*argv: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=30)
