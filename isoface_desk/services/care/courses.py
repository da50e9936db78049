"""Treatment courses: start, change the dose, end. Each change regenerates the lab orders in
the same unit of work, so orders and course never disagree.

The course's `details` keep what the schedule and the dose arithmetic need:
`planned_end_date`, `start_mg_per_day`, `dose_changes` ([{date, mg_per_day}]) and the
`prescriber_id` who started it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from isoface_desk.domain.lab_schedule import add_months
from isoface_desk.errors import InputError
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, ServiceBase
from isoface_desk.services.labs.orders import OrderSync, sync_course_orders
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import courses as courses_repo
from isoface_desk.storage.repositories.courses import Course, CourseData

__all__ = [
    "Course",
    "CourseChange",
    "CourseService",
    "CourseStart",
    "activate_course",
    "change_course_dose",
    "current_mg_per_day",
    "end_course",
    "start_course",
]

END_STATUSES = ("completed", "stopped")
OPEN_STATUSES = ("planned", "active")
DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class CourseStart:
    start_date: dt.date
    product: str
    strength_mg: float
    mg_per_day: float
    target_cumulative_mg_per_kg: float = 120.0
    planned_end_date: dt.date | None = None  # default: six months after the start
    lab_schedule_profile: str | None = None  # default: the clinic's
    status: str = "active"  # or "planned": initiation visit still to come


@dataclass(frozen=True)
class CourseChange:
    course: Course
    orders: OrderSync


def _check_dose(mg_per_day: float) -> None:
    if not 0 < mg_per_day <= 1000:
        raise InputError("The daily dose must be above 0 and at most 1000 mg.")


class CourseService(ServiceBase):
    def for_patient(self, actor: Actor, patient_id: int) -> list[Course]:
        with self._read(actor, Permission.COURSE_READ) as session:
            return courses_repo.courses_for_patient(session, patient_id)

    def start(self, actor: Actor, patient_id: int, start: CourseStart) -> CourseChange:
        with self._unit(actor, Permission.COURSE_WRITE) as session:
            return start_course(session, actor, patient_id, start)

    def end(
        self, actor: Actor, course_id: int, end_date: dt.date, *, status: str = "completed",
        reason: str = "",
    ) -> CourseChange:  # fmt: skip
        """End a course (completed as planned, or stopped early with a reason); orders follow
        the end."""
        with self._unit(actor, Permission.COURSE_WRITE) as session:
            return end_course(session, actor, course_id, end_date, status=status, reason=reason)


# ------------------------------------------------------------------ inside a unit of work
# The same steps serve CourseService and RecordService.sign_visit (an initiation starts
# the course, a follow-up may change the dose, the end-of-course visit ends it), so a
# course changed by signing a visit is changed, audited and re-ordered exactly as here.


def start_course(
    session: Session, actor: Actor, patient_id: int, start: CourseStart,
    *, record_visit: str | None = None,
) -> CourseChange:  # fmt: skip
    _check_dose(start.mg_per_day)
    if start.status not in ("planned", "active"):
        raise InputError("A new course is planned or active.")
    planned_end = start.planned_end_date or add_months(start.start_date, DEFAULT_MONTHS)
    if planned_end < start.start_date:
        raise InputError("The planned end is before the start.")
    data = CourseData(
        patient_id=patient_id,
        start_date=start.start_date,
        product=start.product,
        strength_mg=start.strength_mg,
        target_cumulative_mg_per_kg=start.target_cumulative_mg_per_kg,
        status=start.status,
        lab_schedule_profile=start.lab_schedule_profile,
        details={
            "planned_end_date": planned_end.isoformat(),
            "start_mg_per_day": start.mg_per_day,
            "dose_changes": [],
            "prescriber_id": actor.user_id,
            # started by signing the initiation, whose checks covered the baseline tests
            "baseline_at_initiation": record_visit == "initiation",
        },
    )
    open_courses = [c for c in courses_repo.courses_for_patient(session, patient_id)
                    if c.status in OPEN_STATUSES]  # fmt: skip
    if open_courses:
        raise InputError(
            f"Course {open_courses[0].id} is still open: end it before starting another."
        )
    course = courses_repo.add_course(session, data)
    orders = sync_course_orders(session, course.id)
    details: dict[str, object] = {"patient_id": patient_id, "status": start.status}
    if record_visit:
        details["visit"] = record_visit
    append_event(session, actor.username, "course start", "course", course.id, details)
    return CourseChange(course, orders)


def activate_course(
    session: Session, actor: Actor, course_id: int, start_date: dt.date
) -> CourseChange:
    course = courses_repo.get_course(session, course_id)
    if course.status != "planned":
        raise InputError(f"Course {course_id} is not planned.")
    shift = start_date - course.start_date
    details = dict(course.details)
    planned_end = dt.date.fromisoformat(details["planned_end_date"]) + shift
    details["planned_end_date"] = planned_end.isoformat()
    data = _data(course, start_date=start_date, status="active", details=details)
    return _save(session, actor, course_id, data, "course change", {"change": "activate"})


def change_course_dose(
    session: Session, actor: Actor, course_id: int, on: dt.date, mg_per_day: float
) -> CourseChange:
    _check_dose(mg_per_day)
    course = courses_repo.get_course(session, course_id)
    if course.status in END_STATUSES:
        raise InputError(f"Course {course_id} has ended; its dose cannot change.")
    if on < course.start_date:
        raise InputError("A dose change cannot be before the course starts.")
    details = dict(course.details)
    changes = [c for c in details.get("dose_changes", []) if c["date"] != on.isoformat()]
    changes.append({"date": on.isoformat(), "mg_per_day": mg_per_day})
    details["dose_changes"] = sorted(changes, key=lambda c: str(c["date"]))
    event = {"change": "dose", "mg_per_day": mg_per_day, "from": on.isoformat()}
    return _save(session, actor, course_id, _data(course, details=details), "course change", event)


def end_course(
    session: Session, actor: Actor, course_id: int, end_date: dt.date, *,
    status: str = "completed", reason: str = "",
) -> CourseChange:  # fmt: skip
    if status not in END_STATUSES:
        raise InputError(f"A course ends as {' or '.join(END_STATUSES)}.")
    if status == "stopped" and not reason.strip():
        raise InputError("Stopping a course early needs a reason.")
    course = courses_repo.get_course(session, course_id)
    if course.status in END_STATUSES:
        raise InputError(f"Course {course_id} has already ended.")
    if end_date < course.start_date:
        raise InputError("A course cannot end before it starts.")
    details = dict(course.details)
    if reason.strip():
        details["end_reason"] = reason.strip()
    data = _data(course, end_date=end_date, status=status, details=details)
    event: dict[str, object] = {"status": status, "end_date": end_date.isoformat()}
    if reason.strip():
        event["reason"] = reason.strip()
    return _save(session, actor, course_id, data, "course end", event)


def _save(
    session: Session, actor: Actor, course_id: int, data: CourseData, action: str,
    event: Mapping[str, object],
) -> CourseChange:  # fmt: skip
    """Store the changed course, regenerate its orders, audit the change."""
    updated = courses_repo.update_course(session, course_id, data)
    orders = sync_course_orders(session, course_id)
    append_event(session, actor.username, action, "course", course_id, dict(event))
    return CourseChange(updated, orders)


def current_mg_per_day(course: Course, on: dt.date | None = None) -> float | None:
    """The course's daily dose on `on` (default: the latest), or None if unknown."""
    mg = course.details.get("start_mg_per_day")
    for change in course.details.get("dose_changes") or []:
        if on is None or str(change.get("date", "")) <= on.isoformat():
            mg = change.get("mg_per_day", mg)
    return float(mg) if isinstance(mg, int | float) and not isinstance(mg, bool) else None


def _data(course: Course, **changes: object) -> CourseData:
    base = CourseData(
        patient_id=course.patient_id,
        start_date=course.start_date,
        product=course.product,
        strength_mg=course.strength_mg,
        target_cumulative_mg_per_kg=course.target_cumulative_mg_per_kg,
        status=course.status,
        end_date=course.end_date,
        lab_schedule_profile=course.lab_schedule_profile,
        details=dict(course.details),
    )
    return replace(base, **changes)  # type: ignore[arg-type]
