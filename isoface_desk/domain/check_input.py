"""Reading an `isoface-check/1` visit (docs/check-format.md) into a `Visit`, validating everything.

`parse_visit(data, catalog)` takes decoded JSON (use `json_object_hook` when decoding so
that keys given twice are caught) and returns a frozen `Visit`, or raises `InputError`
whose `items` hold one `Problem(field.path, what is wrong)` per problem, all at once
(`problems`: the same as "field.path: what is wrong" lines).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from isoface_desk.domain.catalog import Catalog, resolve_profile
from isoface_desk.domain.codes import CODE_PATTERN
from isoface_desk.domain.input_fields import Fields, json_object_hook, json_type
from isoface_desk.domain.visit import (
    ENZYME_TESTS,
    FORMAT_ID,
    LAB_TESTS,
    LAB_UNITS,
    ROUTES,
    TEST_RESULTS,
    TEST_SETTINGS,
    VISIT_KINDS,
    Contraception,
    ContraceptionMethod,
    Course,
    Dose,
    LabResult,
    Medication,
    Patient,
    PregnancyTest,
    Product,
    Visit,
    VisitInfo,
    VisitKind,
    age_on,
    visit_to_dict,
)
from isoface_desk.errors import InputError

__all__ = ["json_object_hook", "parse_visit", "visit_to_dict"]

MAX_AGE_YEARS = 120
#: What a list every visit of the kind must give (product.excipients) gets when it is not.
MISSING_LIST = "missing (an empty list when there are none)"
_TOP = (
    "format", "profile", "visit", "patient", "medications", "product", "dose", "course",
    "contraception", "pregnancy_tests", "phq9", "phq9_action", "phq9_baseline_total",
    "sexual_function_assessed", "labs", "counselling", "indication_confirmed",
    "consent_signed", "second_prescriber",
)  # fmt: skip
_PATIENT = (
    "birth_date", "weight_kg", "pregnancy_potential", "potential_reason", "pregnant",
    "breastfeeding", "conditions", "allergies",
)  # fmt: skip


def parse_visit(data: object, catalog: Catalog) -> Visit:
    """A validated Visit from check-format JSON data, or InputError listing every problem."""
    f = Fields()
    root = f.obj(data, "")
    if root is None:
        raise InputError(f.problems)
    f.keys(root, _TOP, "")
    fmt = f.text(root, "format", "", required=True)
    if fmt is not None and fmt != FORMAT_ID:
        f.problem("format", f"expected {FORMAT_ID!r}, got {fmt!r}")
    day, kind = _visit_info(f, root)
    profile = _check_profile(f, root, catalog, day)
    visit = Visit(
        profile=profile or "",
        visit=VisitInfo(cast(date, day), cast(VisitKind, kind)),
        patient=cast(Patient, _patient(f, root, catalog, day)),
        medications=_medications(f, root),
        product=_product(f, root, catalog, required=kind in ("initiation", "follow-up")),
        dose=_dose(f, root, required=kind in ("initiation", "follow-up")),
        course=_course(f, root, day),
        contraception=_contraception(f, root, catalog, day),
        pregnancy_tests=_pregnancy_tests(f, root, day),
        phq9=_phq9(f, root),
        phq9_action=f.text(root, "phq9_action", ""),
        phq9_baseline_total=f.integer(root, "phq9_baseline_total", "", 0, 27),
        sexual_function_assessed=f.boolean(root, "sexual_function_assessed", ""),
        labs=_labs(f, root, day),
        counselling=f.codes(
            root, "counselling", "", [i.code for i in catalog.codes.counselling], "counselling code"
        ),
        indication_confirmed=f.boolean(root, "indication_confirmed", ""),
        consent_signed=f.boolean(root, "consent_signed", ""),
        second_prescriber=f.text(root, "second_prescriber", ""),
    )
    if f.problems:
        raise InputError(f.problems)
    return visit


def _visit_info(f: Fields, root: dict[str, Any]) -> tuple[date | None, str | None]:
    obj = f.required_obj(root, "visit", "", required=True)
    if obj is None:
        return None, None
    f.keys(obj, ("date", "kind"), "visit")
    day = f.date(obj, "date", "visit", required=True)
    kind = f.choice(obj, "kind", "visit", VISIT_KINDS, required=True, what="visit kind")
    return day, kind


def _check_profile(
    f: Fields, root: dict[str, Any], catalog: Catalog, day: date | None
) -> str | None:
    name = f.text(root, "profile", "", required=True)
    if name is None:
        return None
    if name not in catalog.profiles and name not in catalog.families:
        known = ", ".join([*catalog.families, *catalog.profiles])
        f.problem("profile", f"{name!r} is not a known profile id or family ({known})")
    elif day is not None:
        try:
            resolve_profile(catalog, name, day)
        except InputError as exc:
            f.problems.extend(exc.items)
    return name


def _patient(f: Fields, root: dict[str, Any], catalog: Catalog, day: date | None) -> Patient | None:
    obj = f.required_obj(root, "patient", "", required=True)
    if obj is None:
        return None
    w = "patient"
    f.keys(obj, _PATIENT, w)
    birth = f.date(obj, "birth_date", w, required=True, not_after=day, echo=False)
    if birth is not None and day is not None and age_on(birth, day) > MAX_AGE_YEARS:
        f.problem(f"{w}.birth_date", f"age on the visit date is above {MAX_AGE_YEARS}")
    weight = f.number(obj, "weight_kg", w, required=True, lo=20, hi=300)
    potential = f.boolean(obj, "pregnancy_potential", w, required=True)
    reason = f.choice(
        obj, "potential_reason", w, list(catalog.codes.reasons), what="potential reason"
    )
    patient = Patient(
        birth_date=cast(date, birth),
        weight_kg=cast(float, weight),
        pregnancy_potential=potential,
        potential_reason=reason,
        pregnant=f.boolean(obj, "pregnant", w),
        breastfeeding=f.boolean(obj, "breastfeeding", w),
        conditions=f.codes(obj, "conditions", w, catalog.codes.conditions, "condition code"),
        allergies=f.codes(obj, "allergies", w, catalog.codes.allergies, "allergy code"),
    )
    return patient


def _medications(f: Fields, root: dict[str, Any]) -> tuple[Medication, ...]:
    out: list[Medication] = []
    for path, item in f.items(root, "medications", ""):
        obj = f.obj(item, path)
        if obj is None:
            continue
        f.keys(obj, ("name", "route", "daily_iu"), path)
        name = f.text(obj, "name", path, required=True)
        route = f.choice(obj, "route", path, ROUTES, what="route") or "oral"
        iu = f.number(obj, "daily_iu", path, lo=0)
        out.append(Medication(name or "", route, iu))
    return tuple(out)


def _product(
    f: Fields, root: dict[str, Any], catalog: Catalog, *, required: bool
) -> Product | None:
    obj = f.required_obj(root, "product", "", required=required)
    if obj is None:
        return None
    f.keys(obj, ("name", "excipients"), "product")
    name = f.text(obj, "name", "product", required=True)
    if obj.get("excipients") is None:
        f.problem("product.excipients", MISSING_LIST)
    excipients: list[str] = []
    for path, value in f.items(obj, "excipients", "product"):
        known = value in catalog.codes.excipients if isinstance(value, str) else False
        if isinstance(value, str) and (known or CODE_PATTERN.match(value)):
            excipients.append(value)
        else:
            f.problem(path, "expected an excipient code (lower-case words joined by hyphens)")
    return Product(name or "", tuple(excipients))


def _dose(f: Fields, root: dict[str, Any], *, required: bool) -> Dose | None:
    obj = f.required_obj(root, "dose", "", required=required)
    if obj is None:
        return None
    f.keys(obj, ("mg_per_day", "days_supply", "refills"), "dose")
    mg = f.number(obj, "mg_per_day", "dose", required=True, above=0, hi=1000)
    days = f.integer(obj, "days_supply", "dose", 1, 365, required=True)
    refills = f.integer(obj, "refills", "dose", 0, 99, required=True)
    return Dose(cast(float, mg), cast(int, days), cast(int, refills))


def _course(f: Fields, root: dict[str, Any], day: date | None) -> Course:
    obj = f.required_obj(root, "course", "", required=False)
    if obj is None:
        return Course()
    f.keys(obj, ("cumulative_mg", "previous_course_end"), "course")
    cumulative = f.number(obj, "cumulative_mg", "course", lo=0)
    end = f.date(obj, "previous_course_end", "course", not_after=day)
    return Course(cumulative or 0.0, end)


def _contraception(
    f: Fields, root: dict[str, Any], catalog: Catalog, day: date | None
) -> Contraception:
    w = "contraception"
    obj = f.required_obj(root, w, "", required=False)
    if obj is None:
        return Contraception()
    f.keys(obj, ("methods", "abstinence_commitment", "no_risk_agreement"), w)
    methods: list[ContraceptionMethod] = []
    for path, item in f.items(obj, "methods", w):
        entry = f.obj(item, path)
        if entry is None:
            continue
        f.keys(entry, ("code", "start_date"), path)
        code = f.choice(entry, "code", path, catalog.codes.methods, required=True,
                        what="contraception method code")  # fmt: skip
        start = f.date(entry, "start_date", path, required=True, not_after=day)
        if code is not None and start is not None:
            methods.append(ContraceptionMethod(code, start))
    return Contraception(
        methods=tuple(methods),
        abstinence_commitment=f.boolean(obj, "abstinence_commitment", w),
        no_risk_agreement=f.text(obj, "no_risk_agreement", w),
    )


def _pregnancy_tests(
    f: Fields, root: dict[str, Any], day: date | None
) -> tuple[PregnancyTest, ...]:
    out: list[PregnancyTest] = []
    for path, item in f.items(root, "pregnancy_tests", ""):
        obj = f.obj(item, path)
        if obj is None:
            continue
        f.keys(obj, ("date", "result", "setting", "verification"), path)
        when = f.date(obj, "date", path, required=True, not_after=day)
        result = f.choice(obj, "result", path, TEST_RESULTS, required=True, what="test result")
        setting = f.choice(obj, "setting", path, TEST_SETTINGS, required=True, what="test setting")
        verification = f.text(obj, "verification", path)
        if when is not None and result is not None and setting is not None:
            out.append(PregnancyTest(when, result, setting, verification))
    return tuple(out)


def _phq9(f: Fields, root: dict[str, Any]) -> tuple[int, ...] | None:
    value = root.get("phq9")
    if value is None:
        return None
    if not isinstance(value, list):
        f.problem("phq9", f"expected a list of nine answers or null, got {json_type(value)}")
        return None
    if len(value) != 9:
        f.problem("phq9", f"expected exactly nine answers, got {len(value)}")
    answers = [f.to_int(v, f"phq9[{i}]", 0, 3) for i, v in enumerate(value)]
    if len(value) != 9 or any(a is None for a in answers):
        return None
    return tuple(cast(int, a) for a in answers)


def _labs(f: Fields, root: dict[str, Any], day: date | None) -> tuple[LabResult, ...]:
    out: list[LabResult] = []
    for path, item in f.items(root, "labs", ""):
        obj = f.obj(item, path)
        if obj is None:
            continue
        f.keys(obj, ("test", "date", "value", "unit", "uln"), path)
        test = f.choice(obj, "test", path, LAB_TESTS, required=True, what="lab test")
        when = f.date(obj, "date", path, required=True, not_after=day)
        value = f.number(obj, "value", path, required=True, lo=0)
        units = LAB_UNITS.get(test or "", ("U/L", "mmol/L", "mg/dL"))
        what = f"unit for {test or 'this test'}"
        unit = f.choice(obj, "unit", path, units, required=True, what=what)
        uln = f.number(obj, "uln", path, required=test in ENZYME_TESTS, above=0)
        if None not in (test, when, value, unit):
            out.append(LabResult(cast(str, test), cast(date, when), cast(float, value),
                                 cast(str, unit), uln))  # fmt: skip
    return tuple(out)
