"""The lab-monitoring schedule of a course: which tests fall due when (docs/rules.md).

The schedule profiles (`smpc`, `minimal`) are data in forms/schedules/; this module loads
them (`load_schedule`) and applies one to a course (`lab_schedule`). Applying is pure and
deterministic: the same course and profile give the same list, in date order.

Months are calendar months counted from the start date each time (never step by step),
clamped to the end of a shorter month: a course starting on 31 January has month 1 on
28 (or 29) February and month 2 on 31 March.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from isoface_desk.domain.formdata import Reader, file_hash, load_toml
from isoface_desk.errors import InputError

#: Test codes in the order they are listed on an order.
TEST_CODES: tuple[str, ...] = ("ALT", "AST", "TG", "CHOL", "GLUCOSE", "HCG")
#: Tests whose sample must be taken fasting (lipids and glucose).
FASTING_TESTS: frozenset[str] = frozenset({"TG", "CHOL", "GLUCOSE"})
RULE_KINDS: tuple[str, ...] = ("start", "month", "every", "end", "after-end", "peak-dose")
CONDITIONS: tuple[str, ...] = ("pregnancy_potential", "diabetes")
_MAX_MONTHS = 240  # a guard: no course lasts twenty years


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, clamped to the last day of a shorter month."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


@dataclass(frozen=True)
class DoseChange:
    """From `date` on, the daily dose is `mg_per_day`."""

    date: date
    mg_per_day: float


@dataclass(frozen=True)
class CourseInfo:
    """What the schedule needs to know about a course of isotretinoin."""

    start_date: date
    planned_end_date: date
    actual_end_date: date | None = None
    pregnancy_potential: bool = False
    diabetes: bool = False
    start_mg_per_day: float | None = None
    dose_changes: tuple[DoseChange, ...] = ()

    @property
    def end_date(self) -> date:
        """The last day of treatment: the actual end if the course stopped, else the plan."""
        return self.actual_end_date or self.planned_end_date

    def peak_dose_date(self) -> date:
        """The first day on the highest daily dose taken before the course ended."""
        steps = [(self.start_date, self.start_mg_per_day)] if self.start_mg_per_day else []
        steps += [
            (c.date, c.mg_per_day)
            for c in self.dose_changes
            if self.start_date <= c.date <= self.end_date
        ]
        if not steps:
            return self.start_date
        peak = max(mg for _, mg in steps)
        return min(day for day, mg in steps if mg == peak)


@dataclass(frozen=True)
class DueTest:
    """Tests to take together (one sample), due on `due`, acceptable from `window_from`
    to `window_until` inclusive. `instruction` is the fasting text when `fasting`."""

    tests: tuple[str, ...]
    due: date
    window_from: date
    window_until: date
    reason: str
    fasting: bool
    instruction: str = ""


@dataclass(frozen=True)
class ScheduleRule:
    reason: str
    at: str
    tests: tuple[str, ...]
    window_before_days: int
    window_after_days: int
    only_if: str | None = None
    month: int = 0
    first_month: int = 0
    every_months: int = 0
    months: int = 0
    delay_months: int = 0
    stop_days_before_end: int = 0


@dataclass(frozen=True)
class ScheduleProfile:
    id: str
    version: str
    title: str
    basis: str
    fasting_instruction: str
    rules: tuple[ScheduleRule, ...]
    sha256: str = ""


# --------------------------------------------------------------------------- applying


def lab_schedule(course: CourseInfo, profile: str | ScheduleProfile = "smpc") -> list[DueTest]:
    """Every test due over the course under a schedule profile, by due date.

    `profile` is a loaded ScheduleProfile, or the id of one in the configured forms folder.
    Tests of the same rule occasion (same reason and window) are merged into one DueTest.
    """
    if isinstance(profile, str):
        from isoface_desk.config import forms_dir

        profile = _cached_schedule(str(forms_dir()), profile)
    if course.end_date < course.start_date:
        raise InputError("course: the end date is before the start date")
    merged: dict[tuple[str, date, date, date], set[str]] = {}
    for rule in profile.rules:
        if rule.only_if and not getattr(course, rule.only_if):
            continue
        for due, reason in _occurrences(rule, course):
            key = (
                reason,
                due,
                due - timedelta(days=rule.window_before_days),
                due + timedelta(days=rule.window_after_days),
            )
            merged.setdefault(key, set()).update(rule.tests)
    out = [_due_test(key, tests, profile.fasting_instruction) for key, tests in merged.items()]
    return sorted(out, key=lambda d: (d.due, d.window_from, d.reason, d.tests))


def _due_test(key: tuple[str, date, date, date], tests: set[str], instruction: str) -> DueTest:
    reason, due, start, until = key
    fasting = bool(tests & FASTING_TESTS)
    return DueTest(
        tests=tuple(code for code in TEST_CODES if code in tests),
        due=due,
        window_from=start,
        window_until=until,
        reason=reason,
        fasting=fasting,
        instruction=instruction if fasting else "",
    )


def _occurrences(rule: ScheduleRule, course: CourseInfo) -> Iterator[tuple[date, str]]:
    start, end = course.start_date, course.end_date
    if rule.at == "start":
        yield start, rule.reason
    elif rule.at == "end":
        yield end, rule.reason
    elif rule.at == "after-end":
        yield add_months(end, rule.months), rule.reason
    elif rule.at == "peak-dose":
        yield min(add_months(course.peak_dose_date(), rule.delay_months), end), rule.reason
    else:
        last = end - timedelta(days=rule.stop_days_before_end)
        months = [rule.month] if rule.at == "month" else _every(rule)
        for month in months:
            due = add_months(start, month)
            if due > last:
                break
            yield due, rule.reason.format(month=month)


def _every(rule: ScheduleRule) -> Iterator[int]:
    month = rule.first_month
    while month <= _MAX_MONTHS:
        yield month
        month += rule.every_months


# --------------------------------------------------------------------------- loading


def load_schedule(forms_dir: Path, schedule_id: str) -> ScheduleProfile:
    """Load and validate forms/schedules/<schedule_id>.toml (FormDataError lists problems)."""
    return load_schedule_file(forms_dir / "schedules" / f"{schedule_id}.toml")


@lru_cache(maxsize=8)
def _cached_schedule(forms_dir: str, schedule_id: str) -> ScheduleProfile:
    return load_schedule(Path(forms_dir), schedule_id)


def load_schedule_file(path: Path) -> ScheduleProfile:
    label = f"schedules/{path.name}"
    data = load_toml(path, label)
    r = Reader(label)
    r.unknown_keys(data, ("id", "version", "title", "basis", "fasting_instruction", "rules"))
    schedule_id = r.get(data, "id", str) or ""
    r.check(schedule_id in ("", path.stem), "id", f"{schedule_id!r} differs from the file name")
    texts = {k: _text(r, data, k) for k in ("version", "title", "basis", "fasting_instruction")}
    tables = r.get(data, "rules", list, default=[]) or []
    rules = [_rule(r, t, f"rules[{i}]") for i, t in enumerate(tables)]
    r.check(bool(tables), "rules", "at least one rule is needed")
    r.finish()
    return ScheduleProfile(
        id=schedule_id,
        version=texts["version"],
        title=texts["title"],
        basis=texts["basis"],
        fasting_instruction=texts["fasting_instruction"],
        rules=tuple(rule for rule in rules if rule is not None),
        sha256=file_hash(path),
    )


def _text(r: Reader, table: dict[str, object], key: str, where: str = "") -> str:
    value = r.get(table, key, str, where) or ""
    if key in table and isinstance(table[key], str) and not value.strip():
        r.problem(f"{where}.{key}" if where else key, "must not be empty")
    return value


_NEEDS: dict[str, tuple[str, ...]] = {
    "start": (),
    "end": (),
    "month": ("month",),
    "every": ("first_month", "every_months"),
    "after-end": ("months",),
    "peak-dose": ("delay_months",),
}
_WINDOW_KEYS = ("window_before_days", "window_after_days")
_INT_KEYS = (
    *_WINDOW_KEYS,
    "month",
    "first_month",
    "every_months",
    "months",
    "delay_months",
    "stop_days_before_end",
)
_AT_LEAST_ONE = ("month", "every_months", "months")


def _rule(r: Reader, table: object, where: str) -> ScheduleRule | None:
    if not isinstance(table, dict):
        r.problem(where, f"expected a table, got {table!r}")
        return None
    before = len(r.problems)
    r.unknown_keys(table, ("reason", "at", "tests", "only_if", *_INT_KEYS), where)
    at = r.get(table, "at", str, where) or ""
    r.one_of(at or None, RULE_KINDS, f"{where}.at")
    reason = _text(r, table, "reason", where)
    repeats = at in ("month", "every")
    if "{" in reason and (not repeats or reason.replace("{month}", "").count("{")):
        r.problem(f"{where}.reason", "only a month or every rule may use {month}, and nothing else")
    tests = r.list_of(table, "tests", str, where)
    r.check(bool(tests) or "tests" not in table, f"{where}.tests", "must not be empty")
    for i, code in enumerate(tests):
        r.one_of(code, TEST_CODES, f"{where}.tests[{i}]")
    only_if = r.get(table, "only_if", str, where, required=False)
    r.one_of(only_if, CONDITIONS, f"{where}.only_if")
    ints = _rule_ints(r, table, where, at)
    if len(r.problems) > before:
        return None
    return ScheduleRule(reason=reason, at=at, tests=tuple(tests), only_if=only_if, **ints)


def _rule_ints(r: Reader, table: dict[str, object], where: str, at: str) -> dict[str, int]:
    needed = {*_NEEDS.get(at, ()), *_WINDOW_KEYS}
    optional = {"stop_days_before_end"} if at in ("month", "every") else set()
    ints: dict[str, int] = {}
    for key in _INT_KEYS:
        value = r.get(table, key, int, where, required=key in needed)
        if value is None:
            continue
        least = 1 if key in _AT_LEAST_ONE else 0
        if key not in needed | optional:
            r.problem(f"{where}.{key}", f"does not apply to a rule at {at!r}")
        elif value < least:
            r.problem(f"{where}.{key}", f"must be at least {least}, got {value}")
        else:
            ints[key] = value
    return ints
