"""One laboratory result as a nurse enters it, checked against the safety thresholds.

`result_problems(entry, tests, today)` lists what is wrong with an entry (unknown unit, a
missing upper limit for ALT/AST, a date in the future...). `assess_result(entry, params)`
grades a valid entry with the profile's laboratory parameters exactly as the safety
engine does (domain/rules/labs.py): triglycerides in mg/dL are compared with the mmol/L
threshold times the conversion factor (797.13 mg/dL / 88.57 = 9.00 mmol/L is severe),
ALT and AST against the laboratory's upper limit of normal (ULN) and its multiple, a
positive pregnancy test blocks. `check_lab_entry` / `check_pregnancy_entry` turn results
into the `labs[]` and `pregnancy_tests[]` entries of docs/check-format.md, to pre-fill a visit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from isoface_desk.domain.dose import exact
from isoface_desk.domain.lab_orders import PRESENCE_VALUES
from isoface_desk.domain.lab_tests import LabTestTable
from isoface_desk.domain.profiles import LabParams

Level = Literal["normal", "high", "warn", "block"]
#: How bad, from harmless to blocking: "high" is above the laboratory's own upper limit
#: only; "warn" and "block" are the safety engine's severities for the same value.
LEVELS: tuple[Level, ...] = ("normal", "high", "warn", "block")
#: Tests that go into check-format `labs[]` (hCG goes into `pregnancy_tests[]`).
CHECK_LAB_TESTS: tuple[str, ...] = ("ALT", "AST", "TG", "CHOL", "GLUCOSE")
ULN_REQUIRED: frozenset[str] = frozenset({"ALT", "AST"})


@dataclass(frozen=True)
class ResultEntry:
    """One test's result: a number with a unit (and the laboratory's upper limit), or
    "positive"/"negative" for the pregnancy test."""

    test: str
    result_date: date
    value: float | str
    unit: str = ""
    uln: float | None = None

    def stored(self, assessment: Assessment) -> dict[str, Any]:
        """The JSON kept on the order for this test (see services/labs/lab_results.py)."""
        data: dict[str, Any] = {"date": self.result_date.isoformat()}
        if isinstance(self.value, str):
            data["result"] = self.value
        else:
            data.update(value=self.value, unit=self.unit, uln=self.uln)
        data.update(level=assessment.level, message=assessment.message)
        return data


@dataclass(frozen=True)
class Assessment:
    level: Level
    message: str
    mmol_l: float | None = None  # triglycerides converted to mmol/L, when they are TG

    @property
    def abnormal(self) -> bool:
        return self.level != "normal"


def worst(levels: list[Level]) -> Level:
    return max(levels, key=LEVELS.index, default="normal")


def result_problems(entry: ResultEntry, tests: LabTestTable, today: date) -> list[str]:
    """What is wrong with `entry`, as sentences naming the test ([] when it is usable)."""
    where = entry.test
    if entry.test not in tests.tests:
        return [f"{where}: not a known test ({', '.join(tests.tests)})"]
    problems = []
    if entry.result_date > today:
        day = entry.result_date.isoformat()
        problems.append(f"{where}: the result date {day} is in the future")
    if tests.get(entry.test).result == "presence":
        if entry.value not in PRESENCE_VALUES:
            problems.append(f"{where}: choose positive or negative")
        return problems
    units = [u.ucum for u in tests.get(entry.test).units]
    if isinstance(entry.value, str) or not math.isfinite(entry.value) or entry.value < 0:
        problems.append(f"{where}: the value must be a number, 0 or more")
    if entry.unit not in units:
        problems.append(f"{where}: the unit must be {' or '.join(units)}")
    if entry.uln is None:
        if entry.test in ULN_REQUIRED:
            problems.append(f"{where}: the laboratory's upper limit of normal is needed")
    elif not math.isfinite(entry.uln) or entry.uln <= 0:
        problems.append(f"{where}: the upper limit must be a number above 0")
    return problems


def assess_result(entry: ResultEntry, params: LabParams) -> Assessment:
    """Grade a valid entry (see result_problems) against the profile's lab parameters."""
    if isinstance(entry.value, str):
        if entry.value == "positive":
            return Assessment("block", "Positive pregnancy test: do not prescribe.")
        return Assessment("normal", "Negative pregnancy test.")
    if entry.test == "TG":
        return _triglycerides(entry, entry.value, params)
    if entry.test in ULN_REQUIRED and entry.uln is not None:
        return _liver(entry, entry.value, entry.uln, params)
    return _against_uln(entry, entry.value, f"{entry.test} {entry.value:g} {entry.unit}")


