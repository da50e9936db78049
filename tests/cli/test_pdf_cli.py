"""`isoface-desk export-pdf` and `verify-pdf`: real child processes for the main paths (the
password typed on standard input, as at a prompt), `main()` in this process for the rest.

export-pdf signs in (wrong password and the nurse's role refused, exit 1, no file) and is
an "export" audit event; verify-pdf passes on an exported record and fails on a modified
one, on a PDF signed by another certificate, and on a clinic-signed PDF the database does
not hold, naming what failed. Neither prints patient data.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from isoface_desk.cli import main
from isoface_desk.cli.login import read_password
from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.devtools.demo_documents import demo_checklist
from isoface_desk.documents.checklist_pdf import build_checklist_pdf
from isoface_desk.documents.signing import generate_clinic_certificate, load_pem_signer, sign_pdf
from isoface_desk.errors import InputError
from isoface_desk.services.bundle import Services
from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import read_scope
from tests.cli.child import run_cli
from tests.pdf_world import SCRIPT_NAMES, WARNED_NAME, PdfWorld, genuine_signer, world_fixtures

world, services = world_fixtures("pdf-cli")


def cli(
    world: PdfWorld, env: dict[str, str], *args: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(world.db_url, env, *args, password=password)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_no_patient_data(text: str) -> None:
    for name in (*SCRIPT_NAMES, WARNED_NAME):
        for part in name.split():
            assert part not in text


def exporters(services: Services, record_id: int) -> list[str]:
    with read_scope(services.engine) as session:
        events = events_for_target(session, "record", record_id)
    return [e.actor for e in events if e.action == "export"]


@pytest.mark.slow
def test_export_then_verify_in_child_processes(
    world: PdfWorld, services: Services, cli_env: dict[str, str], tmp_path: Path
) -> None:
    rid = world.records[SCRIPT_NAMES[3]]
    out = tmp_path / "record.pdf"
    done = cli(
        world, cli_env, "export-pdf", "--record", str(rid), "--out", str(out),
        "--user", "auditor", password=DEMO_PASSWORD,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"record {rid}: exported to {out} ")
    assert exporters(services, rid) == ["auditor"]
    derm = services.auth.login("derm", DEMO_PASSWORD)
    assert out.read_bytes() == services.records.pdf(derm, rid)

    checked = cli(world, cli_env, "verify-pdf", str(out))
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stdout
    assert checked.stdout.startswith(f"record {rid}: OK: signature valid")
    assert "identical to the stored signed PDF" in checked.stdout

    changed = bytearray(out.read_bytes())
    changed[len(changed) // 3] ^= 0x20
    out.write_bytes(bytes(changed))
    failed = cli(world, cli_env, "verify-pdf", str(out))
    assert failed.returncode == 1
    assert failed.stdout.splitlines()[1:] == [
        "  modified: The file was modified after it was signed.",
        "  no matching record: No signed record in this database has exactly these bytes.",
    ]
    assert_no_patient_data(checked.stdout + failed.stdout + done.stdout)


@pytest.mark.parametrize("offset", [100, -30])
def test_one_changed_byte_fails(
    offset: int,
    world: PdfWorld,
    services: Services,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    derm = services.auth.login("derm", DEMO_PASSWORD)
    pdf = bytearray(services.records.pdf(derm, world.records[SCRIPT_NAMES[0]]))
    pdf[offset] ^= 0x01
    path = tmp_path / "changed.pdf"
    path.write_bytes(bytes(pdf))
    code, out, _ = run_main(capsys, "--db", world.db_url, "verify-pdf", str(path))
    assert code == 1 and "FAILED" in out and "no matching record" in out


def test_verify_names_an_unknown_signer(
    world: PdfWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = load_pem_signer(*generate_clinic_certificate("Elsewhere Clinic"))
    path = tmp_path / "other.pdf"
    path.write_bytes(sign_pdf(build_checklist_pdf(demo_checklist("initiation")), other))
    code, out, _ = run_main(capsys, "--db", world.db_url, "verify-pdf", str(path))
    assert code == 1
    unknown = "  unknown signer: The signer is not one of the clinic's certificates."
    assert unknown in out.splitlines()
    assert "Elsewhere Clinic" in out


def test_verify_names_a_pdf_the_database_does_not_hold(
    world: PdfWorld, services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signer = genuine_signer(services)
    path = tmp_path / "unstored.pdf"
    path.write_bytes(sign_pdf(build_checklist_pdf(demo_checklist("follow-up")), signer))
    code, out, _ = run_main(capsys, "--db", world.db_url, "verify-pdf", str(path))
    assert code == 1
    assert out.splitlines()[1:] == [
        "  no matching record: No signed record in this database has exactly these bytes."
    ]


def test_verify_refuses_a_missing_file_or_database(
    world: PdfWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "--db", world.db_url, "verify-pdf", str(tmp_path / "x.pdf"))
    assert code == 1 and "Cannot read" in err
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    missing = tmp_path / "none.sqlite3"
    code, _, err = run_main(capsys, "--db", f"sqlite:///{missing}", "verify-pdf", str(path))
    assert code == 1 and "no database file" in err and not missing.exists()


def test_export_latest_with_the_password_from_the_environment(
    world: PdfWorld,
    services: Services,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ISOFACE_PASSWORD", DEMO_PASSWORD)
    out = tmp_path / "latest.pdf"
    latest = max(world.records.values())
    before = exporters(services, latest)
    code, text, err = run_main(
        capsys, "--db", world.db_url, "export-pdf", "--latest", "--out", str(out), "--user", "derm"
    )
    assert (code, err) == (0, "")
    assert text.startswith(f"record {latest}: exported")
    assert exporters(services, latest) == [*before, "derm"]
    assert_no_patient_data(text)


def test_a_wrong_password_is_refused(
    world: PdfWorld,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ISOFACE_PASSWORD", "not-the-password")
    out = tmp_path / "r.pdf"
    code, _, err = run_main(
        capsys, "--db", world.db_url, "export-pdf", "--latest", "--out", str(out), "--user", "derm"
    )
    assert (code, err) == (1, "isoface-desk: Wrong user name or password.\n")
    assert not out.exists()


def test_a_nurse_is_refused_by_role(
    world: PdfWorld,
    services: Services,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ISOFACE_PASSWORD", DEMO_PASSWORD)
    rid = world.records[SCRIPT_NAMES[2]]
    out = tmp_path / "r.pdf"
    before = exporters(services, rid)
    code, _, err = run_main(
        capsys, "--db", world.db_url, "export-pdf", "--record", str(rid), "--out", str(out),
        "--user", "nurse",
    )  # fmt: skip
    assert code == 1
    assert "Your role does not allow this (record.export" in err
    assert not out.exists() and exporters(services, rid) == before


def test_export_needs_a_user_and_one_record_choice(
    world: PdfWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["export-pdf", "--latest", "--out", "x.pdf"],
        ["export-pdf", "--out", "x.pdf", "--user", "derm"],
        ["export-pdf", "--latest", "--record", "1", "--out", "x.pdf", "--user", "derm"],
        ["export-pdf", "--record", "0", "--out", "x.pdf", "--user", "derm"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(["--db", world.db_url, *args])
        assert exit_info.value.code == 2
    capsys.readouterr()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_password_comes_from_the_environment_a_prompt_or_stdin() -> None:
    def prompt(text: str) -> str:
        assert text == "Password for derm: "
        return "typed"

    env = {"ISOFACE_PASSWORD": "from-env"}
    assert read_password("derm", environ=env, stdin=_Terminal(), prompt=prompt) == "from-env"
    assert read_password("derm", environ={}, stdin=_Terminal(), prompt=prompt) == "typed"
    assert read_password("derm", environ={}, stdin=io.StringIO("piped\nrest\n")) == "piped"
    with pytest.raises(InputError, match="No password given for derm"):
        read_password("derm", environ={}, stdin=io.StringIO(""))
