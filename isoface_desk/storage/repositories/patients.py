"""Patients: add, edit, find (by name in any script, birth date or clinic number), and a
bulk path for large demo seeds.

Search uses `search_name`, the given and family names folded for comparison: Unicode
compatibility decomposition with accents removed, then case-folded ("Zoë Ångström" ->
"zoe angstrom", "Иван Петров" -> "иван петров"), so a search typed without accents or in
another case still finds the patient on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from isoface_desk.errors import ConflictError, InputError, NotFound
from isoface_desk.storage.models import AuditEventRow, PatientRow, utcnow

SEXES = ("female", "male", "intersex", "unknown")


@dataclass(frozen=True)
class PatientData:
    given_name: str
    family_name: str
    birth_date: dt.date
    sex_at_birth: str
    clinic_number: str
    can_get_pregnant: bool | None = None
    phone: str = ""
    other_identifiers: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Patient(PatientData):
    id: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


def fold(text: str) -> str:
    """Accent- and case-insensitive form of a name, for search."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _check(data: PatientData) -> None:
    problems = []
    if not (data.given_name.strip() or data.family_name.strip()):
        problems.append("A patient needs a given or a family name.")
    if not data.clinic_number.strip():
        problems.append("A patient needs a clinic number.")
    if data.sex_at_birth not in SEXES:
        problems.append(f"Sex at birth must be one of {', '.join(SEXES)}.")
    if problems:
        raise InputError(problems)


def _values(data: PatientData) -> dict[str, Any]:
    return {
        "given_name": data.given_name,
        "family_name": data.family_name,
        "search_name": fold(f"{data.given_name} {data.family_name}"),
        "birth_date": data.birth_date,
        "sex_at_birth": data.sex_at_birth,
        "clinic_number": data.clinic_number,
        "can_get_pregnant": data.can_get_pregnant,
        "phone": data.phone,
        "other_identifiers": dict(data.other_identifiers),
        "attributes": dict(data.attributes),
    }


