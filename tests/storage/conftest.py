"""Storage fixtures: a migrated database on each backend and a few ready-made rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from isoface_desk.domain.record_marks import pdf_keywords
from isoface_desk.services.access.signing_keys import UnlockedKey, issue_key
from isoface_desk.storage.db import make_engine, session_scope
from isoface_desk.storage.handles import Session
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.repositories.patients import PatientData, add_patient
from isoface_desk.storage.repositories.records import (
    NewRecord,
    StoredRecord,
    insert_signed_record,
)
from isoface_desk.storage.repositories.users import User, create_user
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
        _give_key(s, engine, user)
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


#: The password that wraps every seeded prescriber's key (a child process unlocks it).
KEY_PASSWORD = "unused-test-password"
#: Each seeded prescriber's unlocked key, by (database, user id): `sign` seals with it.
KEYS: dict[tuple[str, int], UnlockedKey] = {}
#: Each database's root key (its first), which endorses the later ones.
ROOTS: dict[str, UnlockedKey] = {}


def _db(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _give_key(session: Session, engine: Engine, user: User) -> UnlockedKey:
    """The user's signing key, announced as the services announce one: the database's
    first is its root (one "key issued" event), every later one endorsed by that root."""
    root = ROOTS.get(_db(engine))
    key = issue_key(session, user, KEY_PASSWORD, actor="setup",
                    endorser=root, clinic_name="Test")  # fmt: skip
    ROOTS.setdefault(_db(engine), key)
    KEYS[(_db(engine), user.id)] = key
    return key


def sealer_of(engine: Engine, prescriber_id: int) -> UnlockedKey | None:
    return KEYS.get((_db(engine), prescriber_id))


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
    """A stand-in PDF that names its record's content hash, as a real one does."""
    mark = pdf_keywords(record.id, record.content_hash)
    return b"%PDF-1.7\n" + mark.encode() + b"\n%%EOF"


def sign(engine: Engine, patient_id: int, prescriber_id: int, **overrides: object) -> StoredRecord:
    with session_scope(engine) as s:
        return insert_signed_record(
            s,
            new_record(patient_id, prescriber_id, **overrides),
            actor="derm",
            pdf_builder=fake_pdf,
            sealer=sealer_of(engine, prescriber_id),
        )
