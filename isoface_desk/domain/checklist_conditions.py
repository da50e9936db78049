"""Reading the `when` / `required_when` conditions of checklist files.

A condition is a table; every part given must hold:

    answer = "<question id>" with one of  equals = x | in = [x, ...] | at_least = n |
                                          answered = true/false
    item = 9              (questionnaire answers: compare one item instead of the total)
    profiles = ["uk-*"]   the exact profile id matches one of these patterns
    not_profiles = [...]  it matches none of them
    age_under = 18        the patient is younger (an unknown age counts as younger)
    any = [ {...}, ... ]  at least one of these conditions holds

`answer` must name an earlier question (an earlier sub-field inside a record), so
dependencies never loop; values must suit that question (a choice's own options or codes).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Collection, Mapping
from typing import Any

from isoface_desk.domain.checklist_model import Condition, Question
from isoface_desk.domain.formdata import Reader
from isoface_desk.domain.questionnaire import FIXED_SHAPES

_KEYS = ("answer", "item", "equals", "in", "at_least", "answered", "profiles",
         "not_profiles", "age_under", "any")  # fmt: skip
_TESTS = ("equals", "in", "at_least", "answered")


class ConditionReader:
    def __init__(
        self,
        r: Reader,
        code_lists: Mapping[str, Collection[str]],
        profile_ids: Collection[str],
    ) -> None:
        self.r = r
        self.code_lists = code_lists
        self.profile_ids = profile_ids

    def read(
        self, table: Mapping[str, Any], key: str, where: str, scope: Mapping[str, Question]
    ) -> Condition | None:
        """The condition at table[key] (None when absent or invalid; problems recorded)."""
        if key not in table:
            return None
        return self._condition(table[key], f"{where}.{key}", scope)

    def _condition(
        self, data: object, where: str, scope: Mapping[str, Question]
    ) -> Condition | None:
        r = self.r
        if not isinstance(data, dict):
            r.problem(where, f"expected a table, got {data!r}")
            return None
        if not data:
            r.problem(where, "an empty condition: give at least one part")
            return None
        before = len(r.problems)
        r.unknown_keys(data, _KEYS, where)
        question = self._answer(data, where, scope)
        tests = [k for k in _TESTS if k in data]
        if "answer" in data and len(tests) != 1:
            r.problem(where, "an answer needs exactly one of equals, in, at_least, answered")
        elif "answer" not in data:
            for k in [*tests, *(["item"] if "item" in data else [])]:
                r.problem(f"{where}.{k}", "applies only together with answer")
        item = self._item(data, where, question)
        values = self._values(data, where, question, item)
        profiles = self._patterns(data, "profiles", where)
        not_profiles = self._patterns(data, "not_profiles", where)
        age = r.get(data, "age_under", int, where, required=False)
        r.check(age is None or 0 < age <= 130, f"{where}.age_under", "must be 1 to 130")
        subs = self._any(data, where, scope)
        if len(r.problems) > before:
            return None
        return Condition(
            answer=data.get("answer"), item=item, profiles=profiles, not_profiles=not_profiles,
            age_under=age, any=subs, **values,
        )  # fmt: skip

    def _answer(
        self, data: dict[str, Any], where: str, scope: Mapping[str, Question]
    ) -> Question | None:
        name = self.r.get(data, "answer", str, where, required=False)
        if name is None:
            return None
        if name not in scope:
            self.r.problem(f"{where}.answer", f"{name!r} is not an earlier question")
            return None
        return scope[name]

    def _item(self, data: dict[str, Any], where: str, question: Question | None) -> int | None:
        item = self.r.get(data, "item", int, where, required=False)
        if item is None or question is None:
            return item
        if question.type != "questionnaire":
            self.r.problem(f"{where}.item", "applies only to a questionnaire answer")
            return None
        count = FIXED_SHAPES.get(question.questionnaire or "", (99, 0))[0]
        self.r.check(1 <= item <= count, f"{where}.item", f"must be 1 to {count}")
        return item

    def _values(
        self, data: dict[str, Any], where: str, question: Question | None, item: int | None
    ) -> dict[str, Any]:
        r = self.r
        out: dict[str, Any] = {}
        if "answered" in data:
            out["answered"] = r.get(data, "answered", bool, where)
        if "at_least" in data:
            out["at_least"] = r.get(data, "at_least", float, where)
            if question is not None and question.type not in ("number", "questionnaire"):
                r.problem(f"{where}.at_least", f"does not apply to a {question.type} answer")
        if "equals" in data:
            if question is not None and question.type == "multi-choice":
                r.problem(f"{where}.equals", "use `in` for a multi-choice answer")
            self._check_value(data["equals"], f"{where}.equals", question, item)
            out["equals"] = data["equals"]
        if "in" in data:
            values = r.list_of(data, "in", object, where)
            r.check(bool(values), f"{where}.in", "must not be empty")
            for i, value in enumerate(values):
                self._check_value(value, f"{where}.in[{i}]", question, item)
            out["one_of"] = tuple(values)
        return out

    def _check_value(
        self, value: object, where: str, question: Question | None, item: int | None
    ) -> None:
        if question is None:
            return
        kind = "number" if question.type == "questionnaire" else question.type
        if kind == "bool":
            ok, expected = isinstance(value, bool), "true or false"
        elif kind == "number":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            expected = "a number"
        elif kind in ("choice", "multi-choice"):
            allowed = _allowed(question, self.code_lists)
            ok = isinstance(value, str) and (not allowed or value in allowed)
            expected = "one of " + ", ".join(sorted(allowed)) if allowed else "text"
        elif kind == "text":
            ok, expected = isinstance(value, str), "text"
        else:
            self.r.problem(where, f"a {question.type} answer cannot be compared to a value")
            return
        if not ok:
            self.r.problem(where, f"{value!r} is not a possible answer to {question.id!r} "
                           f"(expected {expected})")  # fmt: skip

    def _patterns(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        patterns = self.r.list_of(data, key, str, where, required=False)
        for i, pattern in enumerate(patterns):
            if not any(fnmatch.fnmatchcase(pid, pattern) for pid in self.profile_ids):
                self.r.problem(f"{where}.{key}[{i}]", f"{pattern!r} matches no profile id "
                               f"({', '.join(sorted(self.profile_ids))})")  # fmt: skip
        return tuple(patterns)

    def _any(
        self, data: dict[str, Any], where: str, scope: Mapping[str, Question]
    ) -> tuple[Condition, ...]:
        if "any" not in data:
            return ()
        items = self.r.get(data, "any", list, where, default=[]) or []
        self.r.check(bool(items) or not isinstance(data["any"], list), f"{where}.any",
                     "must not be empty")  # fmt: skip
        subs = [self._condition(sub, f"{where}.any[{i}]", scope) for i, sub in enumerate(items)]
        return tuple(s for s in subs if s is not None)


def _allowed(question: Question, code_lists: Mapping[str, Collection[str]]) -> set[str]:
    if question.options:
        return {o.value for o in question.options}
    return set(code_lists.get(question.codes or "", ()))
