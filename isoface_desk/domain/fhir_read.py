"""Lab results read back from a FHIR R4 Bundle of Observations (`isoface-desk orders
import`): the bundles domain/fhir.py writes, or a laboratory's.

Each Observation with a final status gives one ImportRow named by its entry index
("entry[7]"); one that cannot be read gives a sentence saying why. Checking the result
itself (unit allowed, date not in the future...) is left to the service, as for any row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from isoface_desk.domain.fhir import LOINC, PRESENCE_CODES, SNOMED
from isoface_desk.domain.lab_import import ImportRow, LabFile, order_ref
from isoface_desk.domain.lab_results import ResultEntry
from isoface_desk.domain.lab_tests import LabTestTable
from isoface_desk.errors import InputError

#: Observation.status values that are a result to store.
FINAL_STATUSES: tuple[str, ...] = ("final", "amended", "corrected")
PRESENCE_BY_CODE = {code: value for value, (code, _display) in PRESENCE_CODES.items()}


def read_observations(bundle: Any, tests: LabTestTable) -> LabFile:
    """The results held by the Observations of a FHIR R4 Bundle, each named by its entry
    index ("entry[7]"); other resources are read only to resolve `basedOn`.

    The order is the `requisition` of the ServiceRequest an Observation is based on (an
    entry of the bundle), or the `identifier` of a logical basedOn reference (`LO-000061`);
    the test comes from the LOINC code (either unit's), the value from valueQuantity
    (UCUM code) or a SNOMED CT positive/negative, the upper limit from referenceRange
    high, the date from effectiveDateTime."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InputError('the JSON is not a FHIR Bundle (resourceType "Bundle")')
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        raise InputError("the FHIR Bundle has no entry list")
    requests = _requisitions(entries)
    loinc = _loinc_tests(tests)
    found = LabFile("FHIR R4 Bundle")
    for index, item in enumerate(entries):
        resource = item.get("resource") if isinstance(item, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Observation":
            _read_observation(found, f"entry[{index}]", resource, requests, loinc)
    if not found.rows and not found.problems:
        found.problems.append("the FHIR Bundle holds no Observation")
    return found


def _requisitions(entries: list[Any]) -> dict[str, str]:
    """ServiceRequest reference (fullUrl, ServiceRequest/id) -> its requisition value."""
    found: dict[str, str] = {}
    for item in entries:
        resource = item.get("resource") if isinstance(item, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "ServiceRequest":
            continue
        value = _get(resource, "requisition", "value")
        if isinstance(value, str):
            found[f"ServiceRequest/{resource.get('id')}"] = value
            if isinstance(item.get("fullUrl"), str):
                found[item["fullUrl"]] = value
    return found


def _loinc_tests(tests: LabTestTable) -> dict[str, str]:
    """LOINC code -> test code, for the test's own code and each unit's."""
    found: dict[str, str] = {}
    for code, test in tests.tests.items():
        found[test.loinc] = code
        for unit in test.units:
            found.setdefault(unit.loinc, code)
    return found


def _read_observation(
    found: LabFile,
    where: str,
    obs: dict[str, Any],
    requests: dict[str, str],
    loinc: dict[str, str],
) -> None:
    problems: list[str] = []
    order = _obs_order(obs, requests, problems)
    test = _obs_test(obs, loinc, problems)
    day = _obs_date(obs, problems)
    value, unit, uln = _obs_value(obs, problems)
    if obs.get("status") not in FINAL_STATUSES:
        problems.append(f"status {obs.get('status')!r} is not a final result")
    if problems or order is None or test is None or day is None or value is None:
        found.problems += [f"{where}: {problem}" for problem in problems]
        return
    found.rows.append(ImportRow(where, order, ResultEntry(test, day, value, unit, uln)))


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _obs_order(obs: dict[str, Any], requests: dict[str, str], problems: list[str]) -> int | None:
    based_on = obs.get("basedOn")
    for ref in based_on if isinstance(based_on, list) else []:
        code = requests.get(str(_get(ref, "reference"))) or _get(ref, "identifier", "value")
        if isinstance(code, str):
            try:
                return order_ref(code)
            except InputError as exc:
                problems.append(f"basedOn: {exc}")
                return None
    problems.append("basedOn names no lab order (a ServiceRequest of the bundle with its "
                    "requisition, or an identifier such as LO-000061)")  # fmt: skip
    return None


def _obs_test(obs: dict[str, Any], loinc: dict[str, str], problems: list[str]) -> str | None:
    codings = _get(obs, "code", "coding")
    codings = codings if isinstance(codings, list) else []
    codes = [_get(c, "code") for c in codings if _get(c, "system") == LOINC]
    for code in codes:
        if code in loinc:
            return loinc[code]
    shown = ", ".join(str(c) for c in codes) or "none"
    problems.append(f"code: no LOINC code of a known lab test (LOINC: {shown})")
    return None


def _obs_date(obs: dict[str, Any], problems: list[str]) -> date | None:
    text = obs.get("effectiveDateTime")
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        problems.append(f"effectiveDateTime {text!r} is not a date")
        return None


def _obs_value(
    obs: dict[str, Any], problems: list[str]
) -> tuple[float | str | None, str, float | None]:
    """(value, UCUM unit, upper limit) of an Observation; value None when unreadable."""
    if "valueCodeableConcept" in obs:
        codings = _get(obs, "valueCodeableConcept", "coding")
        for coding in codings if isinstance(codings, list) else []:
            if _get(coding, "system") == SNOMED and _get(coding, "code") in PRESENCE_BY_CODE:
                return PRESENCE_BY_CODE[coding["code"]], "", None
        problems.append("valueCodeableConcept is not SNOMED CT positive or negative")
        return None, "", None
    quantity = obs.get("valueQuantity")
    value, unit = _number(_get(quantity, "value")), _quantity_unit(quantity)
    if value is None:
        problems.append("valueQuantity.value is not a number (or there is no value)")
    high = _high(obs)
    uln = _number(_get(high, "value")) if high is not None else None
    if high is not None and (uln is None or _quantity_unit(high) not in ("", unit)):
        problems.append(f"referenceRange high is not a number in {unit or 'the value unit'}")
    return value, unit, uln


def _high(obs: dict[str, Any]) -> Any:
    ranges = obs.get("referenceRange")
    return _get(ranges[0], "high") if isinstance(ranges, list) and ranges else None


def _quantity_unit(quantity: Any) -> str:
    unit = _get(quantity, "code") or _get(quantity, "unit")
    return unit if isinstance(unit, str) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