def _to_patient(row: PatientRow) -> Patient:
    return Patient(
        id=row.id,
        given_name=row.given_name,
        family_name=row.family_name,
        birth_date=row.birth_date,
        sex_at_birth=row.sex_at_birth,
        clinic_number=row.clinic_number,
        can_get_pregnant=row.can_get_pregnant,
        phone=row.phone,
        other_identifiers=dict(row.other_identifiers),
        attributes=dict(row.attributes),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _number_taken(session: Session, clinic_number: str, except_id: int | None) -> bool:
    query = select(PatientRow.id).where(PatientRow.clinic_number == clinic_number)
    if except_id is not None:
        query = query.where(PatientRow.id != except_id)
    return session.scalar(query.limit(1)) is not None


def add_patient(session: Session, data: PatientData) -> Patient:
    _check(data)
    if _number_taken(session, data.clinic_number, None):
        raise InputError(f"Clinic number {data.clinic_number} is already used.")
    now = utcnow()
    row = PatientRow(**_values(data), created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return _to_patient(row)


def update_patient(
    session: Session, patient_id: int, data: PatientData, *, read_at: dt.datetime | None = None
) -> Patient:
    """Replace a patient's details with `data`.

    `read_at` is the `updated_at` the person's copy was read at: the details are replaced
    only if nobody saved the patient since, else ConflictError and nothing changes. The
    UPDATE itself carries the condition, because on PostgreSQL two workstations can read
    the same version at once: the second UPDATE waits for the first's row lock, then
    matches no row. The new `updated_at` is always later than the old one, so a
    workstation whose clock runs behind still makes a new version.
    """
    _check(data)
    row = session.get(PatientRow, patient_id)
    if row is None:
        raise NotFound(f"Patient {patient_id} does not exist.")
    if read_at is not None and row.updated_at != read_at:
        raise _conflict(session, row)
    if _number_taken(session, data.clinic_number, patient_id):
        raise InputError(f"Clinic number {data.clinic_number} is already used.")
    query = update(PatientRow).where(PatientRow.id == patient_id)
    if read_at is not None:
        query = query.where(PatientRow.updated_at == read_at)
    now = max(utcnow(), row.updated_at + dt.timedelta(microseconds=1))
    query = query.values(**_values(data), updated_at=now)
    result = session.execute(query.execution_options(synchronize_session=False))
    session.refresh(row)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _conflict(session, row)
    return _to_patient(row)


def _conflict(session: Session, row: PatientRow) -> ConflictError:
    """The refusal of a stale edit, naming when (local time) and by whom the patient was
    last changed; the user name comes from the newest 'edit' event, if there is one."""
    editor = session.scalar(
        select(AuditEventRow.actor)
        .where(AuditEventRow.target_kind == "patient")
        .where(AuditEventRow.target_id == str(row.id))
        .where(AuditEventRow.action == "edit")
        .order_by(AuditEventRow.seq.desc())
        .limit(1)
    )
    local = row.updated_at.astimezone()
    when = local.strftime("%H:%M")
    if local.date() != dt.datetime.now().astimezone().date():
        when += f" on {local.date().isoformat()}"
    who = f" by {editor}" if editor else ""
    return ConflictError(
        f"This patient was changed on another workstation since you opened it "
        f"(at {when}{who}). Your changes were not saved: reopen the patient to see theirs."
    )


def get_patient(session: Session, patient_id: int) -> Patient:
    row = session.get(PatientRow, patient_id)
    if row is None:
        raise NotFound(f"Patient {patient_id} does not exist.")
    return _to_patient(row)


def get_patients(session: Session, patient_ids: Iterable[int]) -> dict[int, Patient]:
    """Several patients at once (for a page of a record or order list)."""
    ids = sorted(set(patient_ids))
    if not ids:
        return {}
    rows = session.scalars(select(PatientRow).where(PatientRow.id.in_(ids)))
    return {row.id: _to_patient(row) for row in rows}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_conditions(text: str, birth_date: dt.date | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    tokens = fold(text).split()
    if tokens:
        by_name = and_(
            *(PatientRow.search_name.like(f"%{_like_escape(t)}%", escape="\\") for t in tokens)
        )
        by_number = PatientRow.clinic_number.like(f"{_like_escape(text.strip())}%", escape="\\")
        conditions.append(or_(by_name, by_number))
    if birth_date is not None:
        conditions.append(PatientRow.birth_date == birth_date)
    return conditions


def search_patients(
    session: Session,
    text: str = "",
    *,
    birth_date: dt.date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Patient]:
    """Patients whose name contains every word of `text` (accents and case ignored) or whose
    clinic number starts with it, born on `birth_date` if given; by family, given name."""
    query = (
        select(PatientRow)
        .where(*_search_conditions(text, birth_date))
        .order_by(PatientRow.family_name, PatientRow.given_name, PatientRow.id)
        .limit(limit)
        .offset(offset)
    )
    return [_to_patient(row) for row in session.scalars(query)]


def count_patients(session: Session, text: str = "", *, birth_date: dt.date | None = None) -> int:
    query = select(func.count(PatientRow.id)).where(*_search_conditions(text, birth_date))
    return int(session.scalar(query) or 0)


def bulk_insert_patients(
    session: Session, patients: Iterable[PatientData], *, batch_size: int = 5000
) -> int:
    """Insert many patients with executemany (no ORM objects, no per-row checks beyond
    the database's own constraints). Returns how many were inserted."""
    now = utcnow()
    total = 0
    table = cast(Table, PatientRow.__table__)
    connection = session.connection()
    for chunk in _chunks(patients, batch_size):
        values = [{**_values(p), "created_at": now, "updated_at": now} for p in chunk]
        connection.execute(insert(table), values)
        total += len(values)
    return total


def _chunks(items: Iterable[PatientData], size: int) -> Iterator[list[PatientData]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
