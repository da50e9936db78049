"""`isoface-desk check-forms` run as a real child process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from isoface_desk.config import PROJECT_ROOT
from isoface_desk.domain.forms_check import form_files

FORMS = PROJECT_ROOT / "forms"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "isoface_desk", "check-forms", *args],
        capture_output=True, text=True, timeout=60, env=env, cwd=PROJECT_ROOT,
    )  # fmt: skip


def test_valid_forms_exit_0_with_the_file_count(cli_env: dict[str, str]) -> None:
    done = run("--forms", str(FORMS), env=cli_env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{len(form_files(FORMS))} files valid\n"


def test_broken_forms_exit_1_listing_every_problem(tmp_path: Path, cli_env: dict[str, str]) -> None:
    copy = tmp_path / "forms"
    shutil.copytree(FORMS, copy)
    path = copy / "checklists" / "initiation.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('field = "patient.weight_kg"', 'field = "patient.weight"', 1)
    path.write_text(text.replace('codes = "allergies"', 'codes = "allergy"', 1), encoding="utf-8")
    (copy / "questionnaires" / "phq9.toml").write_text("stem = [", encoding="utf-8")
    cli_env["ISOFACE_FORMS_DIR"] = str(copy)  # the default folder when --forms is not given
    done = run(env=cli_env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert all(len(line.split(": ", 2)) == 3 for line in lines), lines
    assert any(
        line.startswith(
            "checklists/initiation.toml: sections[10].questions[0].field: "
            "'patient.weight' is not a check-format field"
        )
        for line in lines
    )
    assert any(
        line.startswith(
            "checklists/initiation.toml: sections[2].questions[0].codes: 'allergy' is not one of"
        )
        for line in lines
    )
    assert any(line.startswith("questionnaires/phq9.toml: not valid TOML") for line in lines)
