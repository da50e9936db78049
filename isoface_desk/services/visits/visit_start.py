"""Starting (or resuming) a visit: the form, the context it needs, and its autosaved draft.

`VisitStartService.prepare` gathers, in one read, what the checklist screen needs to open
a visit of `kind` for a patient: the checklist form, the exact profile in force on the
visit date (from the clinic's jurisdiction family), the birth date, the cumulative dose
so far in the open course, the end of the previous course, the PHQ-9 baseline, and the
actor's own draft of the same kind for this patient if there is one (so a visit in
progress reopens where it was). `VisitDraftHandle` is the draft store the checklist
autosaves into (it satisfies ui.visit's DraftStore protocol).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from isoface_desk.domain.catalog import resolve_profile
from isoface_desk.domain.checklist import Form, VisitContext, visit_dict_to_answers
from isoface_desk.domain.dose import cumulative_mg, round2
from isoface_desk.domain.visit_prefill import Prefill
from isoface_desk.errors import InputError
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.care.timeline import phq9_points, superseding
from isoface_desk.services.context import Actor, CatalogServiceBase
from isoface_desk.services.visits.corrections import Correction, correction_of
from isoface_desk.services.visits.drafts import DraftService
from isoface_desk.services.visits.visit_checks import form_for
from isoface_desk.services.visits.visit_prefill import visit_prefill
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import courses as courses_repo
from isoface_desk.storage.repositories import drafts as drafts_repo
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories import records as records_repo
from isoface_desk.storage.repositories.courses import Course
from isoface_desk.storage.repositories.drafts import Draft
from isoface_desk.storage.repositories.patients import Patient
from isoface_desk.storage.repositories.records import StoredRecord

__all__ = ["VisitDraftHandle", "VisitStart", "VisitStartService"]

OPEN_COURSE = ("planned", "active")
ENDED_COURSE = ("completed", "stopped")


@dataclass(frozen=True)
class VisitStart:
    patient: Patient
    kind: str
    form: Form
    context: VisitContext
    course_id: int | None
    draft: Draft | None  # the actor's draft to resume, if any
    prefill: Prefill = field(default_factory=Prefill)  # what a new visit opens with
    others_drafts: tuple[Draft, ...] = ()  # unsigned visits of this kind by someone else


class VisitDraftHandle:
    """The draft one checklist autosaves into: created on the first save, then overwritten.
    A correction's draft carries what it corrects (services/corrections)."""

    def __init__(
        self, drafts: DraftService, actor: Actor, start: VisitStart,
        correction: Correction | None = None,
    ) -> None:  # fmt: skip
        self._drafts = drafts
        self._actor = actor
        self._start = start
        self._meta = correction.as_answers() if correction is not None else {}
        self.draft_id = start.draft.id if start.draft is not None else None

    @property
    def answers(self) -> dict[str, Any]:
        draft = self._start.draft
        return dict(draft.answers) if draft is not None else {}

    @property
    def position(self) -> str:
        draft = self._start.draft
        return draft.position if draft is not None else ""

    def save(self, answers: Mapping[str, Any], position: str) -> None:
        draft = self._drafts.save(
            self._actor,
            patient_id=self._start.patient.id,
            kind=self._start.kind,
            visit_date=self._start.context.visit_date,
            answers={**answers, **self._meta},
            course_id=self._start.course_id,
            position=position,
            draft_id=self.draft_id,
        )
        self.draft_id = draft.id

    def discard(self) -> None:
        if self.draft_id is not None:
            self._drafts.discard(self._actor, self.draft_id)
            self.draft_id = None


