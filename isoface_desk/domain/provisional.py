"""Findings of a visit that is not complete yet, for the checklist being filled in.

`parse_visit` refuses an incomplete visit. To still show findings while the person fills
the checklist in, the fields the parser rejected are left out (a record entry, or the
value) and the few fields every visit needs get neutral placeholders; the findings of
the rule groups a placeholder could sway (dose figures with a placeholder weight,
pregnancy rules with a placeholder "can get pregnant") are not shown. Such an evaluation
is provisional: domain.readiness never lets it be signed.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.check_input import MISSING_LIST, parse_visit
from isoface_desk.domain.engine import Evaluation, evaluate
from isoface_desk.domain.findings import TOPIC
from isoface_desk.domain.input_fields import path_steps
from isoface_desk.errors import InputError, Problem

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
_TRIES = 4


def provisional_evaluation(
    visit: dict[str, Any], problems: Sequence[Problem], catalog: Catalog
) -> Evaluation | None:
    """Findings of the incomplete visit whose parse found `problems`, leaving out what
    placeholders could sway; None when a problem cannot be repaired (it names no field
    of the visit) or the visit is still refused after a few rounds of repairs."""
    data = copy.deepcopy(visit)
    swayed: set[str] = set()
    for _ in range(_TRIES):
        for problem in problems:
            if problem.path is None or not _repair(data, problem, swayed):
                return None
        _compact(data)
        try:
            evaluation = evaluate(parse_visit(copy.deepcopy(data), catalog), catalog)
        except InputError as exc:
            problems = exc.items
            continue
        findings = tuple(f for f in evaluation.findings if TOPIC.get(f.code) not in swayed)
        dose = None if "dose" in swayed else evaluation.dose
        phq9 = evaluation.phq9
        return Evaluation(evaluation.profile_id, evaluation.verdict, findings, phq9, dose)
    return None


def _repair(data: dict[str, Any], problem: Problem, swayed: set[str]) -> bool:
    """Leave out a rejected value, or put a placeholder where a needed one is missing."""
    path = problem.path or ""
    steps = path_steps(path)
    if not steps:
        return False
    if problem.message == MISSING_LIST:  # an empty list can only hide findings
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
