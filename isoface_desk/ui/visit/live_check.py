"""The live safety check of a checklist being filled in (pure Python, no Qt).

answers -> `answers_to_visit_dict` -> `parse_visit` -> `evaluate`, on every change. While
the visit is incomplete, `parse_visit` refuses it; the problems become `Note`s ("Weight
today: not answered") and the findings are still computed *provisionally*: fields the
parser rejected are left out and the few fields every visit needs get neutral
placeholders, and findings of the rule groups a placeholder could sway (dose figures with
a placeholder weight, pregnancy rules with a placeholder "can get pregnant") are not
shown. Signing needs a complete visit, so a provisional result never reaches a record.
"""

from __future__ import annotations

import copy
import re
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
from isoface_desk.domain.findings import TOPIC
from isoface_desk.errors import InputError

#: Neutral values for the fields every visit needs, and the finding topics they could sway.
PLACEHOLDERS: dict[str, tuple[Any, frozenset[str]]] = {
    "patient.weight_kg": (70.0, frozenset({"dose"})),
    "patient.pregnancy_potential": (True, frozenset({"pregnancy", "contraception", "paperwork"})),
    "product": ({"name": "(not given)", "excipients": []}, frozenset()),
    "product.name": ("(not given)", frozenset()),
    "dose": ({"mg_per_day": 1.0, "days_supply": 1, "refills": 0}, frozenset({"dose"})),
    "dose.mg_per_day": (1.0, frozenset({"dose"})),
    "dose.days_supply": (1, frozenset({"dose"})),
    "dose.refills": (0, frozenset({"dose"})),
}
_PROBLEM = re.compile(r"^(?P<path>[^:\s]+): (?P<what>.+)$")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_TRIES = 4


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
        notes += [_problem_note(form, p) for p in exc.problems]
        provisional = _provisional(visit, exc.problems, catalog)
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


def _problem_note(form: Form, problem: str) -> Note:
    match = _PROBLEM.match(problem)
    if match is None:
        return Note(problem)
    found = locate_field(form, match["path"])
    if found is None:
        return Note(problem)
    what = "not answered" if match["what"] == "missing" else match["what"]
    place = _short(found.question)
    if found.question.type == "records" and found.index is not None:
        place += f", entry {found.index + 1}"
        if found.sub is not None:
            place += f", {found.sub.label.lower()}"
    return Note(f"{place}: {what}", found.question.id, found.section.id, found.index,
                None if found.sub is None else found.sub.id)  # fmt: skip


def _short(q: Question, limit: int = 60) -> str:
    return q.label if len(q.label) <= limit else q.label[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- provisional


def _provisional(
    visit: dict[str, Any], problems: list[str], catalog: Catalog
) -> Evaluation | None:
    """Findings of the incomplete visit, leaving out what placeholders could sway."""
    data = copy.deepcopy(visit)
    swayed: set[str] = set()
    for _ in range(_TRIES):
        for problem in problems:
            match = _PROBLEM.match(problem)
            if match is None or not _repair(data, match["path"], match["what"], swayed):
                return None
        _compact(data)
        try:
            evaluation = evaluate(parse_visit(copy.deepcopy(data), catalog), catalog)
        except InputError as exc:
            problems = exc.problems
            continue
        findings = tuple(f for f in evaluation.findings if TOPIC.get(f.code) not in swayed)
        dose = None if "dose" in swayed else evaluation.dose
        phq9 = evaluation.phq9
        return Evaluation(evaluation.profile_id, evaluation.verdict, findings, phq9, dose)
    return None


def _repair(data: dict[str, Any], path: str, what: str, swayed: set[str]) -> bool:
    """Leave out a rejected value, or put a placeholder where a needed one is missing."""
    steps = [(name, int(num) if num else None) for name, num in _STEP.findall(path)]
    if not steps:
        return False
    if what.startswith("missing (an empty list"):  # an empty list can only hide findings
        _put(data, [name for name, _ in steps], [])
        return True
    if path in PLACEHOLDERS:  # a needed value, missing or wrong: a placeholder
        value, topics = PLACEHOLDERS[path]
        _put(data, [name for name, _ in steps], copy.deepcopy(value))
        swayed.update(topics)
        return True
    return _drop(data, steps)


def _put(data: dict[str, Any], names: list[str], value: Any) -> None:
    *parents, last = names
    for name in parents:
        child = data.get(name)
        if not isinstance(child, dict):
            child = data[name] = {}
        data = child
    data[last] = value


def _drop(data: dict[str, Any], steps: list[tuple[str, int | None]]) -> bool:
    """Leave out the record holding the path (a list entry, compacted later) or the value."""
    holder: Any = data
    for i, (name, index) in enumerate(steps):
        if index is not None:
            if isinstance(holder, list) and 0 <= index < len(holder):
                holder[index] = None
                return True
            return False
        if not isinstance(holder, dict) or name not in holder:
            return False
        if i == len(steps) - 1:
            del holder[name]
            return True
        holder = holder[name]
    return False


def _compact(value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, list):
                value[key] = [c for c in child if c is not None]
            _compact(value[key])
    elif isinstance(value, list):
        for child in value:
            _compact(child)
