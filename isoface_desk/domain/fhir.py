"""Lab orders and results as a FHIR R4 (4.0.1) Bundle of type "collection", as plain dicts.

Each test of an order becomes a ServiceRequest (LOINC code, due window as
occurrencePeriod, the fasting instruction as a note and patientInstruction); the order id
is their shared `requisition` identifier. Each result becomes an Observation based on
its test's ServiceRequest (LOINC code of the result's unit, UCUM valueQuantity, reference
range high, interpretation H/A/N; presence tests with a SNOMED CT positive/negative).
Patients and practitioners are entries of the bundle, identified by clinic number and
licence number. Every fullUrl is a urn:uuid derived from the clinic's identifier base and
the record's identity, so the same data always gives the same bundle.
domain/fhir_read.py reads the results back from such a bundle (or a laboratory's).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from isoface_desk.domain.lab_orders import (
    LabOrder,
    LabResult,
    OrderingPrescriber,
    PatientIdentity,
    check_results,
)
from isoface_desk.domain.lab_tests import LabTestTable
from isoface_desk.errors import InputError

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

#: Order status (storage) -> ServiceRequest.status.
REQUEST_STATUS: dict[str, str] = {
    "planned": "active",
    "printed": "active",
    "collected": "active",
    "resulted": "completed",
    "cancelled": "revoked",
}
GENDER = {"female": "female", "male": "male", "other": "other"}
PRESENCE_CODES = {"positive": ("10828004", "Positive"), "negative": ("260385009", "Negative")}
INTERPRETATIONS = {
    "H": "High", "A": "Abnormal", "N": "Normal", "POS": "Positive", "NEG": "Negative",
}  # fmt: skip


@dataclass(frozen=True)
class FhirClinic:
    """Who exports: the clinic's name and the URI its identifier systems hang from."""

    name: str
    identifier_base: str  # e.g. "https://riverside-derm.example/fhir/id"

    def __post_init__(self) -> None:
        if ":" not in self.identifier_base or " " in self.identifier_base:
            raise InputError(f"FHIR identifier base {self.identifier_base!r} is not a URI")

    def system(self, kind: str) -> str:
        return f"{self.identifier_base.rstrip('/')}/{kind}"


def fhir_bundle(
    orders: Sequence[LabOrder],
    results: Sequence[LabResult],
    clinic: FhirClinic,
    tests: LabTestTable,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """A FHIR R4 collection Bundle of the orders' ServiceRequests and the results'
    Observations, with the Patients and Practitioners they refer to."""
    check_results(orders, results)
    ids = [o.order_id for o in orders]
    if len(set(ids)) != len(ids):
        raise InputError("FHIR export: an order id is given twice")
    b = _Builder(clinic, tests)
    for order in orders:
        b.add_order(order)
    for result in results:
        b.add_result(result)
    stamp = (generated_at or datetime.now(UTC)).astimezone(UTC)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": stamp.isoformat(timespec="seconds"),
        "entry": b.entries(),
    }


