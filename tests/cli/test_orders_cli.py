"""`isoface-desk orders due|print|export-fhir` in real child processes: signed in with
--user and $ISOFACE_PASSWORD, audited, files written whole, no patient name on the due
list, and an auditor refused printing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from isoface_desk.cli.orders import due_lines, to_print
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.labs.lab_work import LabWorkService
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from tests.domain.test_fhir import enum_problems
from tests.services.conftest import PASSWORD, World, _open, example_patient, setup_world

ROOT = Path(__file__).resolve().parents[2]
START = CourseStart(
    start_date=dt.date(2026, 6, 1), product="Isoface 20 mg", strength_mg=20, mg_per_day=40
)


@dataclass
class Clinic:
    url: str
    world: World
    patient_ids: list[int]


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'orders.sqlite3'}"
    services, clock = _open(url)
    world = setup_world(services, clock)
    ids = []
    for pregnancy in (True, False):
        patient = dataclasses.replace(example_patient(), can_get_pregnant=pregnancy)
        pid = services.patients.create(world.first, patient).id
        services.courses.start(world.first, pid, START)
        ids.append(pid)
    yield Clinic(url, world, ids)
    services.close()


def orders(c: Clinic, *args: str, user: str = "nurse-user") -> subprocess.CompletedProcess[str]:
    env = {**_env(), "ISOFACE_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "isoface_desk", "--db", c.url, "orders", *args, "--user", user],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def last_actions(c: Clinic, count: int) -> list[tuple[str, str]]:
    with read_scope(c.world.services.engine) as session:
        events = recent_events(session, limit=count)
    return [(e.actor, e.action) for e in sorted(events, key=lambda e: e.seq)]


def test_due_lists_groups_by_clinic_number_only(clinic: Clinic) -> None:
    done = orders(clinic, "due", "--on", "2026-06-30", "--json")
    assert done.returncode == 0, done.stderr
    due = json.loads(done.stdout)
    assert due["on"] == "2026-06-30"
    groups = {(o["group"], tuple(o["tests"])) for o in due["orders"]}
    assert ("overdue", ("ALT", "AST", "TG", "CHOL")) in groups  # baseline, window closed
    assert ("week", ("HCG",)) in groups  # month 1, due 1 July
    assert "Zoë" not in done.stdout and "1998-07-03" not in done.stdout
    assert last_actions(clinic, 1) == [("nurse-user", "view")]
    nurse = clinic.world.actors["nurse"]
    text = "\n".join(due_lines(LabWorkService(clinic.world.services.engine).due_list(
        nurse, dt.date(2026, 6, 30))))  # fmt: skip
    assert "Overdue (" in text and "This week (" in text and "Zoë" not in text


def test_print_writes_one_pdf_and_marks_exactly_its_orders(clinic: Clinic, tmp_path: Path) -> None:
    out = tmp_path / "due.pdf"
    done = orders(clinic, "print", "--on", "2026-06-01", "--out", str(out))
    assert done.returncode == 0, done.stderr
    pages = len(PdfReader(out).pages)
    # both patients' baselines (bloods), and the pregnancy test of the one who can
    assert pages == 3 and "3 order(s) printed" in done.stdout
    s, nurse = clinic.world.services, clinic.world.actors["nurse"]
    printed = [o for pid in clinic.patient_ids for o in s.orders.for_patient(nurse, pid)
               if o.status == "printed"]  # fmt: skip
    assert len(printed) == 3 and last_actions(clinic, 3) == [("nurse-user", "print")] * 3
    due = LabWorkService(s.engine).due_list(nurse, dt.date(2026, 6, 1))
    assert to_print(due, within_days=0, reprint=False) == []
    assert len(to_print(due, within_days=0, reprint=True)) == 3


def test_an_auditor_may_not_print(clinic: Clinic, tmp_path: Path) -> None:
    out = tmp_path / "no.pdf"
    done = orders(clinic, "print", "--on", "2026-07-01", "--out", str(out), user="auditor-user")
    assert done.returncode == 1 and "does not allow" in done.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_export_fhir_validates(clinic: Clinic, tmp_path: Path) -> None:
    out = tmp_path / "labs.json"
    done = orders(clinic, "export-fhir", "--out", str(out))
    assert done.returncode == 0, done.stderr
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert enum_problems(Bundle.model_validate(bundle)) == []
    requests = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "ServiceRequest"]
    assert len(requests) > 20 and f"{out}" in done.stdout
    assert last_actions(clinic, 1) == [("nurse-user", "export")]
