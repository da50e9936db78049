"""What a printed lab order and its tube labels show, and what a print job returns.

`printed_order(order, tests, signature_png)` maps a domain LabOrder onto a PrintedOrder
with each test's name, LOINC code and specimen from the lab tests table. A print job
(`build_order_pdf`, `build_label_sheet`) returns a `PrintResult` naming exactly the
orders whose pages are in the bytes, so a cancelled job marks only those as printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from isoface_desk.documents.model import Patient, Prescriber
from isoface_desk.domain.lab_orders import LabOrder
from isoface_desk.domain.lab_tests import LabTestTable

#: progress(done, total): called after each order is rendered.
Progress = Callable[[int, int], None]
#: should_cancel(): asked before each order; True stops the job after the orders so far.
ShouldCancel = Callable[[], bool]


@dataclass(frozen=True)
class OrderTestLine:
    code: str
    name: str
    loinc: str
    loinc_display: str
    specimen: str
    fasting: bool


@dataclass(frozen=True)
class PrintedOrder:
    order_id: str
    patient: Patient
    prescriber: Prescriber
    tests: tuple[OrderTestLine, ...]
    due_from: date
    due_until: date
    due: date | None = None
    reason: str = ""
    fasting_instruction: str = ""  # shown when not empty (orders with a fasting test)
    signature_png: bytes | None = None  # the ordering prescriber's signature image
    issued_on: date | None = None

    @property
    def fasting(self) -> bool:
        return bool(self.fasting_instruction)

    def specimen_groups(self) -> list[tuple[str, tuple[OrderTestLine, ...]]]:
        """Tests by specimen, in order of first appearance: one tube label each."""
        groups: dict[str, list[OrderTestLine]] = {}
        for line in self.tests:
            groups.setdefault(line.specimen, []).append(line)
        return [(specimen, tuple(lines)) for specimen, lines in groups.items()]


@dataclass(frozen=True)
class PrintResult:
    """The PDF of a print job and the ids of the orders in it, in page order.

    `pdf` is empty when the job was cancelled before the first order was rendered.
    """

    pdf: bytes
    order_ids: tuple[str, ...]
    total: int  # how many orders the job was given
    pages: int

    @property
    def cancelled(self) -> bool:
        return len(self.order_ids) < self.total


def printed_order(
    order: LabOrder, tests: LabTestTable, signature_png: bytes | None = None
) -> PrintedOrder:
    """The printable form of a domain order; InputError for a test not in the table."""
    lines = tuple(
        OrderTestLine(t.code, t.name, t.loinc, t.loinc_display, t.specimen, t.fasting)
        for t in (tests.get(code) for code in order.tests)
    )
    fasting = order.fasting or any(line.fasting for line in lines)
    p, r = order.patient, order.prescriber
    return PrintedOrder(
        order_id=order.order_id,
        patient=Patient(p.name, p.birth_date, p.sex, p.clinic_number),
        prescriber=Prescriber(r.name, r.role, r.licence_number),
        tests=lines,
        due_from=order.due_from,
        due_until=order.due_until,
        due=order.due,
        reason=order.reason,
        fasting_instruction=(order.instruction or tests.fasting_instruction) if fasting else "",
        signature_png=signature_png,
        issued_on=order.issued_on,
    )
