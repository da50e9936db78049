"""`isoface-desk audit export|trail`: a real child process for the main path (password on
standard input), `main()` in this process for the rest. The export signs in, needs the
auditor, holds exactly what the options select, is an audit event and is written whole."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from isoface_desk.cli import main
from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.devtools.demo_visits import JUSTIFICATIONS
from isoface_desk.services.bundle import Services
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from tests.pdf_world import SCRIPT_NAMES, WARNED_NAME, WARNING, PdfWorld, world_fixtures

ROOT = Path(__file__).resolve().parents[2]
PERIOD = ("--from", "2026-03-01", "--to", "2026-03-31")


world, services = world_fixtures("audit-cli")


@pytest.fixture
def as_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOFACE_PASSWORD", DEMO_PASSWORD)


def run_main(capsys: pytest.CaptureFixture[str], world: PdfWorld, *args: str
             ) -> tuple[int, str, str]:  # fmt: skip
    code = main(["--db", world.db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def last_event(services: Services) -> tuple[str, str, dict[str, object]]:
    with read_scope(services.engine) as session:
        event = recent_events(session, 1)[0]
    return event.actor, event.action, event.details


def csv_ids(path: Path) -> set[int]:
    return {int(r["record_id"]) for r in csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))}


@pytest.mark.slow
def test_export_csv_in_a_child_process(
    world: PdfWorld, services: Services, cli_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "march.csv"
    done = subprocess.run(
        [sys.executable, "-m", "isoface_desk", "--db", world.db_url, "audit", "export",
         *PERIOD, "--format", "csv", "--out", str(out), "--user", "auditor"],
        input=DEMO_PASSWORD + "\n", capture_output=True, text=True, timeout=120, cwd=ROOT,
        env=cli_env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("5 records: csv written to")
    assert csv_ids(out) == set(world.records.values())
    for name in (*SCRIPT_NAMES, WARNED_NAME):  # names stay out of the CSV and the output
        assert name.split()[0] not in out.read_text("utf-8-sig") + done.stdout
    assert last_event(services)[:2] == ("auditor", "export")


def test_options_select_the_records(
    world: PdfWorld, as_user: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "justified.csv"
    code, stdout, _ = run_main(capsys, world, "audit", "export", *PERIOD, "--format", "csv",
                               "--out", str(out), "--justified", "yes", "--prescriber", "derm",
                               "--user", "auditor")  # fmt: skip
    assert code == 0 and stdout.startswith("1 records")
    assert csv_ids(out) == {world.warned_record}
    out2 = tmp_path / "april.csv"
    code, _, _ = run_main(capsys, world, "audit", "export", "--from", "2026-04-01", "--to",
                          "2026-04-30", "--format", "csv", "--out", str(out2), "--user",
                          "auditor")  # fmt: skip
    assert code == 0 and csv_ids(out2) == set()


def test_export_pdf_summary(
    world: PdfWorld, services: Services, as_user: None, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    out = tmp_path / "march.pdf"
    code, stdout, _ = run_main(capsys, world, "audit", "export", *PERIOD, "--format", "pdf",
                               "--out", str(out), "--user", "auditor")  # fmt: skip
    assert code == 0, stdout
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "Audit summary" in text and "2026-03" in text and WARNING in text
    assert " ".join(JUSTIFICATIONS[WARNING].split()) in text
    actor, action, details = last_event(services)
    assert (actor, action, details["format"], details["records"]) == ("auditor", "export", "pdf",
                                                                      5)  # fmt: skip


@pytest.mark.parametrize("user", ["nurse", "derm", "admin"])
def test_only_an_auditor_exports(
    world: PdfWorld, as_user: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, user: str
) -> None:
    out = tmp_path / "r.csv"
    code, _, err = run_main(capsys, world, "audit", "export", *PERIOD, "--format", "csv",
                            "--out", str(out), "--user", user)  # fmt: skip
    assert code == 1 and "does not allow" in err and not out.exists()
    assert not list(tmp_path.iterdir())  # no half-written temporary file either


def test_bad_options_are_refused(
    world: PdfWorld, as_user: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = str(tmp_path / "r.csv")
    args = ("audit", "export", "--format", "csv", "--out", out, "--user", "auditor")
    code, _, err = run_main(capsys, world, *args, "--from", "2026-04-01", "--to", "2026-03-01")
    assert code == 1 and "after" in err
    code, _, err = run_main(capsys, world, *args, *PERIOD, "--prescriber", "nobody")
    assert code == 1 and "no user 'nobody'" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", world.db_url, "audit", "export", "--from", "March", "--to", "2026-03-31",
              "--format", "csv", "--out", out, "--user", "auditor"])  # fmt: skip
    assert exit_info.value.code == 2


def test_trail_lists_who_did_what(
    world: PdfWorld, services: Services, as_user: None, capsys: pytest.CaptureFixture[str]
) -> None:
    rid = world.warned_record
    services.records.pdf(services.auth.login("auditor", DEMO_PASSWORD), rid, purpose="view")
    code, stdout, _ = run_main(capsys, world, "audit", "trail", str(rid), "--user", "auditor")
    assert code == 0
    lines = stdout.splitlines()
    assert "sign" in lines[0] and lines[0].rstrip().endswith("derm")
    assert any(" view " in line and line.rstrip().endswith("auditor") for line in lines)
    assert WARNED_NAME.split()[0] not in stdout
