"""The patient page's course timeline: one audited "view" that returns what the page shows.

`TimelineService.for_patient` reads the patient, their courses, lab orders and (for roles
that may read signed checklists) the signed records with their content, and derives the
values the page plots: PHQ-9 totals per visit, the cumulative dose in mg/kg at each visit
of the current course with the prescription just signed as a projection, the latest
value of each lab test, and the tests due next. It is one unit of work and one "view"
audit event (not one per record), and nothing is computed in the UI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from isoface_desk.domain.catalog import resolve_profile
from isoface_desk.domain.dose import cumulative_mg_per_kg, round2
from isoface_desk.domain.phq9 import ITEMS, MAX_ANSWER
from isoface_desk.domain.profiles import LabParams
from isoface_desk.errors import NotFound
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.care.timeline_labs import LabValue, latest_labs
from isoface_desk.services.context import Actor, CatalogServiceBase
from isoface_desk.services.visits.corrections import correction_of
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import courses as courses_repo
from isoface_desk.storage.repositories import drafts as drafts_repo
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories import records as records_repo
from isoface_desk.storage.repositories.clinic import Clinic
from isoface_desk.storage.repositories.courses import Course
from isoface_desk.storage.repositories.drafts import Draft
from isoface_desk.storage.repositories.lab_orders import LabOrder
from isoface_desk.storage.repositories.patients import Patient
from isoface_desk.storage.repositories.records import RecordSummary, StoredRecord

__all__ = [
    "Course",
    "Draft",
    "DuePoint",
    "LabValue",
    "Patient",
    "PatientTimeline",
    "TimelineService",
]

Point = tuple[dt.date, float]
DUE_STATUSES = ("planned", "printed", "collected")


@dataclass(frozen=True)
class DuePoint:
    """An open lab order: which tests, from when, until when."""

    order_id: int
    tests: tuple[str, ...]
    due_from: dt.date
    due_until: dt.date
    status: str

    def overdue(self, today: dt.date) -> bool:
        return self.due_until < today


@dataclass(frozen=True)
class PatientTimeline:
    patient: Patient
    courses: tuple[Course, ...]  # newest first
    records: tuple[RecordSummary, ...]  # newest first; empty for roles without record.read
    phq9: tuple[Point, ...]  # visit date -> PHQ-9 total, oldest first
    dose: tuple[Point, ...]  # current course: visit date -> cumulative mg/kg before it
    dose_projection: Point | None  # after the latest prescription of the current course
    dose_target: tuple[float, float]  # mg/kg band (low, high)
    labs: tuple[LabValue, ...]  # latest per test
    due: tuple[DuePoint, ...]  # open orders, soonest first
    drafts: tuple[Draft, ...]  # the actor's unsigned visits for this patient
    today: dt.date

    @property
    def current_course(self) -> Course | None:
        return self.courses[0] if self.courses else None


class TimelineService(CatalogServiceBase):
    def for_patient(self, actor: Actor, patient_id: int) -> PatientTimeline:
        """Everything the patient page shows, in one unit of work with one "view" event."""
        with self._unit(actor, Permission.PATIENT_READ) as session:
            patient = patients_repo.get_patient(session, patient_id)
            courses = sorted(
                courses_repo.courses_for_patient(session, patient_id),
                key=lambda c: (c.start_date, c.id),
                reverse=True,
            )
            records, contents = _records(session, actor, patient_id)
            orders = orders_repo.orders_for_patient(session, patient_id)
            drafts = _own_drafts(session, actor, patient_id)
            clinic = clinic_repo.get_clinic(session)
            append_event(
                session, actor.username, "view", "patient", patient_id, {"page": "timeline"}
            )
        current = courses[0] if courses else None
        contents = superseding(contents)  # a corrected record's values are its correction's
        dose, projection = dose_points(contents, current)
        return PatientTimeline(
            patient=patient,
            courses=tuple(courses),
            records=tuple(sorted(records, key=lambda r: (r.visit_date, r.id), reverse=True)),
            phq9=tuple(phq9_points(contents)),
            dose=tuple(dose),
            dose_projection=projection,
            dose_target=_target(current),
            labs=tuple(latest_labs(orders, contents, self._lab_params(clinic))),
            due=tuple(due_orders(orders)),
            drafts=tuple(drafts),
            today=self.today(),
        )

    def _lab_params(self, clinic: Clinic | None) -> Callable[[dt.date], LabParams]:
        """The laboratory thresholds of the clinic's profile in force on a date."""
        if clinic is None:
            raise NotFound("The clinic has not been set up yet.")
        catalog = self.catalog
        return lambda day: resolve_profile(catalog, clinic.jurisdiction_profile, day).labs


