"""Between a filled checklist and the check-format visit (docs/check-format.md).

Every question that feeds the safety engine names the check-format path it fills
(`field`). `FIELD_SPECS` lists those paths with the answer types that may fill them, so a
form cannot point a question at a misspelt or mistyped field. From there:

* `answers_to_visit_dict` builds the `isoface-check/1` input from answers keyed by
  question id (hidden questions fill nothing; the context supplies the profile, dates and
  values carried over from earlier records);
* `visit_dict_to_answers` goes back, for opening a check-format visit in the form;
* `locate_field` / `question_for_field` map a field path named by a finding or by an input
  error ("medications[1]", "contraception.methods[0].start_date", "dose.mg_per_day") to
  the question, record and sub-field to jump to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from isoface_desk.domain.checklist_model import (
    Answers,
    Form,
    Question,
    Section,
    VisitContext,
    is_blank,
    questionnaire_items,
    row_is_blank,
    shown,
    visible_fields,
)
from isoface_desk.domain.input_fields import path_steps
from isoface_desk.domain.visit import FORMAT_ID, LAB_TESTS, ROUTES, TEST_RESULTS, TEST_SETTINGS


@dataclass(frozen=True)
class FieldSpec:
    """What may fill one check-format field."""

    types: tuple[str, ...]
    values: tuple[str, ...] = ()  # a fixed vocabulary (inline options must come from it)
    codes: str | None = None  # the forms/codes list its values come from
    integer: bool = False
    record: Mapping[str, FieldSpec] = field(default_factory=dict)  # records: sub-fields
    required_keys: tuple[str, ...] = ()  # records: keys every record must have


_BOOL, _DATE, _TEXT = FieldSpec(("bool",)), FieldSpec(("date",)), FieldSpec(("text",))
_NUMBER, _INTEGER = FieldSpec(("number",)), FieldSpec(("number",), integer=True)
_UNITS = ("U/L", "mmol/L", "mg/dL")

FIELD_SPECS: dict[str, FieldSpec] = {
    "patient.birth_date": _DATE,
    "patient.weight_kg": _NUMBER,
    "patient.pregnancy_potential": _BOOL,
    "patient.potential_reason": FieldSpec(("choice",), codes="potential-reasons"),
    "patient.pregnant": _BOOL,
    "patient.breastfeeding": _BOOL,
    "patient.conditions": FieldSpec(("multi-choice",), codes="conditions"),
    "patient.allergies": FieldSpec(("multi-choice",), codes="allergies"),
    "medications": FieldSpec(
        ("records",),
        record={"name": _TEXT, "route": FieldSpec(("choice",), ROUTES), "daily_iu": _NUMBER},
        required_keys=("name",),
    ),
    "product.name": FieldSpec(("text", "choice")),
    "product.excipients": FieldSpec(("multi-choice",), codes="excipients"),
    "dose.mg_per_day": _NUMBER,
    "dose.days_supply": _INTEGER,
    "dose.refills": _INTEGER,
    "course.cumulative_mg": _NUMBER,
    "course.previous_course_end": _DATE,
    "contraception.methods": FieldSpec(
        ("records",),
        record={"code": FieldSpec(("choice",), codes="contraception-methods"), "start_date": _DATE},
        required_keys=("code", "start_date"),
    ),
    "contraception.abstinence_commitment": _BOOL,
    "contraception.no_risk_agreement": _TEXT,
    "pregnancy_tests": FieldSpec(
        ("records",),
        record={
            "date": _DATE,
            "result": FieldSpec(("choice",), TEST_RESULTS),
            "setting": FieldSpec(("choice",), TEST_SETTINGS),
            "verification": _TEXT,
        },
        required_keys=("date", "result", "setting"),
    ),
    "phq9": FieldSpec(("questionnaire",)),
    "phq9_action": _TEXT,
    "phq9_baseline_total": _INTEGER,
    "sexual_function_assessed": _BOOL,
    "labs": FieldSpec(
        ("records",),
        record={
            "test": FieldSpec(("choice",), LAB_TESTS),
            "date": _DATE,
            "value": _NUMBER,
            "unit": FieldSpec(("choice",), _UNITS),
            "uln": _NUMBER,
        },
        required_keys=("test", "date", "value", "unit"),
    ),
    "counselling": FieldSpec(("multi-choice",), codes="counselling"),
    "indication_confirmed": _BOOL,
    "consent_signed": _BOOL,
    "second_prescriber": _TEXT,
}

#: Fields docs/check-format.md requires, by visit kind, that no context supplies: a form of
#: that kind must have a question filling each (birth date and profile come from context).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "initiation": ("patient.weight_kg", "patient.pregnancy_potential", "product.name",
                   "dose.mg_per_day", "dose.days_supply", "dose.refills"),
    "follow-up": ("patient.weight_kg", "patient.pregnancy_potential", "product.name",
                  "dose.mg_per_day", "dose.days_supply", "dose.refills"),
    "end-of-course": ("patient.weight_kg", "patient.pregnancy_potential"),
}  # fmt: skip


class _Missing:
    """Marks "no value": the field is left out of the visit and takes its default."""


MISSING = _Missing()


# --------------------------------------------------------------------------- to the visit


def answers_to_visit_dict(form: Form, answers: Answers, context: VisitContext) -> dict[str, Any]:
    """The check-format input for these answers. Only visible questions count; an unanswered
    question gives its default or nothing. Values are passed through as given (dates become
    ISO text), so `parse_visit` reports bad ones by field path (see `locate_field`)."""
    out: dict[str, Any] = {
        "format": FORMAT_ID,
        "profile": context.profile_id,
        "visit": {"date": context.visit_date.isoformat(), "kind": form.kind},
        "patient": {},
    }
    if context.birth_date is not None:
        out["patient"]["birth_date"] = context.birth_date.isoformat()
    out["course"] = {
        "cumulative_mg": context.cumulative_mg,
        "previous_course_end": _iso(context.previous_course_end),
    }
    if context.phq9_baseline_total is not None:
        out["phq9_baseline_total"] = context.phq9_baseline_total
    view = shown(form, answers, context)
    for q in view.questions:
        if q.field is None:
            continue
        value = _export(q, view.answers.get(q.id), context)
        if not isinstance(value, _Missing):
            _put(out, q.field, value)
    return out


def _export(q: Question, value: Any, context: VisitContext) -> Any:
    if q.type == "records":
        rows = value if isinstance(value, Sequence) and not isinstance(value, str) else []
        return [
            _export_row(q, row, context)
            for row in rows
            if isinstance(row, Mapping) and not row_is_blank(q, row)
        ] if value is not None else MISSING  # fmt: skip
    if is_blank(value):
        return MISSING if q.default is None else q.default
    if q.type == "questionnaire":
        items = questionnaire_items(value)
        return items if items and all(v is not None for v in items) else MISSING
    if q.type == "multi-choice" and isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    if q.type == "date" and isinstance(value, date):
        return value.isoformat()
    if q.type == "text" and isinstance(value, str):
        return value.strip()
    return value


def _export_row(q: Question, row: Mapping[str, Any], context: VisitContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sub in visible_fields(q, row, context):
        value = _export(sub, row.get(sub.id), context)
        if sub.field is not None and not isinstance(value, _Missing):
            out[sub.field] = value
    return out


def _put(out: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for name in parents:
        out = out.setdefault(name, {})
    out[last] = value


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


# --------------------------------------------------------------------------- from the visit


def visit_dict_to_answers(form: Form, data: Mapping[str, Any]) -> dict[str, Any]:
    """Answers (keyed by question id) for the fields a check-format visit gives values to.
    Questions without a field (signatures, notes) are left unanswered."""
    answers: dict[str, Any] = {}
    for q in form.questions():
        if q.field is None:
            continue
        value = _get(data, q.field)
        if value is not None and not isinstance(value, _Missing):
            answers[q.id] = _import(q, value)
    return answers


def _import(q: Question, value: Any) -> Any:
    if q.type == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if q.type == "records" and isinstance(value, Sequence):
        return [_import_row(q, row) for row in value if isinstance(row, Mapping)]
    if q.type == "questionnaire":
        return {"items": list(value), "difficulty": None}
    if q.type == "multi-choice" and isinstance(value, Sequence):
        return list(value)
    return value


def _import_row(q: Question, row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sub in q.fields:
        if sub.field is not None and row.get(sub.field) is not None:
            out[sub.id] = _import(sub, row[sub.field])
    return out


def _get(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for name in path.split("."):
        if not isinstance(value, Mapping) or name not in value:
            return MISSING
        value = value[name]
    return value


def context_from_visit_dict(data: Mapping[str, Any], profile_id: str | None = None) -> VisitContext:
    """The context part of a check-format visit (its profile unless `profile_id` is given)."""
    course = data.get("course") or {}
    patient = data.get("patient") or {}
    return VisitContext(
        profile_id=profile_id or str(data["profile"]),
        visit_date=date.fromisoformat(data["visit"]["date"]),
        birth_date=_date_or_none(patient.get("birth_date")),
        cumulative_mg=float(course.get("cumulative_mg") or 0.0),
        previous_course_end=_date_or_none(course.get("previous_course_end")),
        phq9_baseline_total=data.get("phq9_baseline_total"),
    )


def _date_or_none(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


# --------------------------------------------------------------------------- field -> question


@dataclass(frozen=True)
class FieldLocation:
    """Where a field path lands in a form: the question, and for a records question the
    record index and sub-field (for a questionnaire, `index` is the item index)."""

    section: Section
    question: Question
    index: int | None = None
    sub: Question | None = None


def locate_field(form: Form, path: str) -> FieldLocation | None:
    """The question filling `path` (indices and deeper keys allowed) or covering it (a
    context field such as course.cumulative_mg, whose findings lead to the dose), or for a
    parent path such as "dose" the first question filling a field under it; None when no
    question does (patient.birth_date: the patient's details, not the visit)."""
    names: list[str] = []
    index: int | None = None
    for name, number in path_steps(path):
        if name:
            names.append(name)
        elif index is None:
            index = number
    by_field = {path: q for q in form.questions() for path in q.covers}
    by_field.update({q.field: q for q in form.questions() if q.field})
    for cut in range(len(names), 0, -1):
        q = by_field.get(".".join(names[:cut]))
        if q is not None:
            rest = ".".join(names[cut:])
            sub = next((f for f in q.fields if f.field == rest), None) if rest else None
            return FieldLocation(form.section_of(q.id), q, index, sub)
    prefix = ".".join(names) + "."
    for q in form.questions():
        if q.field and q.field.startswith(prefix):
            return FieldLocation(form.section_of(q.id), q)
    return None


def question_for_field(form: Form, path: str) -> Question | None:
    """The question to jump to for a finding's or an input error's field path."""
    found = locate_field(form, path)
    return None if found is None else found.question
