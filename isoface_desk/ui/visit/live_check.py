"""The live safety check of a checklist being filled in (pure Python, no Qt).

answers -> `answers_to_visit_dict` -> `parse_visit` -> `evaluate`, on every change. While
the visit is incomplete, `parse_visit` refuses it; its problems (each a field path and
what is wrong) become `Note`s ("Weight today: not answered") placed at the question of
the path, and the findings are still computed *provisionally* (domain.provisional: what
a placeholder could sway is left out). Signing needs a complete visit
(domain.readiness), so a provisional result never reaches a record.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.checklist import (
    Form,
    Question,
    VisitContext,
    answers_to_visit_dict,
    locate_field,
    unanswered_required,
)
from isoface_desk.domain.engine import Evaluation, evaluate
from isoface_desk.domain.input_fields import MISSING
from isoface_desk.domain.provisional import provisional_evaluation
from isoface_desk.errors import InputError, Problem


@dataclass(frozen=True)
class Note:
    """Something still to answer or to correct, with where to jump to fix it."""

    text: str
    question_id: str | None = None
    section_id: str | None = None
    index: int | None = None  # the record (or questionnaire item) index
    sub_id: str | None = None  # the sub-field of a record


@dataclass(frozen=True)
class LiveResult:
    evaluation: Evaluation | None
    provisional: bool
    notes: tuple[Note, ...]
    visit: dict[str, Any] = field(default_factory=dict)  # the check-format input used

    @property
    def complete(self) -> bool:
        return not self.notes and self.evaluation is not None and not self.provisional


def live_check(
    form: Form,
    answers: Mapping[str, Any],
    context: VisitContext,
    catalog: Catalog,
    editor_problems: Mapping[str, str] | None = None,
) -> LiveResult:
    """Evaluate the answers as far as they go; never raises for incomplete input."""
    visit = answers_to_visit_dict(form, answers, context)
    notes = _editor_notes(form, editor_problems or {})
    notes += [_unanswered_note(form, q) for q in unanswered_required(form, answers, context)]
    try:
        evaluation = evaluate(parse_visit(copy.deepcopy(visit), catalog), catalog)
    except InputError as exc:
        notes += [_problem_note(form, p) for p in exc.items]
        provisional = provisional_evaluation(visit, exc.items, catalog)
        return LiveResult(provisional, True, _unique(notes), visit)
    return LiveResult(evaluation, bool(notes), _unique(notes), visit)


def _unique(notes: list[Note]) -> tuple[Note, ...]:
    """One note per place (question, record, sub-field): the first one found wins."""
    seen: set[tuple[Any, ...]] = set()
    out: list[Note] = []
    for note in notes:
        key = (note.question_id, note.index, note.sub_id) if note.question_id else (note.text,)
        if key not in seen:
            seen.add(key)
            out.append(note)
    return tuple(out)


def _editor_notes(form: Form, problems: Mapping[str, str]) -> list[Note]:
    out = []
    for question_id, what in problems.items():
        q = form.question(question_id)
        out.append(Note(f"{_short(q)}: {what}", q.id, form.section_of(q.id).id))
    return out


def _unanswered_note(form: Form, q: Question) -> Note:
    what = "a record is incomplete" if q.type == "records" else "not answered"
    if q.type == "signature":
        what = "not signed"
    return Note(f"{_short(q)}: {what}", q.id, form.section_of(q.id).id)


def _problem_note(form: Form, problem: Problem) -> Note:
    found = None if problem.path is None else locate_field(form, problem.path)
    if found is None:
        return Note(str(problem))
    what = "not answered" if problem.message == MISSING else problem.message
    place = _short(found.question)
    if found.question.type == "records" and found.index is not None:
        place += f", entry {found.index + 1}"
        if found.sub is not None:
            place += f", {found.sub.label.lower()}"
    return Note(f"{place}: {what}", found.question.id, found.section.id, found.index,
                None if found.sub is None else found.sub.id)  # fmt: skip


def _short(q: Question, limit: int = 60) -> str:
    return q.label if len(q.label) <= limit else q.label[: limit - 1].rstrip() + "…"
