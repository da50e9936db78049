"""`isoface-desk visit prefill` in real child processes on a real SQLite clinic built through
the services: a signed initiation (which starts the course) and a nurse's TG 9.5 mmol/L on
one of its orders give a follow-up prefill with those labs and the carried answers, valid
isoface-check/1 input whose check (PHQ-9 filled in) blocks on TG_SEVERE. Audited as a view
of the patient; a visit that cannot start is one line and exit 2; an auditor is refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from isoface_desk.cli.visit import KINDS
from isoface_desk.domain.visit import VISIT_KINDS
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.labs.lab_results import LabResultService, ResultEntry
from isoface_desk.storage.audit import AuditEvent, recent_events
from isoface_desk.storage.db import read_scope
from tests.cli.child import run_cli
from tests.conftest import ROOT
from tests.services.conftest import (
    PASSWORD,
    World,
    _open,
    example_patient,
    patient_signature,
    setup_world,
    visit,
)

RESULT_DAY = dt.date(2026, 12, 14)
ON = "2026-12-17"  # the month-1 follow-up of the initiation of 2026-11-19


@dataclass
class Clinic:
    url: str
    world: World
    treated: str  # clinic numbers: signed initiation, TG 9.5 entered by the nurse
    untreated: str  # no course
    drafted: str  # a course, and an unsigned follow-up draft of the dermatologist-user


def _bloods(tg: float) -> list[ResultEntry]:
    return [
        ResultEntry("ALT", RESULT_DAY, 30, "U/L", 40),
        ResultEntry("AST", RESULT_DAY, 28, "U/L", 40),
        ResultEntry("TG", RESULT_DAY, tg, "mmol/L"),
        ResultEntry("CHOL", RESULT_DAY, 4.8, "mmol/L", 5.2),
    ]


def _treated(w: World) -> str:
    data = example_patient()
    pid = w.services.patients.create(w.first, data).id
    signed = w.services.records.sign_visit(w.first, pid, None, "initiation", visit(), {},
                                           patient_signature(), PASSWORD)  # fmt: skip
    assert signed.course_id is not None, "signing the initiation starts the course"
    nurse = w.actors["nurse"]
    bloods = next(o for o in w.services.orders.for_patient(nurse, pid) if "TG" in o.tests)
    w.clock.advance(days=24)  # 2026-12-14: the nurse enters the month-1 bloods
    LabResultService(w.services.engine, now=w.clock).record(nurse, bloods.id, _bloods(9.5))
    return data.clinic_number


def _drafted(w: World) -> str:
    data = example_patient()
    pid = w.services.patients.create(w.first, data).id
    start = CourseStart(start_date=dt.date(2026, 11, 1), product="Isoface 20 mg",
                        strength_mg=20, mg_per_day=40)  # fmt: skip
    course = w.services.courses.start(w.first, pid, start)
    w.services.drafts.save(w.actors["dermatologist"], patient_id=pid, kind="follow-up",
                           visit_date=dt.date(2026, 12, 1), answers={},
                           course_id=course.course.id)  # fmt: skip
    return data.clinic_number


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'prefill.sqlite3'}"
    services, clock = _open(url)
    w = setup_world(services, clock)
    untreated = example_patient()
    services.patients.create(w.first, untreated)
    yield Clinic(url, w, _treated(w), untreated.clinic_number, _drafted(w))
    services.close()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "ISOFACE_PASSWORD": PASSWORD}


def prefill(c: Clinic, number: str, kind: str, *more: str,
            user: str = "first") -> subprocess.CompletedProcess[str]:  # fmt: skip
    return run_cli(c.url, _env(), "visit", "prefill", "--patient", number, "--kind", kind,
                   *more, "--user", user)  # fmt: skip


def check(c: Clinic, data: dict[str, Any], path: Path) -> subprocess.CompletedProcess[str]:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return run_cli(c.url, _env(), "check", str(path))


def newest(c: Clinic) -> AuditEvent:
    with read_scope(c.world.services.engine) as session:
        return recent_events(session, limit=1)[0]


def test_a_follow_up_opens_with_the_nurses_tg_and_the_carried_answers(
    clinic: Clinic, tmp_path: Path
) -> None:
    done = prefill(clinic, clinic.treated, "follow-up", "--on", ON, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["format"], data["visit"]) == ("isoface-check/1", {"date": ON, "kind": "follow-up"})
    tg = next(entry for entry in data["labs"] if entry["test"] == "TG")
    assert tg == {"test": "TG", "date": RESULT_DAY.isoformat(), "value": 9.5, "unit": "mmol/L"}
    signed = visit()  # the initiation, carried forward
    assert data["patient"]["weight_kg"] == signed["patient"]["weight_kg"]
    assert data["product"] == signed["product"]
    assert data["dose"]["mg_per_day"] == signed["dose"]["mg_per_day"]
    assert data["contraception"]["methods"] == signed["contraception"]["methods"]
    event = newest(clinic)
    assert (event.actor, event.action, event.target_kind) == ("first", "view", "patient")
    assert event.details == {"page": "visit prefill", "kind": "follow-up"}
    as_is = check(clinic, data, tmp_path / "as-is.json")  # valid as far as it goes
    assert as_is.returncode in (0, 2), as_is.stderr
    assert all(line.endswith(": missing") for line in as_is.stderr.splitlines()), as_is.stderr
    data["phq9"] = [0] * 9  # what the prescriber still has to ask
    checked = check(clinic, data, tmp_path / "visit.json")
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    severe = next(f for f in result["findings"] if f["code"] == "TG_SEVERE")
    assert severe["severity"] == "block" and result["verdict"] == "blocked"


def test_the_summary_names_carried_sections_sources_and_what_is_left(clinic: Clinic) -> None:
    done = prefill(clinic, clinic.treated, "follow-up", "--on", ON)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert f"Follow-up visit of {ON} for {clinic.treated}" in text
    assert "Carried, to confirm before signing:" in text and "As on 2026-11-19" in text
    assert "TG 9.5 mmol/L of 2026-12-14: lab order LO-" in text
    assert "Still to answer" in text and "PHQ-9" in text
    assert "Zoë" not in text and done.stderr == ""


def test_a_first_initiation_is_valid_as_far_as_it_goes(clinic: Clinic, tmp_path: Path) -> None:
    done = prefill(clinic, clinic.untreated, "initiation", "--on", ON, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["patient"] == {"birth_date": "1998-07-03", "pregnancy_potential": True}
    checked = check(clinic, data, tmp_path / "initiation.json")
    problems = checked.stderr.splitlines()
    assert checked.returncode == 2 and "patient.weight_kg: missing" in problems
    assert all(line.endswith(": missing") for line in problems), checked.stderr


def test_a_visit_that_cannot_start_is_one_line_and_exit_2(clinic: Clinic) -> None:
    no_course = prefill(clinic, clinic.untreated, "follow-up", "--json")
    assert no_course.returncode == 2 and no_course.stdout == ""
    (line,) = no_course.stderr.strip().splitlines()
    assert line.startswith("isoface-desk: ") and "needs an open treatment course" in line
    unknown = prefill(clinic, "C-no-such-number", "end-of-course", "--json")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "No patient has the clinic number 'C-no-such-number'" in unknown.stderr
    assert "Traceback" not in no_course.stderr + unknown.stderr


def test_a_draft_is_noted_and_another_day_refused(clinic: Clinic) -> None:
    derm = "dermatologist-user"
    done = prefill(clinic, clinic.drafted, "follow-up", "--json", user=derm)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["visit"]["date"] == "2026-12-01"  # the draft's day
    assert "unsigned follow-up visit of 2026-12-01" in done.stderr
    assert "not the draft" in done.stderr
    other = prefill(clinic, clinic.drafted, "follow-up", "--on", ON, "--json", user=derm)
    assert other.returncode == 2 and "--on 2026-12-01" in other.stderr
    by_first = prefill(clinic, clinic.drafted, "follow-up", "--on", ON, "--json")
    assert by_first.returncode == 0, by_first.stderr
    assert "another prescriber has an unsigned follow-up visit (2026-12-01)" in by_first.stderr


def test_an_auditor_is_refused_and_nothing_is_audited_as_read(clinic: Clinic) -> None:
    before = newest(clinic).seq
    done = prefill(clinic, clinic.treated, "follow-up", "--json", user="auditor-user")
    assert done.returncode == 1 and done.stdout == ""
    assert "does not allow this (draft.write" in done.stderr
    event = newest(clinic)
    assert (event.seq, event.action) == (before + 1, "login")  # the sign-in, no "view"
    assert KINDS == VISIT_KINDS
