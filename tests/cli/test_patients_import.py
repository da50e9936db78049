"""`isoface-desk patients import FILE.csv --user NAME` in real child processes on a real
SQLite clinic: the patients of a good file are added (findable, one "bulk import" event
naming the count, no names printed); a file with any bad row stores nothing and names
every bad line; a clinic number already in the database refuses the whole file; an
auditor is refused."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from tests.cli.child import run_cli
from tests.conftest import ROOT
from tests.services.conftest import PASSWORD, World, _open, setup_world

HEADER = "clinic_number,given_name,family_name,birth_date,sex_at_birth,can_get_pregnant,phone"
GOOD = [
    "IMP-001,Zoë,Ångström,2001-04-05,female,yes,+44 20 7946 0001",
    "IMP-002,Иван,Петров,12/11/1999,male,,",
    "IMP-003,Sam,Lee,1995-01-30,intersex,no,",
]


@dataclass
class Clinic:
    url: str
    world: World
    tmp: Path

    def csv(self, name: str, *lines: str) -> Path:
        path = self.tmp / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def count(self) -> int:
        return self.world.services.patients.count(self.world.actors["nurse"])


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    tmp = tmp_path_factory.mktemp("cli-patients")
    url = f"sqlite:///{tmp / 'patients.sqlite3'}"
    services, clock = _open(url)
    yield Clinic(url, setup_world(services, clock), tmp)
    services.close()


def run_import(c: Clinic, path: Path, user: str = "nurse-user") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ISOFACE_PASSWORD": PASSWORD}
    return run_cli(c.url, env, "patients", "import", str(path), "--user", user)


def test_a_good_file_is_imported_and_audited(clinic: Clinic) -> None:
    before = clinic.count()
    done = run_import(clinic, clinic.csv("good.csv", HEADER, *GOOD))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3 patient(s) imported from good.csv."
    assert "Zoë" not in done.stdout + done.stderr
    assert clinic.count() == before + 3
    nurse = clinic.world.actors["nurse"]
    (zoe,) = clinic.world.services.patients.search(nurse, "zoe angstrom")
    assert (zoe.clinic_number, zoe.can_get_pregnant, zoe.phone) == (
        "IMP-001", True, "+44 20 7946 0001")  # fmt: skip
    (ivan,) = clinic.world.services.patients.search(nurse, "IMP-002")
    assert ivan.birth_date.isoformat() == "1999-11-12" and ivan.can_get_pregnant is None
    with read_scope(clinic.world.services.engine) as session:
        event = recent_events(session, 1, action="bulk import")[0]
    assert (event.actor, event.details) == ("nurse-user", {"count": 3})


def test_any_bad_row_stores_nothing_and_every_bad_line_is_named(clinic: Clinic) -> None:
    before = clinic.count()
    path = clinic.csv(
        "bad.csv", HEADER,
        "NEW-001,Ann,Ok,1990-01-01,female,no,",
        "NEW-002,Bob,Date,1990-02-30,male,,",
        "NEW-003,Cy,Sex,1990-01-01,robot,,",
        ",,,1990-01-01,female,maybe,",
        "NEW-001,Dup,Number,1991-01-01,male,,",
        "NEW-005,Eve,Future,2999-01-01,female,yes,",
    )  # fmt: skip
    done = run_import(clinic, path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    err = done.stderr
    assert "Nothing was imported" in err
    assert "line 3: birth date '1990-02-30' is not a date" in err
    assert "line 4: sex at birth 'robot' is not one of" in err
    assert "line 5: can_get_pregnant 'maybe' is not yes, no or empty" in err
    assert "line 5: no clinic number" in err and "line 5: neither a given nor a family name" in err
    assert "lines 2, 6: clinic number NEW-001 appears more than once" in err
    assert "line 7: the birth date is in the future" in err
    assert clinic.count() == before


def test_a_clinic_number_already_used_refuses_the_whole_file(clinic: Clinic) -> None:
    before = clinic.count()
    path = clinic.csv("again.csv", HEADER, "NEW-100,New,Person,1990-01-01,female,no,", GOOD[0])
    done = run_import(clinic, path)
    assert done.returncode == 1
    assert "clinic number(s) already used: IMP-001" in done.stderr
    assert clinic.count() == before


def test_a_wrong_header_and_an_auditor_are_refused(clinic: Clinic) -> None:
    wrong = clinic.csv("wrong.csv", "clinic_number,name,birth_date", "X-1,Ann,1990-01-01")
    done = run_import(clinic, wrong)
    assert done.returncode == 1
    assert "missing column(s) given_name, family_name, sex_at_birth" in done.stderr
    assert "unknown column(s) name" in done.stderr
    refused = run_import(clinic, clinic.csv("ok.csv", HEADER, "AUD-1,A,B,1990-01-01,male,,"),
                         user="auditor-user")  # fmt: skip
    assert refused.returncode == 1 and "patient.write" in refused.stderr
    assert not clinic.world.services.patients.search(clinic.world.actors["nurse"], "AUD-1")
