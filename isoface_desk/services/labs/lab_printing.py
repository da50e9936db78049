"""Print jobs of lab orders: the selection as order forms (one order per page) or as tube
labels, with progress and cancel, and only the orders in the delivered output marked.

One service owns the steps, for the window, the CLI and the demo alike:

    outcome = printing.run_job(actor, order_ids, deliver, destination="the printer")
    # prepare (refuses what cannot be printed), render, deliver(pdf), then mark printed
    # exactly the orders in the delivered bytes (none if deliver says it was stopped)

`deliver(pdf) -> bool` is the caller's only part: painting onto a printer, say.
`print_to_file` delivers to a file for the CLI and "Save as PDF": the output path is
checked before rendering, and the file is written atomically before anything is marked.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from isoface_desk.documents.label_sheet import build_label_sheet
from isoface_desk.documents.model import Clinic as DocClinic
from isoface_desk.documents.model import PaperSize
from isoface_desk.documents.order_model import (
    PrintedOrder,
    PrintResult,
    Progress,
    ShouldCancel,
    printed_order,
)
from isoface_desk.documents.order_pdf import build_order_pdf
from isoface_desk.documents.print_process import render_in_child
from isoface_desk.domain.catalog import Catalog, resolve_profile
from isoface_desk.domain.lab_orders import LabOrder as DomainOrder
from isoface_desk.domain.lab_orders import (
    OrderingPrescriber,
    OrderStatus,
    PatientIdentity,
    order_code,
    order_number,
)
from isoface_desk.domain.lab_schedule import FASTING_TESTS
from isoface_desk.errors import InputError, NotFound
from isoface_desk.fileio import checked_target, write_bytes_atomically
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_results import LabTestsServiceBase
from isoface_desk.services.labs.lab_work import PRINTABLE, occasion
from isoface_desk.storage.audit import EventSpec, append_events
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories import lab_queries
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories.clinic import Clinic
from isoface_desk.storage.repositories.lab_orders import LabOrder
from isoface_desk.storage.repositories.patients import Patient

__all__ = [
    "Deliver",
    "LabPrintService",
    "PrintBatch",
    "PrintOutcome",
    "PrintResult",
    "render_batch",
]

SEXES = {"female": "female", "male": "male", "intersex": "other"}
#: clinic settings key: {user id: base64 PNG of the prescriber's signature}
SIGNATURES_SETTING = "prescriber_signatures"
#: Hands a job's PDF to its destination: True once it went out, False if stopped on the
#: way (nothing came out, so nothing is marked printed).
Deliver = Callable[[bytes], bool]


@dataclass(frozen=True)
class PrintBatch:
    """What a print job needs, read in one unit of work before rendering starts."""

    orders: tuple[PrintedOrder, ...]
    clinic: DocClinic

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.order_id for o in self.orders)


@dataclass(frozen=True)
class PrintOutcome:
    """What a print job did: what it rendered (`result`), whether that reached
    `destination` ("the printer" or the file's path) and how many orders were marked."""

    result: PrintResult
    delivered: bool
    marked: int  # orders marked printed
    destination: str

    @property
    def requested(self) -> int:
        return self.result.total

    @property
    def printed(self) -> tuple[str, ...]:
        """The order ids (LO-...) in the delivered output; none if nothing went out."""
        return self.result.order_ids if self.delivered else ()


def render_batch(
    batch: PrintBatch,
    *,
    labels: bool = False,
    start_at: int = 0,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
    in_child: bool = False,
) -> PrintResult:
    """The job's PDF: one order per page, or tube labels (from label `start_at` of the
    first sheet); stops between orders when should_cancel() says so. `in_child` renders
    in a child process (documents/print_process.py), for a caller with a window."""
    if in_child:
        return render_in_child(batch.orders, batch.clinic, labels=labels, start_at=start_at,
                               progress=progress, should_cancel=should_cancel)  # fmt: skip
    if labels:
        return build_label_sheet(batch.orders, batch.clinic, start_at=start_at,
                                 progress=progress, should_cancel=should_cancel)  # fmt: skip
    return build_order_pdf(batch.orders, batch.clinic, progress=progress,
                           should_cancel=should_cancel)  # fmt: skip


class LabPrintService(LabTestsServiceBase):
    """Print jobs. The catalog gives the clinic's profile printed on the orders; the job
    marks printed exactly the orders its delivered PDF holds."""

    def prepare(self, actor: Actor, order_ids: Sequence[int]) -> PrintBatch:
        """Read the orders to print, in the order given (planned or printed ones only)."""
        if not order_ids:
            raise InputError("Nothing to print: no orders were selected.")
        with self._read(actor, Permission.ORDER_WRITE) as session:
            orders = lab_queries.orders_by_ids(session, order_ids)
            bad = [order_code(o.id) for o in orders if o.status not in PRINTABLE]
            if bad:
                listed = ", ".join(bad)
                raise InputError(f"Only planned or printed orders are printed; not {listed}.")
            clinic = clinic_repo.get_clinic(session)
            if clinic is None:
                raise NotFound("The clinic has not been set up yet.")
            patients = patients_repo.get_patients(session, {o.patient_id for o in orders})
            names = lab_queries.prescriber_names(session)
        today = self.today()
        signatures = _signatures(clinic)
        printed = tuple(
            printed_order(
                domain_order(o, patients[o.patient_id], names.get(o.prescriber_id or 0), today),
                self.tests,
                signatures.get(o.prescriber_id or 0),
            )
            for o in orders
        )
        return PrintBatch(printed, document_clinic(clinic, today, self.catalog))

    def run_job(
        self,
        actor: Actor,
        order_ids: Sequence[int],
        deliver: Deliver,
        *,
        destination: str,
        labels: bool = False,
        progress: Progress | None = None,
        should_cancel: ShouldCancel | None = None,
        in_child: bool = False,
    ) -> PrintOutcome:
        """The steps of every print job: prepare, render (stopping between orders when
        should_cancel() says so), hand the PDF to `deliver`, and only once it went out mark
        exactly the orders in it printed. A job stopped before its first order delivers
        nothing. `in_child` renders in a child process, for a caller with a window."""
        batch = self.prepare(actor, order_ids)
        result = render_batch(batch, labels=labels, progress=progress,
                              should_cancel=should_cancel, in_child=in_child)  # fmt: skip
        delivered = bool(result.order_ids) and deliver(result.pdf)
        marked = 0
        if delivered:
            job = "labels" if labels else "orders"
            marked = self._mark_printed(actor, result.order_ids, job)
        return PrintOutcome(result, delivered, marked, destination)

    def _mark_printed(self, actor: Actor, codes: Sequence[str], job: str) -> int:
        """Mark the orders a delivered job names (PrintResult.order_ids) printed, one audit
        event each; orders meanwhile collected or resulted elsewhere are left as they are."""
        numbers = [order_number(code) for code in codes]
        with self._unit(actor, Permission.ORDER_WRITE) as session:
            found = lab_queries.orders_by_ids(session, numbers)
            printable = [o.id for o in found if o.status in PRINTABLE]
            orders = orders_repo.mark_printed(session, printable) if printable else []
            details = {"job": job, "orders": len(orders)}
            append_events(session, (EventSpec(actor.username, "print", "order", o.id, details)
                                    for o in orders))  # fmt: skip
            return len(orders)

    def print_to_file(
        self,
        actor: Actor,
        order_ids: Sequence[int],
        path: Path,
        *,
        labels: bool = False,
        progress: Progress | None = None,
        should_cancel: ShouldCancel | None = None,
        force: bool = False,
        in_child: bool = False,
    ) -> PrintOutcome:
        """A print job into a PDF file, written atomically before anything is marked
        (never over the database; over an existing file only with `force`)."""
        target = checked_target(path, database=self.database, force=force)  # before rendering

        def deliver(pdf: bytes) -> bool:
            write_bytes_atomically(target, pdf, database=self.database, force=force)
            return True

        return self.run_job(actor, order_ids, deliver, destination=str(path), labels=labels,
                            progress=progress, should_cancel=should_cancel,
                            in_child=in_child)  # fmt: skip


def domain_order(
    order: LabOrder,
    patient: Patient,
    prescriber: tuple[str, str] | None,
    issued_on: dt.date | None,
) -> DomainOrder:
    """The domain view of a stored order (what documents and the FHIR export take)."""
    reason, due = occasion(order.key)
    tests = tuple(str(t) for t in order.tests)
    name, licence = prescriber or ("", "")
    return DomainOrder(
        order_id=order_code(order.id),
        patient=PatientIdentity(
            patient.full_name,
            patient.birth_date,
            patient.clinic_number,
            SEXES.get(patient.sex_at_birth, ""),
        ),
        prescriber=OrderingPrescriber(name, licence, "Prescriber" if name else ""),
        tests=tests,
        due_from=order.due_from,
        due_until=order.due_until,
        status=cast(OrderStatus, order.status),
        fasting=bool(set(tests) & FASTING_TESTS),
        due=due if due is not None and order.due_from <= due <= order.due_until else None,
        reason=reason,
        issued_on=issued_on,
    )


def document_clinic(clinic: Clinic, on: dt.date, catalog: Catalog) -> DocClinic:
    """The clinic as the documents print it, with the title of its profile on `on`."""
    try:
        profile = resolve_profile(catalog, clinic.jurisdiction_profile, on)
        profile_id, basis = profile.id, profile.title
    except InputError:
        profile_id, basis = clinic.jurisdiction_profile, ""
    paper = PaperSize.LETTER if clinic.paper_size == "Letter" else PaperSize.A4
    return DocClinic(clinic.name, clinic.address, clinic.phone, profile_id, basis, paper)


def _signatures(clinic: Clinic) -> dict[int, bytes]:
    stored = clinic.settings.get(SIGNATURES_SETTING)
    out: dict[int, bytes] = {}
    if not isinstance(stored, dict):
        return out
    for user_id, text in stored.items():
        try:
            out[int(user_id)] = base64.b64decode(str(text), validate=True)
        except (ValueError, binascii.Error):
            continue
    return out
