"""Checklist forms as data: Form / Section / Question, and which questions a visit shows.

A form (forms/checklists/<kind>.toml) is a list of sections, each a list of questions.
A question may depend on earlier answers, on the profile and on the patient's age
(`Condition`). Evaluation walks the form in order and keeps only the answers of visible
questions, so a condition on a hidden question sees it as unanswered: hiding a question
also hides what depends on it, and a hidden question fills nothing in the visit.

Answers are keyed by question id. Values by answer type:
  bool: bool; choice: str; multi-choice: list of str; date: `date` or ISO text;
  number: int or float; text: str; records: list of dicts keyed by sub-field id;
  questionnaire: {"items": [nine int or None], "difficulty": int or None} or the list
  of item answers alone; signature: anything (kept by the caller, never checked here).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from isoface_desk.domain.checklist_help import ProfileHelp
from isoface_desk.domain.visit import age_on

ANSWER_TYPES: tuple[str, ...] = ("bool", "choice", "multi-choice", "date", "number", "text",
                                 "records", "questionnaire", "signature")  # fmt: skip
SIGNERS: tuple[str, ...] = ("patient", "guardian", "prescriber", "second-prescriber")
Scalar = bool | int | float | str
Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    detail: str = ""  # longer text to show beside it (a counselling item's patient text)
    when: Condition | None = None  # offered only when it holds (in a record: that record's)


@dataclass(frozen=True)
class Condition:
    """Every part that is set must hold; `any` holds when one of its conditions holds."""

    answer: str | None = None
    item: int | None = None  # questionnaire item number (1-based)
    equals: Scalar | None = None
    one_of: tuple[Scalar, ...] | None = None  # TOML key `in`
    at_least: float | None = None
    answered: bool | None = None
    profiles: tuple[str, ...] = ()
    not_profiles: tuple[str, ...] = ()
    age_under: int | None = None
    any: tuple[Condition, ...] = ()

    def referenced_answers(self) -> set[str]:
        refs = {self.answer} if self.answer else set()
        for sub in self.any:
            refs |= sub.referenced_answers()
        return refs


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    type: str
    help: str = ""
    field: str | None = None  # check-format path (relative to the record for sub-fields)
    covers: tuple[str, ...] = ()  # fields no question fills whose findings lead here
    required: bool = False
    required_when: Condition | None = None
    when: Condition | None = None
    options: tuple[Option, ...] = ()
    codes: str | None = None  # a code list of forms/codes, by file name
    allow_other: bool = False  # multi-choice: codes outside the list may be typed in
    suggest: str | None = None  # text: completion source ("medicines")
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    exclusive_min: bool = False
    integer: bool = False
    default: Scalar | None = None
    fields: tuple[Question, ...] = ()  # records: the sub-fields of one record
    questionnaire: str | None = None
    signer: str | None = None
    profile_help: tuple[ProfileHelp, ...] = ()  # help variants by profile (checklist_help)

    def sub(self, sub_id: str) -> Question | None:
        return next((f for f in self.fields if f.id == sub_id), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    help: str = ""
    when: Condition | None = None
    profile_help: tuple[ProfileHelp, ...] = ()


@dataclass(frozen=True)
class Form:
    """One checklist file. `kind` is the visit kind; `sha256` pins the file's exact bytes."""

    id: str
    version: str
    kind: str
    title: str
    sections: tuple[Section, ...]
    sha256: str = ""
    source: str = ""

    @cached_property
    def _index(self) -> dict[str, tuple[Section, Question]]:
        return {q.id: (s, q) for s in self.sections for q in s.questions}

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if there is none)."""
        return self._index[question_id][1]

    def section_of(self, question_id: str) -> Section:
        return self._index[question_id][0]

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


@dataclass(frozen=True)
class VisitContext:
    """What the form needs to know beyond its answers: the exact profile id in force, the
    visit date and the patient's birth date, plus values carried over from earlier records
    (a question filling the same field overrides them when answered)."""

    profile_id: str
    visit_date: date
    birth_date: date | None = None
    cumulative_mg: float = 0.0
    previous_course_end: date | None = None
    phq9_baseline_total: int | None = None

    def age(self) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, self.visit_date)


# --------------------------------------------------------------------------- answers


def questionnaire_items(value: object) -> list[int | None] | None:
    """The item answers of a questionnaire answer (a list, or a dict with "items")."""
    if isinstance(value, Mapping):
        value = value.get("items")
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [v if isinstance(v, int) and not isinstance(v, bool) else None for v in value]
    return None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_answered(question: Question, value: object) -> bool:
    """Whether a person has answered: a records question needs a non-blank row or no row
    at all (every entry removed: the answer "none"), a questionnaire every item; an empty
    multi-choice list is the answer "none of these"."""
    if is_blank(value):
        return False
    if question.type == "questionnaire":
        items = questionnaire_items(value)
        return bool(items) and all(v is not None for v in items or ())
    if question.type == "records":
        rows = _rows(value)
        return not rows or any(not row_is_blank(question, row) for row in rows)
    if question.type == "bool":
        return isinstance(value, bool)
    return True


def row_is_blank(question: Question, row: Mapping[str, Any]) -> bool:
    """Nothing typed in: every sub-field blank or still at its default (a new medicine row
    says "By mouth" by itself; it is no entry until a name is given)."""
    return all(_blank_or_default(f, row.get(f.id)) for f in question.fields)


def _blank_or_default(sub: Question, value: object) -> bool:
    return is_blank(value) or (sub.default is not None and _same(value, sub.default))


def _rows(value: object) -> list[Mapping[str, Any]]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [row for row in value if isinstance(row, Mapping)]
    return []


# --------------------------------------------------------------------------- conditions


def holds(
    condition: Condition,
    answers: Answers,
    questions: Mapping[str, Question],
    context: VisitContext,
) -> bool:
    """Evaluate a condition against answers (of visible questions only) and the context."""
    c = condition
    if c.profiles and not any(fnmatch.fnmatchcase(context.profile_id, p) for p in c.profiles):
        return False
    if any(fnmatch.fnmatchcase(context.profile_id, p) for p in c.not_profiles):
        return False
    if c.age_under is not None:
        age = context.age()
        if age is not None and age >= c.age_under:  # an unknown age shows more, not less
            return False
    if c.any and not any(holds(sub, answers, questions, context) for sub in c.any):
        return False
    if c.answer is None:
        return True
    return _answer_holds(c, questions[c.answer], answers.get(c.answer))


def _answer_holds(c: Condition, question: Question, value: object) -> bool:
    if c.answered is not None:
        return is_answered(question, value) == c.answered
    if question.type == "questionnaire":
        items = questionnaire_items(value) or []
        if c.item is not None:
            value = items[c.item - 1] if c.item <= len(items) else None
        else:
            value = sum(v for v in items if v is not None) if is_answered(question, items) else None
    if c.equals is not None:
        return _same(value, c.equals)
    if c.one_of is not None:
        if question.type == "multi-choice" and isinstance(value, Sequence):
            return any(_same(v, w) for v in value for w in c.one_of)
        return any(_same(value, w) for w in c.one_of)
    if c.at_least is not None:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and float(value) >= c.at_least  # type: ignore[arg-type]
    return False


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


# --------------------------------------------------------------------------- visibility


@dataclass(frozen=True)
class Shown:
    """The visible part of a filled form: sections, questions and their answers."""

    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    answers: Mapping[str, Any]  # answers of visible questions only
    index: Mapping[str, Question]  # every question of the form, by id

    def required(self, question: Question, context: VisitContext) -> bool:
        """Whether a visible question must be answered (row sub-fields: `visible_fields`)."""
        return is_required(question, self.answers, self.index, context)


def shown(form: Form, answers: Answers, context: VisitContext) -> Shown:
    """Walk the form in order, keeping visible sections, questions and their answers."""
    index = _index(form)
    seen: dict[str, Any] = {}
    sections: list[Section] = []
    questions: list[Question] = []
    for section in form.sections:
        if section.when is not None and not holds(section.when, seen, index, context):
            continue
        visible = _visible_in(section, answers, seen, index, context)
        if visible:
            sections.append(section)
            questions.extend(visible)
    return Shown(tuple(sections), tuple(questions), seen, index)


def _visible_in(
    section: Section,
    answers: Answers,
    seen: dict[str, Any],
    index: Mapping[str, Question],
    context: VisitContext,
) -> list[Question]:
    visible: list[Question] = []
    for q in section.questions:
        if q.when is not None and not holds(q.when, seen, index, context):
            continue
        visible.append(q)
        if q.id in answers:
            seen[q.id] = answers[q.id]
    return visible


def _index(form: Form) -> dict[str, Question]:
    return {q.id: q for q in form.questions()}


def is_required(
    question: Question,
    answers: Answers,
    questions: Mapping[str, Question],
    context: VisitContext,
) -> bool:
    """Required as the form says: always, or when `required_when` holds (visible ones only)."""
    if question.required_when is not None:
        return holds(question.required_when, answers, questions, context)
    return question.required


def visible_fields(
    question: Question, row: Mapping[str, Any], context: VisitContext
) -> list[Question]:
    """The sub-fields of a records question shown for one record (row keyed by sub-field id)."""
    index = {f.id: f for f in question.fields}
    seen: dict[str, Any] = {}
    visible: list[Question] = []
    for sub in question.fields:
        if sub.when is not None and not holds(sub.when, seen, index, context):
            continue
        visible.append(sub)
        if sub.id in row:
            seen[sub.id] = row[sub.id]
    return visible


def visible_options(
    record: Question, sub: Question, row: Mapping[str, Any], context: VisitContext
) -> tuple[Option, ...]:
    """The options of a record's choice sub-field offered for one record (an option's
    `when` names earlier sub-fields: e.g. U/L only for ALT and AST)."""
    index = {f.id: f for f in record.fields}
    seen = {k: v for k, v in row.items() if k in index}
    return tuple(o for o in sub.options
                 if o.when is None or holds(o.when, seen, index, context))  # fmt: skip
