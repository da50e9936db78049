"""Property tests: any valid visit evaluates; the verdict agrees with the severities; the
result does not depend on the order of list entries; a format-breaking mutation is always
an input error naming the field."""

from __future__ import annotations

import copy
import json
import math
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.codes import (
    REQUIRED_ALLERGY_EXCIPIENTS,
    REQUIRED_CONDITIONS,
    REQUIRED_COUNSELLING,
    REQUIRED_EXCIPIENTS,
    REQUIRED_METHODS,
    REQUIRED_REASONS,
)
from isoface_desk.domain.engine import evaluate, evaluation_to_dict
from isoface_desk.domain.findings import CODES, ORDER, SEVERITY_RANK
from isoface_desk.errors import InputError
from tests.domain.engine_helpers import PROFILES, catalog

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["Doxycycline 100 mg", "Minocin", "acitretin", "Vitamin A", "Multivitamin",
         "cod liver oil", "Prednisolone 5mg", "phenytoin", "Sodium valproate", "St John’s wort",
         "hypericum", "Cetirizine", "Ibuprofen 200 mg", "Retinol serum"]  # fmt: skip
LIST_FIELDS = [("medications",), ("pregnancy_tests",), ("labs",), ("counselling",),
               ("contraception", "methods"), ("patient", "conditions"),
               ("patient", "allergies"), ("product", "excipients")]  # fmt: skip


def iso(d: date) -> str:
    return d.isoformat()


def nums(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


TEXT = st.one_of(st.none(), st.just(""), st.text(max_size=12))


@st.composite
def visits(draw: st.DrawFn, full: bool = False) -> dict[str, Any]:
    """A valid visit; `full` gives every list at least one entry (for the mutations)."""
    low = 1 if full else 0
    day = draw(st.dates(date(2023, 10, 31), date(2030, 12, 31)))
    kind = draw(st.sampled_from(["initiation", "follow-up", "end-of-course"]))
    treating = kind != "end-of-course"

    def before(most: int) -> st.SearchStrategy[str]:
        return st.integers(0, most).map(lambda n: iso(day - timedelta(days=n)))

    def some(strategy: st.SearchStrategy[Any], most: int) -> Any:
        return draw(st.lists(strategy, min_size=low, max_size=most))

    data: dict[str, Any] = {
        "format": "isoface-check/1",
        "profile": draw(st.sampled_from([*PROFILES, "us-ipledge", "eu-ppp", "uk-mhra"])),
        "visit": {"date": iso(day), "kind": kind},
        "patient": draw(patients(before)) | {
            "conditions": some(st.sampled_from(REQUIRED_CONDITIONS), 3),
            "allergies": some(st.sampled_from(list(REQUIRED_ALLERGY_EXCIPIENTS)), 2),
        },
        "medications": some(medications(), 4),
        "product": None,
        "dose": draw(doses()) if treating else None,
        "course": {"cumulative_mg": draw(nums(0, 30000)),
                   "previous_course_end": draw(st.one_of(st.none(), before(400)))},
        "contraception": {
            "methods": some(st.fixed_dictionaries({
                "code": st.sampled_from(list(REQUIRED_METHODS)), "start_date": before(90)}), 3),
            "abstinence_commitment": draw(st.booleans()),
            "no_risk_agreement": draw(TEXT),
        },
        "pregnancy_tests": some(pregnancy_test_entries(before), 4),
        "phq9": draw(st.one_of(st.none(), st.lists(st.integers(0, 3), min_size=9, max_size=9))),
        "phq9_action": draw(TEXT),
        "phq9_baseline_total": draw(st.one_of(st.none(), st.integers(0, 27))),
        "sexual_function_assessed": draw(st.booleans()),
        "labs": some(labs(before), 5),
        "counselling": some(st.sampled_from(REQUIRED_COUNSELLING), 19),
        "indication_confirmed": draw(st.booleans()),
        "consent_signed": draw(st.booleans()),
        "second_prescriber": draw(TEXT),
    }  # fmt: skip
    if treating or full or draw(st.booleans()):
        excipients = some(st.sampled_from(REQUIRED_EXCIPIENTS), 3)
        data["product"] = {"name": "Isoface 20 mg", "excipients": excipients}
    return data


def patients(before: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "birth_date": before(365 * 120 - 1),
        "weight_kg": nums(20, 300),
        "pregnancy_potential": st.booleans(),
        "potential_reason": st.one_of(st.none(), st.sampled_from(REQUIRED_REASONS)),
        "pregnant": st.booleans(),
        "breastfeeding": st.booleans(),
    })  # fmt: skip


