"""FHIR R4 export of the lab orders and their results (`isoface-desk orders export-fhir`).

Every order becomes ServiceRequests (one per test, its printed id as the requisition) and
every stored result an Observation, through domain/fhir.py. The clinic's identifier base
is its `fhir_identifier_base` setting, else `urn:isoface-desk:clinic:<id>`. The file is
written atomically and the export is an audit event (counts only).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isoface_desk.domain.fhir import FhirClinic, bundle_json, fhir_bundle
from isoface_desk.domain.lab_orders import LabResult, order_code
from isoface_desk.domain.lab_tests import LabTestTable, default_lab_tests
from isoface_desk.errors import NotFound
from isoface_desk.fileio import checked_target
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, Clock, ServiceBase, utc_now
from isoface_desk.services.labs.lab_printing import domain_order
from isoface_desk.services.labs.lab_results import result_lines
from isoface_desk.services.visits.documents_service import write_bytes_atomically
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.handles import Engine
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories import lab_queries
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories.clinic import Clinic
from isoface_desk.storage.repositories.lab_orders import LabOrder

__all__ = ["FhirExport", "LabExportService"]

IDENTIFIER_SETTING = "fhir_identifier_base"


@dataclass(frozen=True)
class FhirExport:
    bundle: dict[str, Any]
    orders: int
    results: int

    def json(self) -> str:
        return bundle_json(self.bundle)


def fhir_clinic(clinic: Clinic) -> FhirClinic:
    base = clinic.settings.get(IDENTIFIER_SETTING)
    if not isinstance(base, str) or not base.strip():
        base = f"urn:isoface-desk:clinic:{clinic.id}"
    return FhirClinic(clinic.name, base.strip())


class LabExportService(ServiceBase):
    def __init__(
        self, engine: Engine, *, now: Clock = utc_now, tests: LabTestTable | None = None
    ) -> None:
        super().__init__(engine, now=now)
        self._tests = tests

    @property
    def tests(self) -> LabTestTable:
        if self._tests is None:
            self._tests = default_lab_tests()
        return self._tests

    def _export(self, actor: Actor) -> FhirExport:
        """Every lab order and result as a FHIR R4 collection Bundle; one audit event (only
        `export_to_file` hands it out)."""
        with self._unit(actor, Permission.ORDER_READ) as session:
            clinic = clinic_repo.get_clinic(session)
            if clinic is None:
                raise NotFound("The clinic has not been set up yet.")
            stored = orders_repo.all_orders(session)
            patients = patients_repo.get_patients(session, {o.patient_id for o in stored})
            names = lab_queries.prescriber_names(session)
            orders = [
                domain_order(o, patients[o.patient_id], _prescriber(o, names), None) for o in stored
            ]
            results = [r for o in stored for r in _results(o)]
            bundle = fhir_bundle(orders, results, fhir_clinic(clinic), self.tests, self.now())
            details = {"format": "FHIR R4 Bundle", "orders": len(orders), "results": len(results)}
            append_event(session, actor.username, "export", "lab orders", "", details)
        return FhirExport(bundle, len(orders), len(results))

    def export_to_file(self, actor: Actor, path: Path, *, force: bool = False) -> FhirExport:
        """The Bundle written to `path` (checked first: never over the database, over an
        existing file only with `force`)."""
        database = self.database
        target = checked_target(path, database=database, force=force)
        export = self._export(actor)
        write_bytes_atomically(target, export.json().encode("utf-8"), database=database,
                               force=force)  # fmt: skip
        return export


def _prescriber(order: LabOrder, names: dict[int, tuple[str, str]]) -> tuple[str, str]:
    """(name, licence) of the ordering prescriber; a Practitioner needs an identifier, so a
    user without a licence number is identified by their user id."""
    if order.prescriber_id is None or order.prescriber_id not in names:
        return "Prescriber not recorded", "not-recorded"
    name, licence = names[order.prescriber_id]
    return name, licence or f"user-{order.prescriber_id}"


def _results(order: LabOrder) -> list[LabResult]:
    code = order_code(order.id)
    out = []
    for line in result_lines(order):
        entry = line.entry
        numeric = not isinstance(entry.value, str)
        out.append(
            LabResult(
                order_id=code,
                test=entry.test,
                result_date=entry.result_date,
                value=entry.value,
                unit=entry.unit if numeric else "",
                upper_limit=entry.uln if numeric else None,
                abnormal=line.abnormal,
            )
        )
    return out