class VisitStartService(CatalogServiceBase):
    def prepare(
        self, actor: Actor, patient_id: int, kind: str, visit_date: dt.date | None = None
    ) -> VisitStart:
        """What a new (or resumed) visit of `kind` opens with; InputError if it cannot."""
        form = form_for(kind, self.catalog)
        with self._read(actor, Permission.DRAFT_WRITE) as session:
            clinic = clinic_repo.get_clinic(session)
            if clinic is None:
                raise InputError("The clinic has not been set up yet.")
            patient = patients_repo.get_patient(session, patient_id)
            courses = sorted(
                courses_repo.courses_for_patient(session, patient_id),
                key=lambda c: (c.start_date, c.id),
            )
            records = superseding([
                records_repo.get_record(session, s.id)
                for s in records_repo.records_for_patient(session, patient_id)
            ])  # fmt: skip
            same_kind = [d for d in drafts_repo.drafts_for_patient(session, patient_id)
                         if d.visit_kind == kind and correction_of(d) is None]  # fmt: skip
            drafts = [d for d in same_kind if d.author_id == actor.user_id]
            others = tuple(d for d in same_kind if d.author_id != actor.user_id)
            draft = drafts[0] if drafts else None
            day = draft.visit_date if draft is not None else (visit_date or self.today())
            course = _open_course(courses)
            if kind != "initiation" and course is None:
                raise InputError(
                    f"A {kind} visit needs an open treatment course, and this patient has none."
                )
            filled = visit_prefill(session, form, day, patient, course, records)
        profile = resolve_profile(self.catalog, clinic.jurisdiction_profile, day)
        in_course = [r for r in records if course is not None and r.course_id == course.id]
        context = VisitContext(
            profile_id=profile.id,
            visit_date=day,
            birth_date=patient.birth_date,
            cumulative_mg=cumulative_so_far(in_course),
            previous_course_end=_previous_end(courses, course),
            phq9_baseline_total=_baseline(in_course),
        )
        course_id = course.id if course is not None else None
        return VisitStart(patient, kind, form, context, course_id, draft, filled, others)

    def prepare_correction(self, actor: Actor, record_id: int) -> VisitStart:
        """What the correction of signed record `record_id` opens with: the same visit
        (patient, kind, date, profile, course) with the record's answers, to amend; or
        the actor's unsigned correction of it, to resume."""
        with self._read(actor, Permission.RECORD_SIGN) as session:
            record = records_repo.get_record(session, record_id)
            patient = patients_repo.get_patient(session, record.patient_id)
            draft = _correction_draft(session, actor, record)
        form = form_for(record.visit_kind, self.catalog)
        course = record.answers.get("course")
        before = course.get("cumulative_mg") if isinstance(course, Mapping) else None
        context = VisitContext(
            profile_id=record.profile_id,
            visit_date=record.visit_date,
            birth_date=patient.birth_date,
            cumulative_mg=float(before) if isinstance(before, int | float) else 0.0,
            previous_course_end=_date_or_none(course, "previous_course_end"),
            phq9_baseline_total=_int_or_none(record.answers.get("phq9_baseline_total")),
        )
        answers = visit_dict_to_answers(form, record.answers)
        filled = Prefill(answers, {}, dict(record.answers))
        return VisitStart(patient, record.visit_kind, form, context, record.course_id, draft,
                          filled)  # fmt: skip


def _correction_draft(session: Session, actor: Actor, record: StoredRecord) -> Draft | None:
    """The actor's unsigned correction of `record`, newest first."""
    for draft in drafts_repo.drafts_for_patient(session, record.patient_id):
        correction = correction_of(draft)
        if draft.author_id == actor.user_id and correction and correction.record_id == record.id:
            return draft
    return None


def _date_or_none(data: object, key: str) -> dt.date | None:
    value = data.get(key) if isinstance(data, Mapping) else None
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _open_course(courses: Sequence[Course]) -> Course | None:
    open_ones = [c for c in courses if c.status in OPEN_COURSE]
    return open_ones[-1] if open_ones else None


def _previous_end(courses: Sequence[Course], current: Course | None) -> dt.date | None:
    ended = [
        c.end_date for c in courses
        if c.status in ENDED_COURSE and c.end_date is not None and c is not current
    ]  # fmt: skip
    return max(ended) if ended else None


def cumulative_so_far(records: Sequence[StoredRecord]) -> float:
    """Cumulative mg of the course after its latest signed prescription."""
    latest = sorted(records, key=lambda r: (r.visit_date, r.id))
    for record in reversed(latest):
        answers = record.answers
        dose = answers.get("dose")
        before = answers.get("course", {}).get("cumulative_mg") or 0
        if isinstance(dose, Mapping) and dose.get("mg_per_day") and dose.get("days_supply"):
            total = cumulative_mg(float(before), float(dose["mg_per_day"]),
                                  int(dose["days_supply"]))  # fmt: skip
            return round2(total)
        if before:
            return float(before)
    return 0.0


def _baseline(records: Sequence[StoredRecord]) -> int | None:
    points = phq9_points(records)
    return int(points[0][1]) if points else None