def medications() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "name": st.sampled_from(NAMES),
        "route": st.sampled_from(["oral", "topical", "injection", "inhaled"]),
        "daily_iu": st.one_of(st.none(), nums(0, 20000)),
    })  # fmt: skip


def doses() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "mg_per_day": nums(0.5, 1000),
        "days_supply": st.integers(1, 365),
        "refills": st.integers(0, 99),
    })  # fmt: skip


def pregnancy_test_entries(before: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "date": before(45),
        "result": st.sampled_from(["negative", "positive"]),
        "setting": st.sampled_from(["clinic", "lab", "remote-supervised", "home"]),
        "verification": TEXT,
    })  # fmt: skip


def labs(before: Any) -> st.SearchStrategy[dict[str, Any]]:
    enzyme = st.fixed_dictionaries({
        "test": st.sampled_from(["ALT", "AST"]), "date": before(60), "value": nums(0, 2000),
        "unit": st.just("U/L"), "uln": nums(1, 100)})  # fmt: skip
    other = st.fixed_dictionaries({
        "test": st.sampled_from(["TG", "CHOL", "GLUCOSE"]), "date": before(60),
        "value": nums(0, 2000), "unit": st.sampled_from(["mmol/L", "mg/dL"])})  # fmt: skip
    return st.one_of(enzyme, other)


def result_of(data: dict[str, Any]) -> dict[str, Any]:
    cat = catalog()
    return evaluation_to_dict(evaluate(parse_visit(data, cat), cat))


@SETTINGS
@given(visits())
def test_any_valid_visit_evaluates_and_the_verdict_agrees(data: dict[str, Any]) -> None:
    cat = catalog()
    evaluation = evaluate(parse_visit(data, cat), cat)
    result = evaluation_to_dict(evaluation)
    json.dumps(result, allow_nan=False)
    severities = [f["severity"] for f in result["findings"]]
    expected = ("blocked" if "block" in severities else
                "needs-review" if "warn" in severities else "clear")  # fmt: skip
    assert result["verdict"] == expected
    keys = [(SEVERITY_RANK[f.severity], ORDER[f.code]) for f in evaluation.findings]
    assert keys == sorted(keys) and len({f.code for f in evaluation.findings}) == len(keys)
    codes = {f.code for f in evaluation.findings}
    assert codes <= set(CODES)
    assert len(codes & {"PREGNANCY_TEST_MISSING", "PREGNANCY_TEST_STALE",
                        "PREGNANCY_TEST_SETTING"}) <= 1  # fmt: skip
    assert len(codes & {"CONTRACEPTION_MISSING", "CONTRACEPTION_INSUFFICIENT",
                        "CONTRACEPTION_TOO_RECENT"}) <= 1  # fmt: skip
    assert all(f.basis and f.message and f.field for f in evaluation.findings)
    assert (result["dose"] is None) == (data["visit"]["kind"] == "end-of-course")
    assert (result["phq9"] is None) == (data["phq9"] is None)
    if result["dose"]:
        assert all(round(v, 2) == v for v in result["dose"].values())


@SETTINGS
@given(visits(), st.randoms(use_true_random=False))
def test_result_is_independent_of_list_order(data: dict[str, Any], rnd: Any) -> None:
    shuffled = copy.deepcopy(data)
    for path in LIST_FIELDS:
        holder = shuffled
        for key in path[:-1]:
            holder = holder[key]
        if holder is not None and holder.get(path[-1]):
            rnd.shuffle(holder[path[-1]])
    assert result_of(shuffled) == result_of(data)


