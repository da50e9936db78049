"""Lab orders and their results as the documents and the FHIR export see them.

A `LabOrder` is one requisition: one patient, one ordering prescriber, the tests to take
together and the window to take them in. Its id is printed as a Code128 barcode and used
as the FHIR requisition identifier, so it is at most 20 letters, digits and `-._` (short
enough for a tube label barcode).
A `LabResult` is one test's result on an order: a number with a UCUM unit and the
laboratory's upper limit, or "positive"/"negative" for a presence test (hCG).
`order_from_due_test` turns a DueTest of the lab schedule into an order; `order_code` and
`order_number` convert between a stored order's number and its printed id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from isoface_desk.domain.lab_schedule import DueTest
from isoface_desk.errors import InputError

#: Status of an order, as storage keeps it (planned -> printed -> collected -> resulted).
OrderStatus = Literal["planned", "printed", "collected", "resulted", "cancelled"]
ORDER_STATUSES: tuple[str, ...] = ("planned", "printed", "collected", "resulted", "cancelled")
PRESENCE_VALUES: tuple[str, ...] = ("positive", "negative")
ORDER_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")


ORDER_CODE_PREFIX = "LO-"


def order_code(number: int) -> str:
    """The printed id of stored order `number` (its barcode): LO-000042."""
    if number < 1 or number > 10**12:
        raise InputError(f"lab order number {number} is out of range")
    return f"{ORDER_CODE_PREFIX}{number:06d}"


def order_number(code: str) -> int:
    """The stored order number of a printed or scanned id; InputError if it is not one."""
    digits = code.strip().removeprefix(ORDER_CODE_PREFIX)
    if not code.strip().startswith(ORDER_CODE_PREFIX) or not digits.isdigit():
        raise InputError(f"{code!r} is not a lab order id (LO- and digits)")
    return int(digits)


@dataclass(frozen=True)
class PatientIdentity:
    name: str
    birth_date: date
    clinic_number: str
    sex: str = ""  # "female", "male", "other" or "" when not recorded


@dataclass(frozen=True)
class OrderingPrescriber:
    name: str
    licence_number: str
    role: str = ""


@dataclass(frozen=True)
class LabOrder:
    order_id: str
    patient: PatientIdentity
    prescriber: OrderingPrescriber
    tests: tuple[str, ...]  # test codes of forms/codes/lab-tests.toml, e.g. ("ALT", "TG")
    due_from: date
    due_until: date
    status: OrderStatus = "planned"
    fasting: bool = False
    due: date | None = None
    reason: str = ""  # e.g. "month 4", shown on the order
    instruction: str = ""  # the fasting instruction of the schedule, if it gave one
    issued_on: date | None = None

    def __post_init__(self) -> None:
        problems = order_problems(self)
        if problems:
            raise InputError([f"lab order {self.order_id!r}: {p}" for p in problems])


def order_problems(order: LabOrder) -> list[str]:
    problems = []
    if not ORDER_ID_PATTERN.match(order.order_id):
        problems.append("the id must be 1-20 letters, digits, '-', '.' or '_'")
    if not order.tests:
        problems.append("no tests")
    if len(set(order.tests)) != len(order.tests):
        problems.append("a test is listed twice")
    if order.due_until < order.due_from:
        problems.append("the due window ends before it starts")
    if order.status not in ORDER_STATUSES:
        problems.append(f"status {order.status!r} is not one of {', '.join(ORDER_STATUSES)}")
    if not order.patient.clinic_number.strip():
        problems.append("the patient has no clinic number")
    return problems


@dataclass(frozen=True)
class LabResult:
    order_id: str
    test: str  # the ordered test code
    result_date: date
    value: float | str  # a number, or "positive" / "negative" for a presence test
    unit: str = ""  # UCUM code, e.g. "mmol/L"; "" for a presence test
    upper_limit: float | None = None  # the laboratory's reference upper limit, same unit
    abnormal: bool = False

    def __post_init__(self) -> None:
        where = f"lab result {self.order_id}/{self.test}"
        if isinstance(self.value, str):
            if self.value not in PRESENCE_VALUES:
                raise InputError(f"{where}: {self.value!r} is not positive or negative")
            if self.unit or self.upper_limit is not None:
                raise InputError(f"{where}: a presence result has no unit or upper limit")
        elif not math.isfinite(self.value) or not self.unit:
            raise InputError(f"{where}: a numeric result needs a finite value and a unit")

    @property
    def is_quantity(self) -> bool:
        return not isinstance(self.value, str)


def order_from_due_test(
    order_id: str,
    patient: PatientIdentity,
    prescriber: OrderingPrescriber,
    due: DueTest,
    *,
    status: OrderStatus = "planned",
    issued_on: date | None = None,
) -> LabOrder:
    """The order for one DueTest of the lab schedule."""
    return LabOrder(
        order_id=order_id,
        patient=patient,
        prescriber=prescriber,
        tests=due.tests,
        due_from=due.window_from,
        due_until=due.window_until,
        status=status,
        fasting=due.fasting,
        due=due.due,
        reason=due.reason,
        instruction=due.instruction,
        issued_on=issued_on,
    )


def check_results(orders: Sequence[LabOrder], results: Sequence[LabResult]) -> None:
    """Every result belongs to an order given and to a test that order asked for."""
    by_id = {o.order_id: o for o in orders}
    problems = []
    for r in results:
        order = by_id.get(r.order_id)
        if order is None:
            problems.append(f"lab result {r.order_id}/{r.test}: no such order among those given")
        elif r.test not in order.tests:
            problems.append(f"lab result {r.order_id}/{r.test}: the order did not ask for {r.test}")
    if problems:
        raise InputError(problems)
