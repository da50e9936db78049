"""The stored data a new visit opens with (domain/visit_prefill does the merging): the last
signed visit, the course's current dose, the patient record, and every stored result,
each named by its source. Read inside VisitStartService.prepare's session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from isoface_desk.domain.checklist import Form
from isoface_desk.domain.lab_results import CHECK_LAB_TESTS, check_lab_entry, check_pregnancy_entry
from isoface_desk.domain.visit_prefill import CarriedVisit, Prefill, StoredResult, prefill
from isoface_desk.services.care.courses import current_mg_per_day
from isoface_desk.services.labs.lab_results import PREGNANCY_TEST, result_lines
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import lab_queries
from isoface_desk.storage.repositories.courses import Course
from isoface_desk.storage.repositories.patients import Patient
from isoface_desk.storage.repositories.records import StoredRecord

__all__ = ["stored_results", "visit_prefill"]


def visit_prefill(
    session: Session, form: Form, on: dt.date, patient: Patient, course: Course | None,
    records: Sequence[StoredRecord],
) -> Prefill:  # fmt: skip
    """What a visit of `form` on `on` opens with for this patient and open course."""
    in_scope = [r for r in records if form.kind == "initiation"
                or (course is not None and r.course_id == course.id)]  # fmt: skip
    signed = sorted((r for r in in_scope if r.visit_date <= on), key=lambda r: (r.visit_date, r.id))
    last = signed[-1] if signed else None
    carried = CarriedVisit(last.visit_date, last.visit_kind, last.answers) if last else None
    return prefill(
        form, on, last=carried,
        course_mg_per_day=current_mg_per_day(course, on) if course is not None else None,
        pregnancy_potential=patient.can_get_pregnant,
        stored=stored_results(session, patient.id, records),
    )  # fmt: skip


def stored_results(
    session: Session, patient_id: int, records: Sequence[StoredRecord]
) -> list[StoredResult]:
    """Every result on file: lab-order results (nurse-entered or imported) and the tests
    recorded in signed visits, as check-format entries with their source."""
    out: list[StoredResult] = []
    for order in lab_queries.resulted_for_patients(session, [patient_id]):
        for line in result_lines(order):
            entry = line.entry
            if entry.test in CHECK_LAB_TESTS and not isinstance(entry.value, str):
                out.append(StoredResult(check_lab_entry(entry), f"lab order {line.code}"))
            elif entry.test == PREGNANCY_TEST and entry.value in ("negative", "positive"):
                pregnancy = check_pregnancy_entry(entry, line.code)
                out.append(StoredResult(pregnancy, f"lab order {line.code}"))
    for record in records:
        source = f"{record.visit_kind} visit of {record.visit_date.isoformat()}"
        for key in ("labs", "pregnancy_tests"):
            out += [StoredResult(e, source) for e in _entries(record.answers.get(key))]
    return out


def _entries(value: Any) -> list[dict[str, Any]]:
    return [dict(e) for e in value if isinstance(e, dict)] if isinstance(value, list) else []