def _objects(data: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = [(path, data)]
    for key, value in data.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            found += _objects(value, where)
        elif isinstance(value, list):
            found += [p for i, v in enumerate(value) if isinstance(v, dict)
                      for p in _objects(v, f"{where}[{i}]")]  # fmt: skip
    return found


def _scalars(data: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """(path, holder, key) of every scalar field that must be of one JSON type."""
    out = []
    for path, obj in _objects(data):
        for key, value in obj.items():
            if not isinstance(value, (dict, list)) and value is not None:
                out.append((f"{path}.{key}" if path else key, obj, key))
    return out


MUTATIONS = ["unknown_key", "wrong_type", "required_null", "range", "not_finite", "bad_code",
             "after_visit", "bad_date", "fraction"]  # fmt: skip
REQUIRED = [("patient", "weight_kg"), ("patient", "birth_date"),
            ("patient", "pregnancy_potential"), ("visit", "date"), ("visit", "kind")]  # fmt: skip
RANGES = [("patient", "weight_kg", 19.5), ("patient", "weight_kg", 300.5),
          ("dose", "mg_per_day", 0), ("dose", "mg_per_day", 1001), ("dose", "days_supply", 366),
          ("dose", "refills", -1), ("course", "cumulative_mg", -0.01),
          ("phq9_baseline_total", None, 28)]  # fmt: skip
CODE_FIELDS = [("patient.conditions[0]", ("patient", "conditions")),
               ("patient.allergies[0]", ("patient", "allergies")),
               ("counselling[0]", ("counselling",))]  # fmt: skip


def mutate(data: dict[str, Any], how: str, draw: st.DrawFn) -> list[str]:
    """Break `data` in place; return the field paths the errors must name."""
    if how == "unknown_key":  # every object at once: each must be named
        paths = []
        for path, obj in _objects(data):
            obj["unexpected_key"] = 1
            paths.append(f"{path}.unexpected_key" if path else "unexpected_key")
        return paths
    if how == "wrong_type":
        fields = _scalars(data)
        chosen = draw(st.sets(st.integers(0, len(fields) - 1), min_size=1, max_size=8))
        for i in chosen:
            fields[i][1][fields[i][2]] = draw(st.sampled_from([[1], {"a": 1}]))
        return [fields[i][0] for i in chosen]
    if how == "required_null":
        parent, key = draw(st.sampled_from(REQUIRED))
        data[parent][key] = draw(st.sampled_from([None, ""]))
        return [f"{parent}.{key}"]
    if how == "range":
        parent, key, value = draw(st.sampled_from(RANGES))
        if key is None:
            data[parent] = value
            return [parent]
        if data[parent] is None:  # no dose at the end of a course: give one to break
            data[parent] = {"mg_per_day": 10, "days_supply": 10, "refills": 0}
        data[parent][key] = value
        return [f"{parent}.{key}"]
    if how == "not_finite":
        data["patient"]["weight_kg"] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
        return ["patient.weight_kg"]
    if how == "bad_code":
        paths = []
        for path, keys in CODE_FIELDS:
            holder = data
            for key in keys[:-1]:
                holder = holder[key]
            holder[keys[-1]] = ["not-a-code", *holder[keys[-1]]]
            paths.append(path)
        return paths
    if how == "after_visit":
        later = date.fromisoformat(data["visit"]["date"]) + timedelta(days=draw(st.integers(1, 30)))
        data["pregnancy_tests"][0]["date"] = iso(later)
        data["labs"][-1]["date"] = iso(later)
        data["contraception"]["methods"][0]["start_date"] = iso(later)
        return ["pregnancy_tests[0].date", f"labs[{len(data['labs']) - 1}].date",
                "contraception.methods[0].start_date"]  # fmt: skip
    if how == "bad_date":
        bad = ["1990-02-30", "1990-2-3", "03/07/1998", "19900203", "1990-W05-1"]
        data["patient"]["birth_date"] = draw(st.sampled_from(bad))
        return ["patient.birth_date"]
    data["phq9_baseline_total"] = draw(st.sampled_from([2.5, 0.1, 26.9]))
    return ["phq9_baseline_total"]


@SETTINGS
@given(visits(full=True), st.sampled_from(MUTATIONS), st.data())
def test_format_breaking_mutations_are_input_errors_naming_the_field(
    data: dict[str, Any], how: str, more: st.DataObject
) -> None:
    broken = copy.deepcopy(data)
    expected = mutate(broken, how, more.draw)
    try:
        parse_visit(broken, catalog())
    except InputError as exc:
        for path in expected:
            assert any(p.startswith(path) for p in exc.problems), (path, exc.problems)
    else:
        raise AssertionError(f"{how} at {expected} was accepted")
