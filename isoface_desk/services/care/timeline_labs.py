"""The patient page's latest labs, graded exactly as the nurses' due list grades them.

A result entered on a lab order keeps the grade `LabResultService.record` stored with it
(normal, high: above the laboratory's upper limit, warn or block: the safety engine's
severities), read back through `services.lab_results.result_lines`, the same lines the
due list and `patient_results` use. A value typed into a signed visit (its `labs[]`, its
pregnancy tests) has no stored grade: it is graded with the same domain function
(`assess_result`) and the laboratory parameters of the clinic's profile on its date.
Abnormal means any grade but normal, on the page as on the due list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from isoface_desk.domain.lab_results import (
    LEVELS,
    Level,
    ResultEntry,
    assess_result,
    entry_from_stored,
)
from isoface_desk.domain.profiles import LabParams
from isoface_desk.services.labs.lab_results import result_lines
from isoface_desk.storage.repositories.lab_orders import LabOrder
from isoface_desk.storage.repositories.records import StoredRecord

__all__ = ["PREGNANCY_TEST", "LabValue", "latest_labs"]

PREGNANCY_TEST = "HCG"  # a pregnancy test in a signed visit counts as the latest hCG
ParamsOn = Callable[[dt.date], LabParams]


@dataclass(frozen=True)
class LabValue:
    """The latest value of one test: a number with unit (and ULN), or a result word, with
    its grade and the sentence that explains it."""

    test: str
    date: dt.date
    value: float | None
    unit: str = ""
    uln: float | None = None
    result: str = ""
    level: Level = "normal"
    message: str = ""

    @property
    def abnormal(self) -> bool:
        return self.level != "normal"

    def text(self) -> str:
        if self.value is None:
            return self.result or "—"
        shown = f"{self.value:g} {self.unit}".strip()
        return f"{shown} (ULN {self.uln:g})" if self.uln is not None else shown


def _value(entry: ResultEntry, level: Level, message: str) -> LabValue:
    if isinstance(entry.value, str):
        return LabValue(entry.test, entry.result_date, None, result=entry.value, level=level,
                        message=message)  # fmt: skip
    return LabValue(entry.test, entry.result_date, entry.value, entry.unit, entry.uln,
                    level=level, message=message)  # fmt: skip


def _from_orders(orders: Iterable[LabOrder]) -> list[LabValue]:
    return [_value(line.entry, line.level, line.message)
            for order in orders for line in result_lines(order)]  # fmt: skip


def _from_records(records: Iterable[StoredRecord], params_on: ParamsOn) -> list[LabValue]:
    found = []
    for record in records:
        entries = [(str(e.get("test")), e) for e in record.answers.get("labs") or ()
                   if isinstance(e, Mapping)]  # fmt: skip
        entries += [(PREGNANCY_TEST, e) for e in record.answers.get("pregnancy_tests") or ()
                    if isinstance(e, Mapping)]  # fmt: skip
        for test, data in entries:
            entry = entry_from_stored(test, _stored_shape(data, record.visit_date))
            if entry is not None:
                graded = assess_result(entry, params_on(entry.result_date))
                found.append(_value(entry, graded.level, graded.message))
    return found


def _stored_shape(data: Mapping[str, Any], fallback: dt.date) -> dict[str, Any]:
    """A visit's lab entry in the shape of a stored result (its date, else the visit's)."""
    shaped = {k: data[k] for k in ("date", "value", "unit", "uln", "result") if k in data}
    shaped.setdefault("date", fallback.isoformat())
    if shaped.get("uln") is None:
        shaped.pop("uln", None)
    return shaped


def latest_labs(
    orders: Iterable[LabOrder], records: Iterable[StoredRecord], params_on: ParamsOn
) -> list[LabValue]:
    """The latest value of each test, from resulted orders and from signed visits; on the
    same date the worse grade wins (as on the due list). Sorted by test."""
    latest: dict[str, LabValue] = {}
    for value in _from_orders(orders) + _from_records(records, params_on):
        old = latest.get(value.test)
        if old is None or (value.date, LEVELS.index(value.level)) > (
            old.date,
            LEVELS.index(old.level),
        ):
            latest[value.test] = value
    return sorted(latest.values(), key=lambda v: v.test)
