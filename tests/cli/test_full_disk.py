"""A full disk and a folder that cannot be written, on real (tmpfs) file systems, through
the real command in a child process (issue 11, part 7): the message names the missing space
and the place, the exit code is 1, and nothing is left behind: no half-seeded database, no
`.part` or `.part-journal` file, no folder made for nothing.

The mounts need root (tests/cli/mounts.py); without it these tests are skipped.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from isoface_desk.devtools.demo import seed_demo
from isoface_desk.errors import StorageError
from isoface_desk.services.access.passwords import DEMO_PASSWORD
from isoface_desk.storage import sqlcipher
from isoface_desk.storage.backup import backup_sqlite
from tests.cli.child import run_cli
from tests.cli.mounts import fill, tmpfs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    seed_demo(url, 300, full_workflow=2)  # a database larger than what is left on the disk
    return url


def signed_in() -> dict[str, str]:
    return {**os.environ, "ISOFACE_PASSWORD": DEMO_PASSWORD}


def plain_failure(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("isoface-desk: ")]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_seed_demo_on_a_full_disk_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "2m") as disk:
        target = disk / "clinic" / "demo.sqlite3"
        done = run_cli(f"sqlite:///{target}", dict(os.environ), "seed-demo", "--patients", "5000")
        said = plain_failure(done)
        assert f"No space left on {disk}: the disk holding {target.parent} is full" in said
        assert "nothing was saved" in said
        assert list(disk.iterdir()) == []  # before: a half-seeded database it then refused


def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_part_file(
    demo_db: str, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "disk", "2m") as disk:
        fill(disk)
        out = disk / "backup.sqlite3"
        done = run_cli(demo_db, signed_in(), "backup", "--out", str(out), "--user", "admin")
        said = plain_failure(done)
        assert said == (
            f"isoface-desk: No space left on {disk}: the disk is full, so nothing was saved. "
            "Free some space there, then try again."
        )
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # no .part, no -journal


def test_a_restore_onto_a_full_disk_says_so_and_leaves_nothing(
    demo_db: str, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "disk", "2m") as disk:
        fill(disk)
        target = disk / "restored" / "clinic.sqlite3"
        backup = demo_db.removeprefix("sqlite:///")
        said = plain_failure(run_cli(f"sqlite:///{target}", dict(os.environ), "restore", backup))
        assert f"No space left on {disk}" in said and "nothing was saved" in said
        assert not target.exists()
        assert not [p for p in target.parent.iterdir() if ".part" in p.name]


def test_a_folder_that_cannot_be_written_is_named(demo_db: str, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "locked", "1m", read_only=True) as locked:
        backup = run_cli(demo_db, signed_in(), "backup", "--out", str(locked / "b.sqlite3"),
                         "--user", "admin")  # fmt: skip
        assert plain_failure(backup) == (
            f"isoface-desk: The backup failed: cannot write in {locked}: Read-only file system."
        )
        source = demo_db.removeprefix("sqlite:///")
        into = f"sqlite:///{locked / 'clinic.sqlite3'}"
        restored = plain_failure(run_cli(into, dict(os.environ), "restore", source))
        assert restored.endswith(f"cannot write in {locked}: Read-only file system.")
        seeded = plain_failure(run_cli(into, dict(os.environ), "seed-demo"))
        assert seeded == f"isoface-desk: Cannot write in {locked}: Read-only file system."
        upgraded = plain_failure(run_cli(into, dict(os.environ), "db", "upgrade"))
        assert f"The database cannot be created in {locked}: the folder is read-only" in upgraded
        assert list(locked.iterdir()) == []


def test_a_backup_that_fails_while_finishing_leaves_no_wal_or_shm(
    demo_db: str, tmp_path: Path
) -> None:
    """Just enough room for the copied pages, not for switching the copy's journal: the old
    cleanup removed only the .part file and left .part-wal and .part-shm behind."""
    size = Path(demo_db.removeprefix("sqlite:///")).stat().st_size
    failed = 0
    with tmpfs(tmp_path / "disk", "4m") as disk:
        for extra in range(0, 64 * 1024, 4096):
            for old in disk.iterdir():
                old.unlink()
            fill(disk, leave_bytes=size + extra)
            try:
                backup_sqlite(demo_db, disk / "b.sqlite3")
            except StorageError as err:
                assert str(err).startswith(f"No space left on {disk}")
                failed += 1
                assert sorted(p.name for p in disk.iterdir()) == ["filler"]
            else:
                assert sorted(p.name for p in disk.iterdir()) == ["b.sqlite3", "filler"]
    assert failed, "the disk never ran out: the test did not test anything"


@pytest.mark.skipif(not sqlcipher.available(), reason="sqlcipher3 is not installed")
def test_an_encrypted_copy_onto_a_full_disk_leaves_nothing(demo_db: str, tmp_path: Path) -> None:
    size = Path(demo_db.removeprefix("sqlite:///")).stat().st_size
    env = {**signed_in(), sqlcipher.PASSPHRASE_ENV: "a passphrase long enough"}
    with tmpfs(tmp_path / "disk", "4m") as disk:
        fill(disk, leave_bytes=size + size // 2)  # the plain copy fits, the encrypted not
        out = disk / "encrypted.sqlite3"
        done = run_cli(demo_db, env, "backup", "--encrypt", "--out", str(out), "--user", "admin")
        assert f"No space left on {disk}" in plain_failure(done)
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
