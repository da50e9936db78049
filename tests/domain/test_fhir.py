"""The FHIR R4 export: the bundle validates with fhir.resources' R4B (4.3.0) models, whose
Bundle, Patient, Practitioner, ServiceRequest and Observation are R4's (see the test extra
in pyproject.toml), including the required code values, and its references, codes, units
and statuses say what the orders and results say."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B import __fhir_version__
from fhir.resources.R4B.bundle import Bundle
from fhir_core.fhirabstractmodel import FHIRAbstractModel

from isoface_desk.domain.fhir import (
    REQUEST_STATUS,
    FhirClinic,
    bundle_json,
    fhir_bundle,
)
from isoface_desk.domain.fhir_read import read_observations
from isoface_desk.domain.lab_orders import (
    ORDER_STATUSES,
    LabOrder,
    LabResult,
    OrderingPrescriber,
    PatientIdentity,
    order_code,
    order_from_due_test,
    order_number,
)
from isoface_desk.domain.lab_results import ResultEntry
from isoface_desk.domain.lab_schedule import CourseInfo, lab_schedule
from isoface_desk.domain.lab_tests import default_lab_tests
from isoface_desk.errors import InputError

CLINIC = FhirClinic("Riverside Dermatology", "https://riverside-derm.example/fhir/id")
WHEN = datetime(2026, 10, 20, 9, 30, tzinfo=UTC)
ZOE = PatientIdentity("Zoë Ångström", date(1998, 7, 3), "RD-004217", "female")
IVAN = PatientIdentity("Иван Петров", date(2001, 2, 14), "RD-004218", "male")
DR = OrderingPrescriber("Dr Aileen McBride", "GMC 7012345", "Consultant dermatologist")

LIPIDS = LabOrder(
    "LO-2026-000123", ZOE, DR, ("ALT", "AST", "TG", "CHOL"), date(2026, 10, 5),
    date(2026, 10, 12), "resulted", fasting=True, due=date(2026, 10, 12), reason="month 4",
    issued_on=date(2026, 10, 1),
)  # fmt: skip
PREGNANCY = LabOrder(
    "LO-2026-000124", ZOE, DR, ("HCG",), date(2026, 10, 9), date(2026, 10, 12), "printed"
)
LIVER = LabOrder("LO-2026-000125", IVAN, DR, ("ALT", "AST"), date(2026, 10, 1),
                 date(2026, 10, 8), "planned")  # fmt: skip
RESULTS = [
    LabResult("LO-2026-000123", "TG", date(2026, 10, 8), 2.4, "mmol/L", 2.0, abnormal=True),
    LabResult("LO-2026-000123", "ALT", date(2026, 10, 8), 31, "U/L", 45),
    LabResult("LO-2026-000123", "CHOL", date(2026, 10, 8), 190, "mg/dL", 200),
    LabResult("LO-2026-000124", "HCG", date(2026, 10, 10), "negative"),
]


def build(
    orders: list[LabOrder] | None = None, results: list[LabResult] | None = None
) -> dict[str, Any]:
    chosen = [LIPIDS, PREGNANCY, LIVER] if orders is None else orders
    return fhir_bundle(chosen, RESULTS if results is None else results, CLINIC,
                       default_lab_tests(), WHEN)  # fmt: skip


def enum_problems(model: FHIRAbstractModel, path: str = "Bundle") -> list[str]:
    """Values outside a required code list (fhir.resources declares them, never checks)."""
    problems = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        extra = field.json_schema_extra
        allowed = extra.get("enum_values") if isinstance(extra, dict) else None
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            if allowed and isinstance(item, str) and item not in allowed:
                problems.append(f"{path}.{name}: {item!r} not in {allowed}")
            if isinstance(item, FHIRAbstractModel):
                problems += enum_problems(item, f"{path}.{name}[{i}]")
    return problems


def validate(bundle: dict[str, Any]) -> Bundle:
    model = Bundle.model_validate(bundle)
    assert enum_problems(model) == []
    return model


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_url(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def test_validates_as_fhir_r4b_and_survives_a_json_round_trip() -> None:
    assert __fhir_version__ == "4.3.0"  # R4B: R4's shapes for the resources we write
    bundle = build()
    model = validate(bundle)
    assert model.type == "collection"
    assert Bundle.model_validate_json(bundle_json(bundle)).model_dump() == model.model_dump()
    assert json.loads(bundle_json(bundle)) == bundle


def test_the_validation_is_not_vacuous() -> None:
    bundle = build()
    broken = copy.deepcopy(bundle)
    resources(broken, "ServiceRequest")[0]["status"] = "printed"
    assert enum_problems(Bundle.model_validate(broken)) != []
    for field in ("intent", "subject"):
        broken = copy.deepcopy(bundle)
        del resources(broken, "ServiceRequest")[0][field]
        with pytest.raises(ValueError, match=field):
            Bundle.model_validate(broken)


def test_one_service_request_per_ordered_test_with_loinc_code_window_and_requisition() -> None:
    bundle = build()
    requests = resources(bundle, "ServiceRequest")
    assert len(requests) == 4 + 1 + 2
    first = requests[0]
    assert first["code"]["coding"] == [{
        "system": "http://loinc.org", "code": "1742-6",
        "display": "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
    }]  # fmt: skip
    assert first["intent"] == "order" and first["status"] == "completed"
    assert first["occurrencePeriod"] == {"start": "2026-10-05", "end": "2026-10-12"}
    assert first["requisition"]["value"] == "LO-2026-000123"
    assert first["authoredOn"] == "2026-10-01"
    codes = [r["code"]["coding"][0]["code"] for r in requests]
    assert codes == ["1742-6", "1920-8", "2571-8", "2093-3", "2106-3", "1742-6", "1920-8"]


def test_references_resolve_to_the_patient_and_practitioner_entries() -> None:
    bundle = build()
    urls = by_url(bundle)
    assert len(resources(bundle, "Patient")) == 2  # Zoë's two orders share one Patient
    assert len(resources(bundle, "Practitioner")) == 1
    for request in resources(bundle, "ServiceRequest"):
        patient = urls[request["subject"]["reference"]]
        number = "RD-004218" if request["requisition"]["value"] == "LO-2026-000125" else "RD-004217"
        assert patient["identifier"] == [
            {"system": "https://riverside-derm.example/fhir/id/patient-number", "value": number}
        ]
        practitioner = urls[request["requester"]["reference"]]
        assert practitioner["identifier"][0]["value"] == "GMC 7012345"
        assert practitioner["identifier"][0]["system"].endswith("/prescriber-licence")
    zoe = next(
        p for p in resources(bundle, "Patient") if p["identifier"][0]["value"] == "RD-004217"
    )
    assert zoe["name"] == [{"text": "Zoë Ångström"}] and zoe["birthDate"] == "1998-07-03"
    assert zoe["gender"] == "female"
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])


def test_fasting_note_only_on_the_tests_of_fasting_orders() -> None:
    instruction = default_lab_tests().fasting_instruction
    for request in resources(build(), "ServiceRequest"):
        fasting = request["requisition"]["value"] == "LO-2026-000123"
        assert ("note" in request) == fasting
        if fasting:
            assert request["note"] == [{"text": instruction}]
            assert request["patientInstruction"] == instruction


def test_observations_are_based_on_their_test_request_with_ucum_and_interpretation() -> None:
    bundle = build()
    urls = by_url(bundle)
    obs = {o["code"]["text"]: o for o in resources(bundle, "Observation")}
    tg = obs["Triglycerides"]
    assert tg["status"] == "final" and tg["effectiveDateTime"] == "2026-10-08"
    assert tg["code"]["coding"][0]["code"] == "14927-8"  # mmol/L: the molar LOINC term
    assert tg["valueQuantity"] == {
        "value": 2.4, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L",
    }  # fmt: skip
    assert tg["referenceRange"] == [{"high": {
        "value": 2, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L",
    }}]  # fmt: skip
    assert tg["interpretation"][0]["coding"][0]["code"] == "H"
    assert obs["Alanine aminotransferase (ALT)"]["interpretation"][0]["coding"][0]["code"] == "N"
    assert obs["Cholesterol, total"]["code"]["coding"][0]["code"] == "2093-3"  # mg/dL: mass
    for o in obs.values():
        request = urls[o["basedOn"][0]["reference"]]
        assert request["resourceType"] == "ServiceRequest"
        assert request["code"]["text"] == o["code"]["text"]
        assert o["subject"] == request["subject"]


def test_a_pregnancy_test_result_is_a_coded_negative() -> None:
    hcg = next(o for o in resources(build(), "Observation") if "valueCodeableConcept" in o)
    assert hcg["code"]["coding"][0]["code"] == "2106-3"
    assert hcg["valueCodeableConcept"]["coding"] == [
        {"system": "http://snomed.info/sct", "code": "260385009", "display": "Negative"}
    ]
    assert hcg["interpretation"][0]["coding"][0]["code"] == "NEG"
    assert "referenceRange" not in hcg


@pytest.mark.parametrize("status", ORDER_STATUSES)
def test_order_status_maps_to_a_service_request_status(status: str) -> None:
    order = LabOrder("LO-1", ZOE, DR, ("ALT",), date(2026, 1, 1), date(2026, 1, 2), status)  # type: ignore[arg-type]
    bundle = build([order], [])
    validate(bundle)
    assert resources(bundle, "ServiceRequest")[0]["status"] == REQUEST_STATUS[status]


@pytest.mark.parametrize(
    ("value", "upper", "abnormal", "flag"),
    [(50, 45, True, "H"), (50, 45, False, "H"), (30, 45, False, "N"), (3, 45, True, "A"),
     (3, None, True, "H"), (3, None, False, "N")],
)  # fmt: skip
def test_interpretation_flags(value: float, upper: float | None, abnormal: bool, flag: str) -> None:
    result = LabResult("LO-2026-000125", "ALT", date(2026, 10, 3), value, "U/L", upper, abnormal)
    obs = resources(build([LIVER], [result]), "Observation")[0]
    assert obs["interpretation"][0]["coding"][0]["code"] == flag
    assert ("referenceRange" in obs) == (upper is not None)


def test_the_same_data_gives_the_same_bundle() -> None:
    assert bundle_json(build()) == bundle_json(build())
    other = FhirClinic("Other", "urn:oid:2.16.840.1.113883.19.5")
    ids = {
        e["fullUrl"] for e in fhir_bundle([LIVER], [], other, default_lab_tests(), WHEN)["entry"]
    }
    assert not ids & {e["fullUrl"] for e in build()["entry"]}


def test_orders_from_the_schedule_export_and_validate() -> None:
    course = CourseInfo(date(2026, 1, 5), date(2026, 7, 5), pregnancy_potential=True)
    orders = [
        order_from_due_test(f"LO-{i:04d}", ZOE, DR, due)
        for i, due in enumerate(lab_schedule(course, "smpc"))
    ]
    bundle = build(orders, [])
    validate(bundle)
    fasting = {
        r["requisition"]["value"] for r in resources(bundle, "ServiceRequest") if "note" in r
    }
    assert fasting == {o.order_id for o in orders if {"TG", "CHOL"} & set(o.tests)}


def test_inconsistent_or_dangling_data_is_refused_without_naming_the_patient() -> None:
    cases = [
        ([LIVER], [RESULTS[0]], "lab result LO-2026-000123/TG: no such order among those given"),
        ([LIPIDS], [LabResult("LO-2026-000123", "HCG", date(2026, 10, 8), "negative")],
         "the order did not ask for HCG"),
        ([LIPIDS, LIPIDS], [], "an order id is given twice"),
        ([LIPIDS, LabOrder("LO-9", PatientIdentity("Someone Else", date(1990, 1, 1), "RD-004217"),
                           DR, ("ALT",), date(2026, 1, 1), date(2026, 1, 2))], [],
         "clinic number RD-004217 has two different identities"),
        ([LIPIDS], [LabResult("LO-2026-000123", "ALT", date(2026, 10, 8), 31, "mmol/L")],
         "unit 'mmol/L' is not one of U/L"),
    ]  # fmt: skip
    for orders, results, message in cases:
        with pytest.raises(InputError, match=message) as info:
            build(orders, results)
        assert "Zoë" not in str(info.value) and "Someone" not in str(info.value)


def test_orders_and_results_check_themselves() -> None:
    with pytest.raises(InputError, match="the id must be 1-20"):
        LabOrder("LO 1", ZOE, DR, ("ALT",), date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(InputError, match="due window ends before it starts"):
        LabOrder("LO-1", ZOE, DR, ("ALT",), date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(InputError, match="no tests"):
        LabOrder("LO-1", ZOE, DR, (), date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(InputError, match="not positive or negative"):
        LabResult("LO-1", "HCG", date(2026, 1, 1), "maybe")
    with pytest.raises(InputError, match="needs a finite value and a unit"):
        LabResult("LO-1", "ALT", date(2026, 1, 1), float("nan"), "U/L")
    with pytest.raises(InputError, match="not a URI"):
        FhirClinic("x", "no scheme")


def test_printed_order_ids_round_trip_to_stored_numbers() -> None:
    assert order_code(42) == "LO-000042" and order_number("LO-000042") == 42
    assert order_number(order_code(1234567)) == 1234567
    LabOrder(order_code(10**12), ZOE, DR, ("ALT",), date(2026, 1, 1), date(2026, 1, 2))
    for bad in ("42", "LO-", "LO-12a", "XO-000042"):
        with pytest.raises(InputError, match="is not a lab order id"):
            order_number(bad)
    with pytest.raises(InputError, match="out of range"):
        order_code(0)


# Reading results back (domain/fhir_read.py), as `orders import` does.

STORED_LIPIDS = dataclasses.replace(LIPIDS, order_id="LO-000123")
STORED_PREGNANCY = dataclasses.replace(PREGNANCY, order_id="LO-000124")
STORED_RESULTS = [
    LabResult("LO-000123", "TG", date(2026, 10, 8), 797.13, "mg/dL", None, abnormal=True),
    LabResult("LO-000123", "ALT", date(2026, 10, 8), 31, "U/L", 45),
    LabResult("LO-000124", "HCG", date(2026, 10, 10), "negative"),
]


def stored_bundle() -> dict[str, Any]:
    return fhir_bundle([STORED_LIPIDS, STORED_PREGNANCY], STORED_RESULTS, CLINIC,
                       default_lab_tests(), WHEN)  # fmt: skip


def observation_index(bundle: dict[str, Any], test_loinc: str) -> int:
    return next(i for i, e in enumerate(bundle["entry"])
                if e["resource"]["resourceType"] == "Observation"
                and e["resource"]["code"]["coding"][0]["code"] == test_loinc)  # fmt: skip


def test_observations_read_back_as_the_results_they_were_made_from() -> None:
    bundle = json.loads(bundle_json(stored_bundle()))
    found = read_observations(bundle, default_lab_tests())
    assert found.problems == [] and found.format == "FHIR R4 Bundle"
    got = {(r.order_id, r.entry.test): r.entry for r in found.rows}
    assert got == {
        (123, "TG"): ResultEntry("TG", date(2026, 10, 8), 797.13, "mg/dL", None),
        (123, "ALT"): ResultEntry("ALT", date(2026, 10, 8), 31.0, "U/L", 45.0),
        (124, "HCG"): ResultEntry("HCG", date(2026, 10, 10), "negative"),
    }
    tg = observation_index(bundle, "2571-8")
    assert f"entry[{tg}]" in [r.where for r in found.rows]


def test_a_laboratorys_observation_may_name_the_order_by_identifier_alone() -> None:
    bundle = stored_bundle()
    observations = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    observations[0]["resource"]["basedOn"] = [{"identifier": {"value": "LO-000123"}}]
    only = {"resourceType": "Bundle", "type": "collection", "entry": observations[:1]}
    found = read_observations(only, default_lab_tests())
    assert found.problems == [] and [r.order_id for r in found.rows] == [123]


def test_unreadable_observations_are_named_by_entry_index_with_what_is_wrong() -> None:
    bundle = stored_bundle()
    tg, alt = observation_index(bundle, "2571-8"), observation_index(bundle, "1742-6")
    bundle["entry"][tg]["resource"].update(status="preliminary", basedOn=[])
    bundle["entry"][alt]["resource"]["valueQuantity"]["value"] = "31"
    bundle["entry"][alt]["resource"]["code"]["coding"][0]["code"] = "0000-0"
    found = read_observations(bundle, default_lab_tests())
    assert [r.entry.test for r in found.rows] == ["HCG"]
    assert sorted(found.problems) == sorted([
        f"entry[{tg}]: basedOn names no lab order (a ServiceRequest of the bundle with its "
        "requisition, or an identifier such as LO-000061)",
        f"entry[{tg}]: status 'preliminary' is not a final result",
        f"entry[{alt}]: code: no LOINC code of a known lab test (LOINC: 0000-0)",
        f"entry[{alt}]: valueQuantity.value is not a number (or there is no value)",
    ])  # fmt: skip
    with pytest.raises(InputError, match="not a FHIR Bundle"):
        read_observations({"resourceType": "Patient"}, default_lab_tests())
