"""Crash safety (issue 2, item 10): a child signing records in a loop is killed with SIGKILL
at random moments, 20 times. Afterwards SQLite's integrity check passes, `isoface-desk
verify` exits 0, and every record the child reported as committed is there.

The child is forked from this process (tests/storage/crash_child.py), so a round costs
milliseconds rather than a fresh interpreter's imports; it reports each id on a pipe only
after the commit returned. The kill moments come from a seeded random generator: wait
for 0 to 3 reported ids, then a random 0 to 40 ms, so kills land during start-up, inside
transactions, during commits and between them.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select

from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.models import SignedRecordRow
from tests.conftest import ROOT
from tests.storage.conftest import seed_people
from tests.storage.crash_child import write_forever

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX"),
]

ROUNDS = 20
SEED = 20_261_125
READ_TIMEOUT_S = 20.0


def _child(url: str, fd: int) -> None:
    write_forever(url, fd)


def _read_ids(fd: int, buffer: bytearray, wanted: int) -> list[int]:
    """Read until `wanted` complete lines arrived (or the pipe closed)."""
    ids: list[int] = []
    deadline = time.monotonic() + READ_TIMEOUT_S
    while len(ids) < wanted:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError("the writer reported nothing for too long")
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buffer.extend(chunk)
        ids.extend(_complete_lines(buffer))
    return ids


def _complete_lines(buffer: bytearray) -> list[int]:
    *lines, rest = bytes(buffer).split(b"\n")
    buffer[:] = rest
    return [int(line) for line in lines if line]


def _drain(fd: int, buffer: bytearray) -> list[int]:
    ids = []
    while chunk := os.read(fd, 4096):
        buffer.extend(chunk)
        ids.extend(_complete_lines(buffer))
    assert not buffer, "a half-written id: the child reports only after commit"
    return ids


def _one_round(ctx: multiprocessing.context.BaseContext, url: str, rng: random.Random) -> list[int]:
    read_fd, write_fd = os.pipe()
    child = ctx.Process(target=_child, args=(url, write_fd), daemon=True)  # type: ignore[attr-defined]
    child.start()
    os.close(write_fd)
    buffer = bytearray()
    try:
        reported = _read_ids(read_fd, buffer, rng.randint(0, 3))
        time.sleep(rng.uniform(0.0, 0.04))  # the random kill moment (not a synchronisation)
        os.kill(child.pid, signal.SIGKILL)
        child.join(READ_TIMEOUT_S)
        assert child.exitcode == -signal.SIGKILL
        return reported + _drain(read_fd, buffer)
    finally:
        os.close(read_fd)


def test_sigkill_never_loses_a_committed_record(tmp_path: Path, cli_env: dict[str, str]) -> None:
    path = tmp_path / "crash.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    seed_people(engine)
    engine.dispose()  # no connection may be shared with the forked writers

    ctx = multiprocessing.get_context("fork")
    rng = random.Random(SEED)
    reported = [record_id for _ in range(ROUNDS) for record_id in _one_round(ctx, url, rng)]
    assert len(reported) >= ROUNDS, "the writer hardly wrote anything"

    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        check.close()
    verified = subprocess.run(
        [sys.executable, "-m", "isoface_desk", "--db", url, "verify"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=cli_env,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    engine = make_engine(url)
    try:
        with read_scope(engine) as session:
            stored = set(session.scalars(sql_select(SignedRecordRow.id)))
    finally:
        engine.dispose()
    assert set(reported) <= stored
    assert len(reported) == len(set(reported))