def bundle_json(bundle: dict[str, Any]) -> str:
    """The bundle as JSON text (UTF-8, two-space indent, stable key order)."""
    return json.dumps(bundle, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class _Builder:
    def __init__(self, clinic: FhirClinic, tests: LabTestTable) -> None:
        self.clinic = clinic
        self.tests = tests
        self.patients: dict[str, dict[str, Any]] = {}
        self.practitioners: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.observations: list[dict[str, Any]] = []
        self.orders: dict[str, LabOrder] = {}

    def entries(self) -> list[dict[str, Any]]:
        groups = (self.patients.values(), self.practitioners.values(), self.requests,
                  self.observations)  # fmt: skip
        return [{"fullUrl": _url(res["id"]), "resource": res} for g in groups for res in g]

    def uid(self, *parts: str) -> str:
        name = "\x1f".join((self.clinic.identifier_base, *parts))
        return str(uuid.uuid5(uuid.NAMESPACE_URL, name))

    def patient_ref(self, p: PatientIdentity) -> dict[str, str]:
        key = p.clinic_number
        resource: dict[str, Any] = {
            "resourceType": "Patient",
            "id": self.uid("Patient", key),
            "identifier": [{"system": self.clinic.system("patient-number"), "value": key}],
            "name": [{"text": p.name}],
            "birthDate": p.birth_date.isoformat(),
            "gender": GENDER.get(p.sex, "unknown"),
        }
        old = self.patients.setdefault(key, resource)
        if old != resource:
            raise InputError(f"FHIR export: clinic number {key} has two different identities")
        return {"reference": _url(resource["id"])}

    def practitioner_ref(self, p: OrderingPrescriber) -> dict[str, str]:
        key = p.licence_number
        resource: dict[str, Any] = {
            "resourceType": "Practitioner",
            "id": self.uid("Practitioner", key),
            "identifier": [{"system": self.clinic.system("prescriber-licence"), "value": key}],
            "name": [{"text": p.name}],
        }
        old = self.practitioners.setdefault(key, resource)
        if old != resource:
            raise InputError(f"FHIR export: licence number {key} has two different names")
        return {"reference": _url(resource["id"])}

    def request_id(self, order_id: str, test: str) -> str:
        return self.uid("ServiceRequest", order_id, test)

    def add_order(self, order: LabOrder) -> None:
        self.orders[order.order_id] = order
        subject = self.patient_ref(order.patient)
        requester = self.practitioner_ref(order.prescriber)
        instruction = order.instruction or self.tests.fasting_instruction
        for code in order.tests:
            test = self.tests.get(code)
            request: dict[str, Any] = {
                "resourceType": "ServiceRequest",
                "id": self.request_id(order.order_id, code),
                "identifier": [
                    {
                        "system": self.clinic.system("lab-order-test"),
                        "value": f"{order.order_id}/{code}",
                    },
                ],
                "requisition": {"system": self.clinic.system("lab-order"), "value": order.order_id},
                "status": REQUEST_STATUS[order.status],
                "intent": "order",
                "code": _concept(LOINC, test.loinc, test.loinc_display, test.name),
                "subject": subject,
                "occurrencePeriod": {
                    "start": order.due_from.isoformat(),
                    "end": order.due_until.isoformat(),
                },
                "requester": requester,
            }
            if order.issued_on is not None:
                request["authoredOn"] = order.issued_on.isoformat()
            if order.reason:
                request["reasonCode"] = [{"text": f"Isotretinoin monitoring: {order.reason}"}]
            if order.fasting:
                request["note"] = [{"text": instruction}]
                request["patientInstruction"] = instruction
            self.requests.append(request)

    def add_result(self, result: LabResult) -> None:
        order = self.orders[result.order_id]
        test = self.tests.get(result.test)
        coding = self.tests.observation_coding(result.test, result.unit)
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": self.uid("Observation", result.order_id, result.test),
            "basedOn": [{"reference": _url(self.request_id(result.order_id, result.test))}],
            "status": "final",
            "category": [_concept(OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
            "code": _concept(LOINC, coding.loinc, coding.loinc_display, test.name),
            "subject": self.patient_ref(order.patient),
            "effectiveDateTime": result.result_date.isoformat(),
        }
        if isinstance(result.value, str):
            code, display = PRESENCE_CODES[result.value]
            obs["valueCodeableConcept"] = _concept(SNOMED, code, display)
            flag = "POS" if result.value == "positive" else "NEG"
        else:
            obs["valueQuantity"] = _quantity(result.value, result.unit)
            if result.upper_limit is not None:
                obs["referenceRange"] = [{"high": _quantity(result.upper_limit, result.unit)}]
            flag = _flag(result.value, result.upper_limit, result.abnormal)
        obs["interpretation"] = [_concept(INTERPRETATION, flag, INTERPRETATIONS[flag])]
        self.observations.append(obs)


def _flag(value: float, upper: float | None, abnormal: bool) -> str:
    """H above the upper limit (or abnormal with no limit), A abnormal otherwise, else N."""
    if upper is not None and value > upper:
        return "H"
    if abnormal:
        return "H" if upper is None else "A"
    return "N"


def _url(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def _concept(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": system, "code": code, "display": display}]}
    if text:
        concept["text"] = text
    return concept


def _quantity(value: float, unit: str) -> dict[str, Any]:
    number: float | int = int(value) if float(value).is_integer() else value
    return {"value": number, "unit": unit, "system": UCUM, "code": unit}