def _against_uln(entry: ResultEntry, value: float, shown: str) -> Assessment:
    if entry.uln is not None and exact(value) > exact(entry.uln):
        return Assessment("high", f"{shown}: above the laboratory's upper limit ({entry.uln:g}).")
    return Assessment("normal", f"{shown}: within the limits.")


def _triglycerides(entry: ResultEntry, value: float, params: LabParams) -> Assessment:
    factor = exact(params.tg_mg_dl_per_mmol_l)
    mg_dl = exact(value) if entry.unit == "mg/dL" else exact(value) * factor
    mmol = float(mg_dl / factor)
    shown = f"TG {value:g} {entry.unit}"
    if entry.unit == "mg/dL":
        shown += f" = {mmol:.2f} mmol/L"
    if mg_dl >= exact(params.tg_severe_mmol_l) * factor:
        message = f"{shown}: {params.tg_severe_mmol_l:g} mmol/L or more, risk of pancreatitis."
        return Assessment("block", message, mmol)
    if mg_dl > exact(params.tg_high_mmol_l) * factor:
        return Assessment("warn", f"{shown}: above {params.tg_high_mmol_l:g} mmol/L.", mmol)
    graded = _against_uln(entry, value, shown)
    return Assessment(graded.level, graded.message, mmol)


def _liver(entry: ResultEntry, value: float, uln: float, params: LabParams) -> Assessment:
    multiple = exact(params.liver_severe_uln_multiple)
    ratio: Decimal = exact(value) / exact(uln)
    shown = f"{entry.test} {value:g} U/L (ULN {uln:g}, {float(ratio):.1f} × ULN)"
    if exact(value) > multiple * exact(uln):
        return Assessment("block", f"{shown}: above {float(multiple):g} times the upper limit.")
    if exact(value) > exact(uln):
        return Assessment("warn", f"{shown}: above the upper limit of normal.")
    return Assessment("normal", f"{shown}: within the limits.")


def check_lab_entry(entry: ResultEntry) -> dict[str, Any]:
    """The check-format `labs[]` entry of a numeric result (ALT, AST, TG, CHOL, GLUCOSE)."""
    if entry.test not in CHECK_LAB_TESTS or isinstance(entry.value, str):
        raise ValueError(f"{entry.test} results do not go into labs[]")
    data: dict[str, Any] = {
        "test": entry.test,
        "date": entry.result_date.isoformat(),
        "value": entry.value,
        "unit": entry.unit,
    }
    if entry.uln is not None:
        data["uln"] = entry.uln
    return data


def check_pregnancy_entry(entry: ResultEntry, order_code: str) -> dict[str, Any]:
    """The check-format `pregnancy_tests[]` entry of a laboratory hCG result."""
    if entry.value not in PRESENCE_VALUES:
        raise ValueError(f"{entry.test} is not a pregnancy test result")
    return {
        "date": entry.result_date.isoformat(),
        "result": entry.value,
        "setting": "lab",
        "verification": f"laboratory result of order {order_code}",
    }


def entry_from_stored(test: str, data: dict[str, Any]) -> ResultEntry | None:
    """The entry behind a stored result (ResultEntry.stored), or None if it is not one."""
    try:
        day = date.fromisoformat(str(data["date"]))
        if "result" in data:
            return ResultEntry(test, day, str(data["result"]))
        uln = data.get("uln")
        return ResultEntry(
            test, day, float(data["value"]), str(data.get("unit", "")),
            float(uln) if uln is not None else None,
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None
