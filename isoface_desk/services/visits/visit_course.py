"""What signing a visit does to its treatment course, inside the signing transaction.

An initiation starts the course (or activates the planned one) with the product, its
strength (read from the product name, "Isoface 20 mg"), the daily dose, the planned length
and the lab-monitoring schedule; a follow-up whose daily dose differs from the course's
changes the dose from the visit date; the end-of-course visit completes the course on its
date. Each step is the CourseService step (services/care/courses.py): audited and with the lab
orders regenerated in the same unit of work, so record, course and orders never disagree.
A correction (a record that amends another) never changes the course.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from isoface_desk.domain.lab_schedule import add_months
from isoface_desk.domain.visit import Visit
from isoface_desk.errors import InputError
from isoface_desk.services.care.courses import (
    CourseStart,
    activate_course,
    change_course_dose,
    current_mg_per_day,
    end_course,
    start_course,
)
from isoface_desk.services.context import Actor
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import courses as courses_repo
from isoface_desk.storage.repositories import records as records_repo

__all__ = ["CoursePlan", "apply_to_course", "strength_of"]

SCHEDULES = ("smpc", "minimal")
_STRENGTH = re.compile(r"(\d+(?:[.,]\d+)?)\s*mg\b", re.IGNORECASE)


@dataclass(frozen=True)
class CoursePlan:
    """What an initiation decides beyond the visit: the planned length and the schedule
    (None: the clinic's default)."""

    months: int = 6
    lab_schedule: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.months <= 24:
            raise InputError("course_months: the planned length is 1 to 24 months.")
        if self.lab_schedule is not None and self.lab_schedule not in SCHEDULES:
            raise InputError(f"lab_schedule: one of {', '.join(SCHEDULES)}, or the clinic's.")

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any]) -> CoursePlan:
        """From the initiation checklist's `course_months` and `lab_schedule` answers."""
        months = answers.get("course_months")
        schedule = answers.get("lab_schedule")
        return cls(
            months=int(months) if isinstance(months, int | float) else 6,
            lab_schedule=str(schedule) if schedule in SCHEDULES else None,
        )


def strength_of(product_name: str) -> float:
    """The capsule strength in a product name ("Isoface 20 mg" -> 20.0); 0 if none."""
    match = _STRENGTH.search(product_name)
    return float(match.group(1).replace(",", ".")) if match else 0.0


def apply_to_course(
    session: Session, actor: Actor, patient_id: int, course_id: int | None,
    visit: Visit, plan: CoursePlan | None,
) -> int | None:  # fmt: skip
    """Start, change or end the course as the visit says; the course id of the record."""
    kind = visit.kind
    course = courses_repo.get_course(session, course_id) if course_id is not None else None
    if kind == "initiation":
        return _initiate(session, actor, patient_id, course, visit, plan or CoursePlan())
    if course is None or course.status != "active":
        raise InputError(f"A {kind} visit needs an active treatment course.")
    if kind == "follow-up" and visit.dose is not None:
        current = current_mg_per_day(course, visit.date)
        if current is None or abs(current - visit.dose.mg_per_day) > 1e-9:
            change_course_dose(session, actor, course.id, visit.date, visit.dose.mg_per_day)
    elif kind == "end-of-course":
        end_course(session, actor, course.id, visit.date, status="completed")
    return course.id


def _initiate(
    session: Session, actor: Actor, patient_id: int, course: courses_repo.Course | None,
    visit: Visit, plan: CoursePlan,
) -> int:  # fmt: skip
    if visit.dose is None or visit.product is None:
        raise InputError("An initiation needs the product and the daily dose to start a course.")
    mg = visit.dose.mg_per_day
    if course is not None and course.status == "planned":
        activate_course(session, actor, course.id, visit.date)
        if current_mg_per_day(course) != mg:
            change_course_dose(session, actor, course.id, visit.date, mg)
        return course.id
    if course is not None and course.status == "active" and not _has_records(session, course):
        return course.id  # started before its initiation was signed (CourseService.start)
    if course is not None:
        raise InputError(
            f"Course {course.id} is already {course.status}: sign a follow-up visit, or end "
            "the course before a new initiation."
        )
    start = CourseStart(
        start_date=visit.date,
        product=visit.product.name,
        strength_mg=strength_of(visit.product.name),
        mg_per_day=mg,
        planned_end_date=add_months(visit.date, plan.months),
        lab_schedule_profile=plan.lab_schedule,
    )
    return start_course(session, actor, patient_id, start, record_visit="initiation").course.id


def _has_records(session: Session, course: courses_repo.Course) -> bool:
    return any(r.course_id == course.id
               for r in records_repo.records_for_patient(session, course.patient_id))  # fmt: skip
