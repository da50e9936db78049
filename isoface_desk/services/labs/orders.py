"""Lab orders from the course's monitoring schedule, and a patient's stored orders.

`sync_course_orders` applies H2's `lab_schedule` to a course and stores one order per due
test group. Each order's key is built from the course, the reason and the due window, so
regenerating is idempotent: an unchanged schedule touches nothing, a planned order whose
tests changed is updated in place, a planned order the new schedule no longer has is
cancelled, and printed, collected or resulted orders are never rewritten or dropped.
Courses call it whenever they change (start, dose change, end).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from isoface_desk.domain.lab_schedule import CourseInfo, DoseChange, DueTest, lab_schedule
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, ServiceBase
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import courses as courses_repo
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories.courses import Course
from isoface_desk.storage.repositories.lab_orders import LabOrder, OrderData

__all__ = ["LabOrder", "OrderService", "OrderSync", "course_info", "sync_course_orders"]


@dataclass(frozen=True)
class OrderSync:
    """What one regeneration did."""

    created: int
    updated: int
    cancelled: int
    unchanged: int


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def course_info(course: Course, *, pregnancy_potential: bool, diabetes: bool) -> CourseInfo:
    """The schedule's view of a stored course (details: planned_end_date, start dose,
    dose_changes)."""
    details = course.details
    planned = _date(details.get("planned_end_date")) or course.end_date or course.start_date
    changes = tuple(
        DoseChange(date=dt.date.fromisoformat(c["date"]), mg_per_day=float(c["mg_per_day"]))
        for c in details.get("dose_changes", [])
    )
    start_dose = details.get("start_mg_per_day")
    return CourseInfo(
        start_date=course.start_date,
        planned_end_date=max(planned, course.start_date),
        actual_end_date=course.end_date,
        pregnancy_potential=pregnancy_potential,
        diabetes=diabetes,
        start_mg_per_day=float(start_dose) if start_dose else None,
        dose_changes=changes,
    )


def order_key(course_id: int, due: DueTest) -> str:
    return (
        f"course:{course_id}:{due.reason}:{due.window_from.isoformat()}:"
        f"{due.due.isoformat()}:{due.window_until.isoformat()}"
    )


def _schedule_profile(session: Session, course: Course) -> str:
    if course.lab_schedule_profile:
        return course.lab_schedule_profile
    clinic = clinic_repo.get_clinic(session)
    return clinic.lab_schedule_profile if clinic is not None else "smpc"


def sync_course_orders(session: Session, course_id: int) -> OrderSync:
    """Regenerate the orders of one course inside the caller's unit of work."""
    course = courses_repo.get_course(session, course_id)
    patient = patients_repo.get_patient(session, course.patient_id)
    conditions = patient.attributes.get("conditions", [])
    info = course_info(
        course,
        pregnancy_potential=bool(patient.can_get_pregnant),
        diabetes=isinstance(conditions, list) and "diabetes" in conditions,
    )
    prescriber = course.details.get("prescriber_id")
    # A course started by signing its initiation had its baseline tests checked there.
    baseline_checked = bool(course.details.get("baseline_at_initiation"))
    wanted = [
        OrderData(
            key=order_key(course.id, due),
            patient_id=course.patient_id,
            tests=list(due.tests),
            due_from=due.window_from,
            due_until=due.window_until,
            course_id=course.id,
            prescriber_id=prescriber if isinstance(prescriber, int) else None,
        )
        for due in lab_schedule(info, _schedule_profile(session, course))
        if not (baseline_checked and due.reason == "baseline")
    ]
    before = {o.key: o for o in orders_repo.orders_for_patient(session, course.patient_id)}
    created = sum(1 for w in wanted if w.key not in before)
    updated = sum(
        1
        for w in wanted
        if w.key in before and before[w.key].status == "planned" and before[w.key].tests != w.tests
    )
    orders_repo.upsert_orders(session, wanted)
    cancelled = orders_repo.cancel_planned_except(session, course.id, {w.key for w in wanted})
    return OrderSync(created, updated, cancelled, len(wanted) - created - updated)


class OrderService(ServiceBase):
    """A patient's orders as stored. Their status steps (printed, collected) are the
    nurses' lab work: services/labs/lab_work.py and lab_printing.py."""

    def for_patient(self, actor: Actor, patient_id: int) -> list[LabOrder]:
        with self._read(actor, Permission.ORDER_READ) as session:
            return orders_repo.orders_for_patient(session, patient_id)
