"""Demo lab orders for tests, the README image and the batch benchmark.

They cycle through the patient names of the demo documents (Latin, Cyrillic, CJK,
Arabic) and through the order kinds a month of monitoring gives: liver tests with fasting
lipids, a pregnancy test alone, and a baseline with fasting glucose.
"""

from __future__ import annotations

from datetime import date, timedelta

from isoface_desk.devtools.demo_documents import DEMO_NAMES, demo_signature_png
from isoface_desk.documents.order_model import PrintedOrder, printed_order
from isoface_desk.domain.lab_orders import (
    LabOrder,
    OrderingPrescriber,
    PatientIdentity,
    order_code,
)
from isoface_desk.domain.lab_tests import LabTestTable, default_lab_tests

#: (tests, reason, fasting) of the demo order kinds, cycled through.
ORDER_KINDS: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("ALT", "AST", "TG", "CHOL"), "month 4", True),
    (("HCG",), "month 5", False),
    (("ALT", "AST", "TG", "CHOL", "GLUCOSE", "HCG"), "baseline", True),
    (("ALT", "AST"), "month 1", False),
)
PRESCRIBER = OrderingPrescriber("Dr Aileen McBride", "GMC 7012345", "Consultant dermatologist")


def demo_order_id(i: int) -> str:
    return order_code(i + 1)


def demo_lab_order(i: int) -> LabOrder:
    tests, reason, fasting = ORDER_KINDS[i % len(ORDER_KINDS)]
    name = DEMO_NAMES[i % len(DEMO_NAMES)]
    due = date(2026, 10, 12) + timedelta(days=i % 28)
    return LabOrder(
        order_id=demo_order_id(i),
        patient=PatientIdentity(name, date(1998, 7, 3), f"RD-{4217 + i:06d}", "female"),
        prescriber=PRESCRIBER,
        tests=tests,
        due_from=due - timedelta(days=7 if fasting else 3),
        due_until=due,
        status="planned",
        fasting=fasting,
        due=due,
        reason=reason,
        issued_on=date(2026, 10, 1),
    )


def demo_orders(count: int = 4, tests: LabTestTable | None = None) -> list[PrintedOrder]:
    """`count` printable demo orders, all signed by the same prescriber."""
    table = tests or default_lab_tests()
    signature = demo_signature_png(1)
    return [printed_order(demo_lab_order(i), table, signature) for i in range(count)]
