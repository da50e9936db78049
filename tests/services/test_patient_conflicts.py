"""Two workstations edit the same patient: the first save wins, the second is refused with
a ConflictError naming when and by whom, and nothing of the second is stored.

Each workstation is its own set of services (own engine, own connections) on the same
database, SQLite file or PostgreSQL. The race test holds the first workstation's
transaction open while the second saves, so on PostgreSQL the second's UPDATE really
waits for the first's row lock (seen in pg_stat_activity) and must match no row after it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from isoface_desk.errors import ConflictError
from isoface_desk.services.bundle import Services, open_services
from isoface_desk.services.care.patients import PatientData
from isoface_desk.services.context import Actor
from isoface_desk.storage.audit import append_event, events_for_target
from isoface_desk.storage.db import read_scope, session_scope
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories.patients import Patient
from tests.services.conftest import PASSWORD, World, example_patient


@pytest.fixture
def other(world: World, db_url: str) -> Iterator[Services]:
    """A second workstation: its own services on the same database."""
    services = open_services(db_url, migrate=False)
    yield services
    services.close()


def _data(patient: Patient, **changes: object) -> PatientData:
    fields = {f.name: getattr(patient, f.name) for f in dataclasses.fields(PatientData)}
    return dataclasses.replace(PatientData(**fields), **changes)  # type: ignore[arg-type]


def _edits(w: World, patient_id: int) -> list[str]:
    with read_scope(w.services.engine) as session:
        trail = events_for_target(session, "patient", patient_id)
    return [e.actor for e in trail if e.action == "edit"]


def _stored(w: World, patient_id: int) -> Patient:
    with read_scope(w.services.engine) as session:
        return patients_repo.get_patient(session, patient_id)


def _conflict_text(stored: Patient, by: str) -> str:
    assert stored.updated_at is not None
    at = stored.updated_at.astimezone().strftime("%H:%M")
    return (
        f"This patient was changed on another workstation since you opened it (at {at} by "
        f"{by}). Your changes were not saved: reopen the patient to see theirs."
    )


def test_the_second_of_two_edits_from_one_reading_is_refused(world: World, other: Services) -> None:
    nurse = world.actors["nurse"]
    derm = other.auth.login("dermatologist-user", PASSWORD)
    pid = world.services.patients.create(nurse, example_patient()).id
    here = world.services.patients.get(nurse, pid)
    there = other.patients.get(derm, pid)
    assert here.updated_at == there.updated_at

    world.services.patients.edit(
        nurse, pid, _data(here, family_name="First-wins"), read_at=here.updated_at
    )
    with pytest.raises(ConflictError) as refused:
        other.patients.edit(derm, pid, _data(there, phone="0999"), read_at=there.updated_at)

    stored = _stored(world, pid)
    assert (stored.family_name, stored.phone) == ("First-wins", "")
    assert str(refused.value) == _conflict_text(stored, "nurse-user")
    assert _edits(world, pid) == ["nurse-user"]
    again = other.patients.get(derm, pid)  # reopened: theirs is shown, and saving works
    other.patients.edit(derm, pid, _data(again, phone="0999"), read_at=again.updated_at)
    assert (_stored(world, pid).family_name, _stored(world, pid).phone) == ("First-wins", "0999")
    assert _edits(world, pid) == ["nurse-user", "dermatologist-user"]


def test_edits_in_turn_each_make_a_new_version(world: World) -> None:
    """Saving from what the last save returned never conflicts with oneself, however fast."""
    nurse = world.actors["nurse"]
    patient = world.services.patients.create(nurse, example_patient())
    versions = [patient.updated_at]
    for n in range(5):
        patient = world.services.patients.edit(
            nurse, patient.id, _data(patient, phone=f"0{n}"), read_at=patient.updated_at
        )
        versions.append(patient.updated_at)
    assert len(set(versions)) == 6 and versions == sorted(versions)  # type: ignore[type-var]
    assert _stored(world, patient.id).phone == "04"


def _wait_until_blocked(w: World, admin: sa.Engine | None) -> None:
    """PostgreSQL: until a backend of this database waits on a lock. SQLite: a moment
    (the second's BEGIN IMMEDIATE waits on the busy timeout whatever the timing)."""
    if admin is None:
        time.sleep(0.3)
        return
    name = w.services.engine.url.database
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = :n AND wait_event_type = 'Lock'"
    )
    for _ in range(500):
        with admin.connect() as conn:
            if conn.scalar(query, {"n": name}):
                return
        time.sleep(0.02)
    raise AssertionError("the second workstation's save never waited on the first's lock")


def test_a_save_racing_an_open_save_is_refused(world: World, other: Services, db_url: str) -> None:
    nurse = world.actors["nurse"]
    derm: Actor = other.auth.login("dermatologist-user", PASSWORD)
    pid = world.services.patients.create(nurse, example_patient()).id
    read = other.patients.get(derm, pid)
    outcome: list[BaseException | Patient] = []

    def second_save() -> None:
        try:
            data = _data(read, family_name="Second")
            outcome.append(other.patients.edit(derm, pid, data, read_at=read.updated_at))
        except BaseException as exc:  # handed to the main thread
            outcome.append(exc)

    admin = None if db_url.startswith("sqlite") else sa.create_engine(db_url)
    worker = threading.Thread(target=second_save)
    try:
        with session_scope(world.services.engine) as session:  # the first, still open
            data = _data(read, family_name="First")
            patients_repo.update_patient(session, pid, data, read_at=read.updated_at)
            append_event(session, "nurse-user", "edit", "patient", pid, {"fields": ["x"]})
            worker.start()
            _wait_until_blocked(world, admin)
        worker.join(timeout=30)
    finally:
        if admin is not None:
            admin.dispose()
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError), outcome
    stored = _stored(world, pid)
    assert stored.family_name == "First"
    assert str(outcome[0]) == _conflict_text(stored, "nurse-user")
    assert _edits(world, pid) == ["nurse-user"]
