"""Output paths that cannot destroy (issue 11, part 4), through `main()` in this process.

Every command that writes a file (export-pdf, orders print, orders export-fhir, audit
export, backup) is given each bad target: the live database, its -wal and -shm files, a
symbolic and a hard link to it, another SQLite database, /dev/null, a device node, a FIFO,
a folder, a missing folder (with and without --force), and an existing ordinary file
without --force. Each is refused with exit 1 and a message naming the path and why; the
target is as it was, the database file and its -wal are byte for byte unchanged and the
database verifies. --force replaces an existing ordinary file (mode 0600). restore refuses
a location holding a database unless --force, which sets it aside (renamed, kept) and is
refused while the database is open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from isoface_desk.cli import main
from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.devtools.demo_people import named_patient
from isoface_desk.services.bundle import Services
from isoface_desk.services.care.courses import CourseStart
from tests.pdf_world import PdfWorld, pdf_world

ORDERS_DAY = "2026-06-01"
START = CourseStart(start_date=dt.date(2026, 6, 1), product="Isoface 20 mg", strength_mg=20,
                    mg_per_day=40)  # fmt: skip

#: Each command that writes a file, without its --out: (arguments, first bytes written).
COMMANDS: dict[str, tuple[tuple[str, ...], bytes]] = {
    "export-pdf": (("export-pdf", "--latest", "--user", "auditor"), b"%PDF"),
    "orders print": (("orders", "print", "--on", ORDERS_DAY, "--reprint", "--user", "nurse"),
                     b"%PDF"),
    "orders export-fhir": (("orders", "export-fhir", "--user", "nurse"), b"{"),
    "audit export": (("audit", "export", "--from", "2026-01-01", "--to", "2026-12-31",
                      "--format", "csv", "--user", "auditor"), b"\xef\xbb\xbf"),
    "backup": (("backup", "--user", "admin"), b"SQLite format 3\x00"),
}  # fmt: skip


@dataclass(frozen=True)
class Clinic:
    world: PdfWorld
    services: Services  # kept open: the database has its -wal and -shm, as in use

    @property
    def url(self) -> str:
        return self.world.db_url

    @property
    def db(self) -> Path:
        return self.world.path


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    """The demo clinic with five signed records and one patient on a course (lab orders
    due on ORDERS_DAY), open in this process while the tests run."""
    world = pdf_world(tmp_path_factory, "output-paths")
    services = world.open()
    derm = services.auth.login("derm", DEMO_PASSWORD)
    patient = services.patients.create(derm, named_patient(6, dt.date(1996, 5, 5)))
    services.courses.start(derm, patient.id, START)
    try:
        yield Clinic(world, services)
    finally:
        services.close()


@pytest.fixture(autouse=True)
def as_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOFACE_PASSWORD", DEMO_PASSWORD)


def run(capsys: pytest.CaptureFixture[str], clinic: Clinic, *args: str) -> tuple[int, str]:
    code = main(["--db", clinic.url, *args])
    out, err = capsys.readouterr()
    return code, out + err


# ------------------------------------------------------------------ bad targets


def _other_database(tmp: Path, _c: Clinic) -> Path:
    path = tmp / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE kept (x)")
        conn.execute("INSERT INTO kept VALUES ('old backup')")
    conn.close()
    return path


def _symlink(tmp: Path, c: Clinic) -> Path:
    (tmp / "link.pdf").symlink_to(c.db)
    return tmp / "link.pdf"


def _hard_link(tmp: Path, c: Clinic) -> Path:
    os.link(c.db, tmp / "same-file.pdf")
    return tmp / "same-file.pdf"


def _device(tmp: Path, _c: Clinic) -> Path:
    try:
        os.mknod(tmp / "full", stat.S_IFCHR | 0o666, os.makedev(1, 7))  # like /dev/full
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD (/dev/null is tried instead)")
    return tmp / "full"


def _fifo(tmp: Path, _c: Clinic) -> Path:
    os.mkfifo(tmp / "pipe")
    return tmp / "pipe"


def _folder(tmp: Path, _c: Clinic) -> Path:
    (tmp / "folder").mkdir()
    return tmp / "folder"


Target = Callable[[Path, Clinic], Path]

#: Bad target -> (how to make it, what the message says). Refused with and without --force.
ALWAYS_REFUSED: dict[str, tuple[Target, str]] = {
    "the live database": (lambda _t, c: c.db, "is the open database"),
    "its -wal": (lambda _t, c: c.db.with_name(c.db.name + "-wal"), "is the open database"),
    "its -shm": (lambda _t, c: c.db.with_name(c.db.name + "-shm"), "is the open database"),
    "a link to it": (_symlink, "is the open database"),
    "a hard link to it": (_hard_link, "is the open database"),
    "another SQLite database": (_other_database, "holds a SQLite database"),
    "/dev/null": (lambda _t, _c: Path("/dev/null"), "is not an ordinary file"),
    "a device node": (_device, "is not an ordinary file"),
    "a FIFO": (_fifo, "is not an ordinary file"),
    "a folder": (_folder, "is a folder"),
    "a missing folder": (lambda t, _c: t / "missing" / "out.file", "does not exist"),
}


@dataclass(frozen=True)
class Snapshot:
    """What must not change: the target (its kind and bytes) and the database files."""

    target: tuple[int, bytes | None, tuple[str, ...] | None]
    database: tuple[str, str]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def snapshot(target: Path, c: Clinic) -> Snapshot:
    try:
        info = os.stat(target)
    except FileNotFoundError:
        kind: tuple[int, bytes | None, tuple[str, ...] | None] = (0, None, None)
    else:
        regular, folder = stat.S_ISREG(info.st_mode), stat.S_ISDIR(info.st_mode)
        kind = (stat.S_IFMT(info.st_mode), target.read_bytes() if regular else None,
                tuple(sorted(os.listdir(target))) if folder else None)  # fmt: skip
    wal = c.db.with_name(c.db.name + "-wal")
    return Snapshot(kind, (_digest(c.db), _digest(wal)))


def assert_refused(code: int, text: str, target: Path, reason: str) -> None:
    named = target.parent if reason == "does not exist" else target
    assert code == 1, text
    assert text.startswith("isoface-desk: ") and str(named) in text and reason in text, text
    assert "Traceback" not in text


def assert_verifies(capsys: pytest.CaptureFixture[str], c: Clinic) -> None:
    code, text = run(capsys, c, "verify")
    assert code == 0 and "verified" in text, text


@pytest.mark.parametrize("force", [False, True], ids=["plain", "--force"])
@pytest.mark.parametrize("bad", sorted(ALWAYS_REFUSED))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_bad_output_is_refused_and_nothing_changes(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str,
    bad: str, force: bool,
) -> None:  # fmt: skip
    make, reason = ALWAYS_REFUSED[bad]
    target = make(tmp_path, clinic)
    before = snapshot(target, clinic)
    args, _ = COMMANDS[command]
    code, text = run(capsys, clinic, *args, "--out", str(target), *(["--force"] if force else []))
    assert_refused(code, text, target, reason)
    assert snapshot(target, clinic) == before
    assert not list(tmp_path.glob(".*.part")), "a temporary file was left"
    if reason == "is the open database":
        assert_verifies(capsys, clinic)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_existing_file_is_replaced_only_with_force(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    args, head = COMMANDS[command]
    target = tmp_path / "existing.out"
    target.write_bytes(b"an earlier export someone keeps")
    before = snapshot(target, clinic)
    code, text = run(capsys, clinic, *args, "--out", str(target))
    assert_refused(code, text, target, "already exists")
    assert "--force" in text and snapshot(target, clinic) == before

    code, text = run(capsys, clinic, *args, "--out", str(target), "--force")
    assert code == 0, text
    assert target.read_bytes().startswith(head)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*.part"))
    assert_verifies(capsys, clinic)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_new_file_is_written_private(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    args, head = COMMANDS[command]
    target = tmp_path / "new.out"
    code, text = run(capsys, clinic, *args, "--out", str(target))
    assert code == 0, text
    assert target.read_bytes().startswith(head)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# ------------------------------------------------------------------ restore


@pytest.fixture(scope="module")
def backup_file(clinic: Clinic, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("restore") / "b.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ISOFACE_PASSWORD", DEMO_PASSWORD)
        assert main(["--db", clinic.url, "backup", "--out", str(out), "--user", "admin"]) == 0
    return out


def restore(capsys: pytest.CaptureFixture[str], location: Path, backup: Path,
            *extra: str) -> tuple[int, str]:  # fmt: skip
    code = main(["--db", f"sqlite:///{location}", "restore", str(backup), *extra])
    out, err = capsys.readouterr()
    return code, out + err


def test_restore_refuses_the_open_database_even_with_force(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], backup_file: Path
) -> None:
    before = snapshot(clinic.db, clinic)
    code, text = restore(capsys, clinic.db, backup_file)
    assert code == 1 and f"{clinic.db} already exists" in text, text
    code, text = restore(capsys, clinic.db, backup_file, "--force")
    assert code == 1 and f"{clinic.db} is open in Isoface Desk or another program" in text
    assert snapshot(clinic.db, clinic) == before
    assert not list(clinic.db.parent.glob("*.replaced-*"))
    assert_verifies(capsys, clinic)


def test_restore_with_force_sets_a_closed_database_aside(
    capsys: pytest.CaptureFixture[str], backup_file: Path, tmp_path: Path
) -> None:
    location = tmp_path / "isoface.sqlite3"
    other = _other_database(tmp_path, None)  # type: ignore[arg-type]
    other.rename(location)
    kept = location.read_bytes()
    code, text = restore(capsys, location, backup_file)
    assert code == 1 and "already exists" in text and location.read_bytes() == kept
    code, text = restore(capsys, location, backup_file, "--force")
    assert code == 0, text
    aside = list(tmp_path.glob("isoface.sqlite3.replaced-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == kept
    assert f"set aside: {aside[0]}" in text and text.rstrip().endswith("events verified")
    assert location.read_bytes()[:16] == b"SQLite format 3\x00"
    assert stat.S_IMODE(location.stat().st_mode) == 0o600


@pytest.mark.parametrize("bad", ["a folder", "a device node", "a FIFO", "/dev/null"])
def test_restore_never_replaces_a_folder_or_a_device(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], backup_file: Path, tmp_path: Path,
    bad: str,
) -> None:  # fmt: skip
    make, _ = ALWAYS_REFUSED[bad]
    location = make(tmp_path, clinic)
    before = snapshot(location, clinic)
    for extra in ((), ("--force",)):
        code, text = restore(capsys, location, backup_file, *extra)
        assert code == 1 and str(location) in text and "Traceback" not in text, text
        assert snapshot(location, clinic) == before
    assert not list(tmp_path.glob("*.replaced-*"))


def test_restore_refuses_the_backup_as_its_own_location(
    capsys: pytest.CaptureFixture[str], backup_file: Path
) -> None:
    kept = backup_file.read_bytes()
    code, text = restore(capsys, backup_file, backup_file, "--force")
    assert code == 1 and "is the database location itself" in text, text
    assert backup_file.read_bytes() == kept


def test_encrypt_with_force_is_a_usage_error(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, text = run(capsys, clinic, "backup", "--encrypt", "--force", "--out",
                     str(tmp_path / "e.sqlite3"), "--user", "admin")  # fmt: skip
    assert code == 2 and "always a new file" in text


# ------------------------------------------------------------------ the services too


@pytest.fixture(scope="module")
def service_writes(clinic: Clinic) -> dict[str, Callable[[Path], object]]:
    """Each service's file write, as the app calls it (force=True: its dialogs asked)."""
    from isoface_desk.services.audit.audit_review import RecordFilter
    from isoface_desk.services.audit.reports import ReportService
    from isoface_desk.services.clinic.backup import BackupService
    from isoface_desk.services.labs.lab_export import LabExportService
    from isoface_desk.services.labs.lab_printing import LabPrintService
    from isoface_desk.services.visits.documents_service import DocumentService

    engine, who = clinic.services.engine, clinic.services.auth.login
    auditor, nurse = who("auditor", DEMO_PASSWORD), who("nurse", DEMO_PASSWORD)
    admin = who("admin", DEMO_PASSWORD)
    printing = LabPrintService(engine)
    due = clinic.services.lab_work.due_list(nurse, dt.date(2026, 6, 1))
    orders = [i.order_id for i in due.items]
    return {
        "DocumentService.export_pdf": lambda p: DocumentService(engine).export_pdf(
            auditor, None, p, force=True),
        "ReportService.export": lambda p: ReportService(engine).export(
            auditor, RecordFilter(), p, "csv", force=True),
        "LabExportService.export_to_file": lambda p: LabExportService(engine).export_to_file(
            nurse, p, force=True),
        "LabPrintService.print_to_file": lambda p: printing.print_to_file(
            nurse, orders[:1], p, force=True),
        "BackupService.backup_now": lambda p: BackupService(engine).backup_now(
            admin, p, force=True),
    }  # fmt: skip


SERVICE_WRITES = ("DocumentService.export_pdf", "ReportService.export",
                  "LabExportService.export_to_file", "LabPrintService.print_to_file",
                  "BackupService.backup_now")  # fmt: skip


@pytest.mark.parametrize("bad", ["the live database", "its -wal", "another SQLite database",
                                 "a device node"])  # fmt: skip
@pytest.mark.parametrize("write", SERVICE_WRITES)
def test_the_services_refuse_even_with_force(
    clinic: Clinic, service_writes: dict[str, Callable[[Path], object]], tmp_path: Path,
    write: str, bad: str,
) -> None:  # fmt: skip
    from isoface_desk.errors import InputError

    make, reason = ALWAYS_REFUSED[bad]
    target = make(tmp_path, clinic)
    before = snapshot(target, clinic)
    with pytest.raises(InputError, match=reason) as refused:
        service_writes[write](target)
    assert str(target) in str(refused.value)
    assert snapshot(target, clinic) == before  # refused before anything was written
