"""Storage fixtures: a migrated database on each backend and a few ready-made rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from isoface_desk.storage.db import make_engine, session_scope
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.repositories.patients import PatientData, add_patient
from isoface_desk.storage.repositories.records import (
    NewRecord,
    StoredRecord,
    insert_signed_record,
)
from isoface_desk.storage.repositories.users import create_user
from tests.conftest import _fresh_pg_database, require_pg

NAMES = [
    ("Zoë", "Ångström"),
    ("Иван", "Петров"),
    ("小龍", "李"),
    ("محمد", "عبدالله"),
]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    upgrade(db_url)
    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated database per test module and backend, for tests that only add rows
    (cheaper than a new PostgreSQL database per test)."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter(
            [f"sqlite:///{tmp_path_factory.mktemp('db') / 'shared.sqlite3'}"]
        )
    else:
        urls = _fresh_pg_database(require_pg())
    url = next(urls)
    upgrade(url)
    eng = make_engine(url)
    try:
        yield eng
    finally:
        eng.dispose()
        next(urls, None)  # drops the PostgreSQL database


def seed_people(engine: Engine, patients: int = 1) -> tuple[int, list[int]]:
    """A new dermatologist and `patients` new patients; returns (user id, patient ids)."""
    tag = uuid.uuid4().hex[:8]
    with session_scope(engine) as s:
        user = create_user(
            s,
            username=f"derm-{tag}",
            display_name="Dr Derm",
            role="dermatologist",
            password_hash="x",
            licence_number="GMC 1234567",
        )
        ids = []
        for i in range(patients):
            given, family = NAMES[i % len(NAMES)]
            ids.append(
                add_patient(
                    s,
                    PatientData(
                        given_name=given,
                        family_name=family,
                        birth_date=dt.date(2000, 1, 1 + i % 28),
                        sex_at_birth="female",
                        clinic_number=f"C{i:05d}-{tag}",
                        can_get_pregnant=True,
                    ),
                ).id
            )
    return user.id, ids


def new_record(patient_id: int, prescriber_id: int, **overrides: object) -> NewRecord:
    values: dict[str, object] = {
        "patient_id": patient_id,
        "course_id": None,
        "visit_kind": "initiation",
        "visit_date": dt.date(2024, 5, 1),
        "profile_id": "eu-ppp",
        "verdict": "allowed",
        "prescriber_id": prescriber_id,
        "form_id": "initiation",
        "form_version": "1",
        "form_hash": "f" * 64,
        "answers": {"weight_kg": 61.5, "note": "Zoë — ok"},
        "findings": [{"code": "PHQ9_MILD", "severity": "warning"}],
        "justifications": {"PHQ9_MILD": "Discussed; follow-up in 4 weeks."},
        "signatures": [{"role": "patient", "name": "Zoë Ångström", "png": "iVBORw0K"}],
    }
    values.update(overrides)
    return NewRecord(**values)  # type: ignore[arg-type]


def fake_pdf(record: StoredRecord) -> bytes:
    return b"%PDF-1.7\n" + f"record {record.id} {record.content_hash}".encode() + b"\n%%EOF"


def sign(engine: Engine, patient_id: int, prescriber_id: int, **overrides: object) -> StoredRecord:
    with session_scope(engine) as s:
        return insert_signed_record(
            s,
            new_record(patient_id, prescriber_id, **overrides),
            actor="derm",
            pdf_builder=fake_pdf,
        )
