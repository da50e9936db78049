"""The clinic the attacks are made on: a SQLite file set up through the services as a clinic
would use it, built once per test module into a template and copied for each attack.

Two patients, four signed records (the first with a justified warning), views before and
after the newest signature, an export of the first record's PDF, and a backup by an
administrator, which writes a signed checkpoint beside itself and in the data folder. The
attacker holds only the copy of the database file; the checkpoint is put where verify
finds it (the data folder of the test, `services.checkpoints.local_folder`), which the
attacker cannot reach.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from isoface_desk.devtools.demo_visits import JUSTIFICATIONS, Twist
from isoface_desk.services.audit.checkpoints import local_folder
from isoface_desk.services.audit.integrity import verify_url
from isoface_desk.services.clinic.backup import BackupService
from isoface_desk.services.visits.documents_service import DocumentService
from isoface_desk.services.visits.records import SignedVisit
from tests.services.conftest import (
    BIRTH,
    PASSWORD,
    VISIT_DAY,
    World,
    example_patient,
    opened_world,
    patient_signature,
    visit,
)

WARN = "LIVER_ENZYMES_HIGH"
PATIENTS = (("Zoë", "Ångström"), ("Odile", "Quenneville"))
CLINIC_NUMBERS = ("C-TAMPER-0001", "C-TAMPER-0002")
#: Never in a problem text: the patients' names, birth date and clinic numbers.
PATIENT_DATA = (*(n for pair in PATIENTS for n in pair), BIRTH.isoformat(), *CLINIC_NUMBERS)
FOLLOW_UP_DAY = VISIT_DAY + dt.timedelta(days=28)


@dataclass(frozen=True)
class Template:
    """The built clinic, closed: its file and what the attacks need to know about it."""

    path: Path
    checkpoint: Path  # the signed checkpoint the backup wrote beside itself
    exported: Path  # the first record's signed PDF as the clinic exported it
    records: tuple[int, ...]  # in signing order
    prescriber_id: int
    early_view: int  # seq of a view before the newest sign event
    late_view: int  # seq of a view after the newest sealed event
    last_seal: int  # seq of the newest sealed event
    head: int  # seq of the newest event (the backup's)
    checkpoint_seq: int  # the newest event the checkpoint names (the backup's, or the one before)


@dataclass(frozen=True)
class Clinic:
    """One attack's copy of the template."""

    path: Path
    url: str
    checkpoint: Path | None  # where verify finds it, or None when none was put there


def build_template(folder: Path) -> Template:
    """Set the clinic up in `folder` (its own data folder too, so the real one is never
    touched) and close it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "template.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ISOFACE_DATA_DIR", str(folder / "userdata"))
        with opened_world(f"sqlite:///{path}") as world:
            records = _sign_records(world)
            exported = folder / "record-1.pdf"
            derm = world.actors["dermatologist"]
            DocumentService(world.services.engine).export_pdf(derm, records[0], exported)
            (folder / "backup").mkdir()
            admin = world.actors["admin"]
            out = folder / "backup" / "clinic-backup.sqlite3"
            BackupService(world.services.engine).backup_now(admin, out)
            prescriber_id = world.actors["dermatologist"].user_id
    (checkpoint,) = sorted((folder / "backup").glob("isoface-checkpoint-*.json"))
    assert not path.with_name(path.name + "-wal").exists(), "closed with a -wal file left"
    made = Template(
        path,
        checkpoint,
        exported,
        records,
        prescriber_id,
        checkpoint_seq=int(json.loads(checkpoint.read_bytes())["head_seq"]),
        **_landmarks(path),
    )
    assert made.last_seal < made.late_view < made.checkpoint_seq <= made.head
    _check_clean(made, folder / "clean")
    return made


def _check_clean(template: Template, folder: Path) -> None:
    """A copy of the untouched clinic verifies, compared with its checkpoint: so every
    attack below starts from a file verify accepts, and each failure is the attack's."""
    folder.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ISOFACE_DATA_DIR", str(folder / "userdata"))
        clinic = copy_world(template, folder)
        report = verify_url(clinic.url)
    assert report.ok, [str(p) for p in report.problems]
    assert report.records == report.sealed_records == len(template.records)
    assert f"checkpoint {template.checkpoint.name} " in report.checkpoint


def _sign_records(world: World) -> tuple[int, ...]:
    """Patient A: initiation with a justified warning, follow-up, views; patient B:
    initiation, a view, follow-up; then every record viewed three times."""
    derm = world.actors["dermatologist"]
    records = world.services.records
    ids: list[int] = []
    for index, (given, family) in enumerate(PATIENTS):
        patient = dataclasses.replace(example_patient(), given_name=given, family_name=family)
        patient = dataclasses.replace(patient, clinic_number=CLINIC_NUMBERS[index])
        pid = world.services.patients.create(world.first, patient).id
        warned = index == 0
        start: SignedVisit = records.sign_visit(
            derm,
            pid,
            None,
            "initiation",
            visit(twist=Twist.ALT_RAISED) if warned else visit(),
            {WARN: JUSTIFICATIONS[WARN]} if warned else {},
            patient_signature(),
            PASSWORD,
        )
        ids.append(start.record_id)
        records.get(derm, start.record_id)
        follow_up = visit("follow-up", FOLLOW_UP_DAY)
        ids.append(
            records.sign_visit(
                derm, pid, start.course_id, "follow-up", follow_up, {}, [], PASSWORD
            ).record_id
        )
    for _ in range(3):
        for record_id in ids:
            records.get(derm, record_id)
    return tuple(ids)


def _landmarks(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT seq, action, details FROM audit_event ORDER BY seq").fetchall()
    conn.close()
    sealed = [seq for seq, _action, details in rows if '"seal":' in details]
    signs = [seq for seq, action, _details in rows if action == "sign"]
    views = [seq for seq, action, _details in rows if action == "view"]
    return {
        "early_view": next(s for s in views if s < signs[-1]),
        "late_view": next(s for s in views if s > sealed[-1]),
        "last_seal": sealed[-1],
        "head": rows[-1][0],
    }


def copy_world(template: Template, folder: Path, *, with_checkpoint: bool = True) -> Clinic:
    """A copy of the clinic's file in `folder`, and (unless told otherwise) the template's
    checkpoint in this copy's data folder, where verify looks (ISOFACE_DATA_DIR must
    already be the test's own, as tests/conftest.py sets it)."""
    path = folder / "clinic.sqlite3"
    shutil.copy(template.path, path)
    url = f"sqlite:///{path}"
    installed = None
    if with_checkpoint:
        checkpoints = local_folder(url)
        checkpoints.mkdir(parents=True, exist_ok=True)
        installed = Path(shutil.copy(template.checkpoint, checkpoints / template.checkpoint.name))
    return Clinic(path, url, installed)
