"""Results of lab orders: entered by the nurse, graded against the safety thresholds, shown
on the due list and the patient page, and handed to the next visit as its `labs[]`.

`LabResultService.record(actor, order_id, entries)` checks every entry (domain
`result_problems`), grades it with the laboratory parameters of the clinic's profile in
force on the result date (`assess_result`: TG mmol/L against mg/dL / 88.57, ALT/AST
against ULN and 3 x ULN, a positive pregnancy test), stores value, unit, ULN, date, level
and message per test, and marks the order resulted with an audit event. A second entry
for a resulted order replaces the first (an audited "correct result").
The next visit opens with them (services/visit_prefill, through VisitStartService.prepare).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from isoface_desk.domain.catalog import Catalog, resolve_profile
from isoface_desk.domain.lab_orders import order_code
from isoface_desk.domain.lab_results import (
    Level,
    ResultEntry,
    assess_result,
    entry_from_stored,
    result_problems,
    worst,
)
from isoface_desk.domain.lab_tests import LabTestTable, default_lab_tests
from isoface_desk.domain.profiles import LabParams
from isoface_desk.errors import InputError, NotFound
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, CatalogServiceBase, Clock, utc_now
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.handles import Engine, Session
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories.lab_orders import LabOrder

__all__ = ["LabResultService", "PatientResults", "ResultEntry", "ResultLine"]

PREGNANCY_TEST = "HCG"


@dataclass(frozen=True)
class ResultLine:
    """One stored result of one order, with its grade."""

    order_id: int
    code: str  # the printed order id, LO-000042
    entry: ResultEntry
    level: Level
    message: str

    @property
    def test(self) -> str:
        return self.entry.test

    @property
    def abnormal(self) -> bool:
        return self.level != "normal"


@dataclass(frozen=True)
class PatientResults:
    """Every result of a patient (oldest first) and the latest per test (`graded`)."""

    lines: tuple[ResultLine, ...]
    latest: dict[str, ResultLine]

    @property
    def abnormal_latest(self) -> tuple[ResultLine, ...]:
        return tuple(line for line in self.latest.values() if line.abnormal)


def graded(orders: Iterable[LabOrder]) -> PatientResults:
    """The stored, graded results of these (resulted) orders, as the due list grades them."""
    lines = sorted(
        (line for order in orders for line in result_lines(order)),
        key=lambda line: (line.entry.result_date, line.order_id),
    )
    return PatientResults(tuple(lines), latest_by_test(lines))


def result_lines(order: LabOrder) -> list[ResultLine]:
    """The results stored on an order, in the order's test order (unreadable ones skipped)."""
    lines = []
    for test in [str(t) for t in order.tests]:
        data = order.results.get(test)
        entry = entry_from_stored(test, data) if isinstance(data, dict) else None
        if entry is None or not isinstance(data, dict):
            continue
        level = data.get("level")
        grade: Level = level if level in ("normal", "high", "warn", "block") else "normal"
        message = str(data.get("message") or "")
        lines.append(ResultLine(order.id, order_code(order.id), entry, grade, message))
    return lines


def latest_by_test(lines: Iterable[ResultLine], on: dt.date | None = None) -> dict[str, ResultLine]:
    """The latest result of each test (dated on or before `on`); the worse one on a tie."""
    latest: dict[str, ResultLine] = {}
    for line in lines:
        if on is not None and line.entry.result_date > on:
            continue
        old = latest.get(line.test)
        if old is None or _newer_or_worse(line, old):
            latest[line.test] = line
    return latest


def _newer_or_worse(new: ResultLine, old: ResultLine) -> bool:
    if new.entry.result_date != old.entry.result_date:
        return new.entry.result_date > old.entry.result_date
    return worst([new.level, old.level]) == new.level and new.level != old.level


def order_problems(order: LabOrder, given: Sequence[str]) -> list[str]:
    """What is wrong with results for tests `given` on `order`, as a whole: a test twice,
    one not ordered, one missing, a cancelled order (each entry is checked on its own by
    the domain's `result_problems`)."""
    wanted = [str(t) for t in order.tests]
    code = order_code(order.id)
    problems = [f"{t}: entered twice" for t in sorted({t for t in given if given.count(t) > 1})]
    problems += [f"{t}: not ordered on {code}" for t in given if t not in wanted]
    problems += [f"{t}: no result entered" for t in wanted if t not in given]
    if order.status == "cancelled":
        problems.append(f"{code} was cancelled; it takes no results")
    return problems


def profile_labs(session: Session, catalog: Catalog, on: dt.date) -> LabParams:
    """The laboratory parameters of the clinic's profile in force on `on`."""
    clinic = clinic_repo.get_clinic(session)
    if clinic is None:
        raise NotFound("The clinic has not been set up yet.")
    return resolve_profile(catalog, clinic.jurisdiction_profile, on).labs


def store_results(
    session: Session,
    actor: Actor,
    order: LabOrder,
    entries: Sequence[ResultEntry],
    catalog: Catalog,
) -> LabOrder:
    """Grade checked entries, store them on `order` and append its audit event ("result",
    or "correct result" for an order already resulted), inside the caller's unit of work:
    the nurse's dialog (LabResultService.record) and a file import (services/labs/lab_import.py)
    store through here."""
    results: dict[str, Any] = {}
    for entry in entries:
        graded = assess_result(entry, profile_labs(session, catalog, entry.result_date))
        results[entry.test] = entry.stored(graded)
    level = worst([r["level"] for r in results.values()])
    stored = orders_repo.record_results(session, order.id, results, abnormal=level != "normal")
    action = "correct result" if order.status == "resulted" else "result"
    details = {"tests": sorted(results), "abnormal": level != "normal", "level": level}
    append_event(session, actor.username, action, "order", order.id, details)
    return stored


class LabTestsServiceBase(CatalogServiceBase):
    """A service that grades results: the catalog, and the lab-test table (the default
    one unless given)."""

    def __init__(
        self,
        engine: Engine,
        *,
        now: Clock = utc_now,
        catalog: Catalog | None = None,
        tests: LabTestTable | None = None,
    ) -> None:
        super().__init__(engine, now=now, catalog=catalog)
        self._tests = tests

    @property
    def tests(self) -> LabTestTable:
        if self._tests is None:
            self._tests = default_lab_tests()
        return self._tests


class LabResultService(LabTestsServiceBase):
    def lab_params(self, actor: Actor, on: dt.date) -> LabParams:
        """The laboratory thresholds of the clinic's profile in force on `on`."""
        with self._read(actor, Permission.ORDER_READ) as session:
            return self._params(session, on)

    def _params(self, session: Session, on: dt.date) -> LabParams:
        return profile_labs(session, self.catalog, on)

    def record(self, actor: Actor, order_id: int, entries: Sequence[ResultEntry]) -> LabOrder:
        """Store the results of every test of an order and mark it resulted (audited)."""
        with self._unit(actor, Permission.ORDER_WRITE) as session:
            order = orders_repo.get_order(session, order_id)
            problems = order_problems(order, [e.test for e in entries])
            wanted = [str(t) for t in order.tests]
            for entry in entries:
                if entry.test in wanted:
                    problems += result_problems(entry, self.tests, self.today())
            if problems:
                raise InputError(problems)
            return store_results(session, actor, order, entries, self.catalog)