def _records(
    session: Session, actor: Actor, patient_id: int
) -> tuple[list[RecordSummary], list[StoredRecord]]:
    if not actor.may(Permission.RECORD_READ):
        return [], []
    summaries = records_repo.records_for_patient(session, patient_id)
    return summaries, [records_repo.get_record(session, s.id) for s in summaries]


def _own_drafts(session: Session, actor: Actor, patient_id: int) -> list[Draft]:
    if not actor.may(Permission.DRAFT_WRITE):
        return []
    # a correction's draft is continued from the Visit area or the record's preview
    return [
        d for d in drafts_repo.drafts_for_patient(session, patient_id)
        if d.author_id == actor.user_id and correction_of(d) is None
    ]  # fmt: skip


def superseding(records: Sequence[StoredRecord]) -> list[StoredRecord]:
    """The records no other record of the list corrects: a corrected record stays stored
    and listed, but its values (dose, PHQ-9) are the correction's."""
    corrected = {r.corrects_record_id for r in records if r.corrects_record_id is not None}
    return [r for r in records if r.id not in corrected]


def _target(course: Course | None) -> tuple[float, float]:
    low = course.target_cumulative_mg_per_kg if course is not None else 120.0
    return (min(low, 120.0), max(150.0, low))


def _phq9_total(value: Any) -> int | None:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != ITEMS:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return None
    if not all(0 <= v <= MAX_ANSWER for v in value):
        return None
    return int(sum(value))


def phq9_points(records: Iterable[StoredRecord]) -> list[Point]:
    """(visit date, PHQ-9 total) for every signed visit that asked the PHQ-9."""
    points = []
    for record in records:
        total = _phq9_total(record.answers.get("phq9"))
        if total is not None:
            points.append((record.visit_date, float(total)))
    return sorted(points)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def dose_points(
    records: Iterable[StoredRecord], course: Course | None
) -> tuple[list[Point], Point | None]:
    """Cumulative mg/kg at each visit of `course`, and after its latest prescription."""
    if course is None:
        return [], None
    points: list[Point] = []
    latest: tuple[dt.date, Mapping[str, Any], float, float] | None = None
    for record in sorted(records, key=lambda r: (r.visit_date, r.id)):
        if record.course_id != course.id:
            continue
        answers = record.answers
        weight = _number(answers.get("patient", {}).get("weight_kg"))
        before = _number(answers.get("course", {}).get("cumulative_mg")) or 0.0
        if weight is None or weight <= 0:
            continue
        points.append((record.visit_date, before / weight))
        dose = answers.get("dose")
        if isinstance(dose, Mapping):
            latest = (record.visit_date, dose, before, weight)
    if latest is None:
        return points, None
    day, dose, before, weight = latest
    mg, days = _number(dose.get("mg_per_day")), _number(dose.get("days_supply"))
    if mg is None or days is None:
        return points, None
    after = round2(cumulative_mg_per_kg(before, mg, int(days), weight))
    return points, (day + dt.timedelta(days=int(days)), after)


def due_orders(orders: Iterable[LabOrder]) -> list[DuePoint]:
    """Open orders (planned, printed, collected), soonest first."""
    due = [
        DuePoint(o.id, tuple(str(t) for t in o.tests), o.due_from, o.due_until, o.status)
        for o in orders
        if o.status in DUE_STATUSES
    ]
    return sorted(due, key=lambda d: (d.due_from, d.order_id))
