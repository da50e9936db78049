"""Treatment courses of isotretinoin (one patient may have several over the years)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isoface_desk.errors import InputError, NotFound
from isoface_desk.storage.models import CourseRow, PatientRow, utcnow

STATUSES = ("planned", "active", "completed", "stopped")


@dataclass(frozen=True)
class CourseData:
    patient_id: int
    start_date: dt.date
    product: str
    strength_mg: float
    target_cumulative_mg_per_kg: float
    status: str = "active"
    end_date: dt.date | None = None
    lab_schedule_profile: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Course(CourseData):
    id: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


_FIELDS = (
    "patient_id",
    "start_date",
    "product",
    "strength_mg",
    "target_cumulative_mg_per_kg",
    "status",
    "end_date",
    "lab_schedule_profile",
    "details",
)


def _to_course(row: CourseRow) -> Course:
    values = {name: getattr(row, name) for name in _FIELDS}
    values["details"] = dict(row.details)
    return Course(id=row.id, created_at=row.created_at, updated_at=row.updated_at, **values)


def _check(session: Session, data: CourseData) -> None:
    problems = []
    if data.status not in STATUSES:
        problems.append(f"Course status must be one of {', '.join(STATUSES)}.")
    if data.end_date is not None and data.end_date < data.start_date:
        problems.append("A course cannot end before it starts.")
    if data.strength_mg <= 0 or data.target_cumulative_mg_per_kg <= 0:
        problems.append("Strength and target cumulative dose must be positive.")
    if problems:
        raise InputError(problems)
    if session.get(PatientRow, data.patient_id) is None:
        raise NotFound(f"Patient {data.patient_id} does not exist.")


def add_course(session: Session, data: CourseData) -> Course:
    _check(session, data)
    now = utcnow()
    row = CourseRow(**{name: getattr(data, name) for name in _FIELDS})
    row.created_at = now
    row.updated_at = now
    session.add(row)
    session.flush()
    return _to_course(row)


def update_course(session: Session, course_id: int, data: CourseData) -> Course:
    """Replace a course's details (dose change, end date, status)."""
    _check(session, data)
    row = session.get(CourseRow, course_id)
    if row is None:
        raise NotFound(f"Course {course_id} does not exist.")
    for name in _FIELDS:
        setattr(row, name, getattr(data, name))
    row.updated_at = utcnow()
    session.flush()
    return _to_course(row)


def get_course(session: Session, course_id: int) -> Course:
    row = session.get(CourseRow, course_id)
    if row is None:
        raise NotFound(f"Course {course_id} does not exist.")
    return _to_course(row)


def courses_for_patient(session: Session, patient_id: int) -> list[Course]:
    query = (
        select(CourseRow)
        .where(CourseRow.patient_id == patient_id)
        .order_by(CourseRow.start_date, CourseRow.id)
    )
    return [_to_course(row) for row in session.scalars(query)]


def courses_with_status(session: Session, *statuses: str) -> list[Course]:
    """Courses in any of `statuses` (default: active), e.g. to generate lab orders."""
    wanted = statuses or ("active",)
    query = select(CourseRow).where(CourseRow.status.in_(wanted)).order_by(CourseRow.id)
    return [_to_course(row) for row in session.scalars(query)]
