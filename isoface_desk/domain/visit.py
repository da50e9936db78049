"""One visit as the safety engine sees it: frozen dataclasses mirroring docs/check-format.md.

Every field of the `isoface-check/1` input has a counterpart here, with the defaults the
format gives to optional fields already applied (lists as tuples, text as `None` when
empty). `parse_visit` (check_input.py) builds a `Visit` from JSON data and is the only
place that validates; `visit_to_dict` turns a `Visit` back into check-format JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

FORMAT_ID = "isoface-check/1"

VisitKind = Literal["initiation", "follow-up", "end-of-course"]
VISIT_KINDS: tuple[VisitKind, ...] = ("initiation", "follow-up", "end-of-course")
ROUTES = ("oral", "topical", "injection", "inhaled")
TEST_RESULTS = ("negative", "positive")
TEST_SETTINGS = ("clinic", "lab", "remote-supervised", "home")
LAB_TESTS = ("ALT", "AST", "TG", "CHOL", "GLUCOSE")
ENZYME_TESTS = ("ALT", "AST")
LAB_UNITS: dict[str, tuple[str, ...]] = {
    "ALT": ("U/L",),
    "AST": ("U/L",),
    "TG": ("mmol/L", "mg/dL"),
    "CHOL": ("mmol/L", "mg/dL"),
    "GLUCOSE": ("mmol/L", "mg/dL"),
}


@dataclass(frozen=True, slots=True)
class VisitInfo:
    date: date
    kind: VisitKind


@dataclass(frozen=True, slots=True)
class Patient:
    birth_date: date
    weight_kg: float
    pregnancy_potential: bool
    potential_reason: str | None = None
    pregnant: bool = False
    breastfeeding: bool = False
    conditions: tuple[str, ...] = ()
    allergies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Medication:
    name: str
    route: str = "oral"
    daily_iu: float | None = None


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    excipients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dose:
    mg_per_day: float
    days_supply: int
    refills: int


@dataclass(frozen=True, slots=True)
class Course:
    cumulative_mg: float = 0.0
    previous_course_end: date | None = None


@dataclass(frozen=True, slots=True)
class ContraceptionMethod:
    code: str
    start_date: date


@dataclass(frozen=True, slots=True)
class Contraception:
    methods: tuple[ContraceptionMethod, ...] = ()
    abstinence_commitment: bool = False
    no_risk_agreement: str | None = None


@dataclass(frozen=True, slots=True)
class PregnancyTest:
    date: date
    result: str
    setting: str
    verification: str | None = None


@dataclass(frozen=True, slots=True)
class LabResult:
    test: str
    date: date
    value: float
    unit: str
    uln: float | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    """A whole `isoface-check/1` input. `profile` is as given: an exact id or a family."""

    profile: str
    visit: VisitInfo
    patient: Patient
    medications: tuple[Medication, ...] = ()
    product: Product | None = None
    dose: Dose | None = None
    course: Course = Course()
    contraception: Contraception = Contraception()
    pregnancy_tests: tuple[PregnancyTest, ...] = ()
    phq9: tuple[int, ...] | None = None
    phq9_action: str | None = None
    phq9_baseline_total: int | None = None
    sexual_function_assessed: bool = False
    labs: tuple[LabResult, ...] = ()
    counselling: tuple[str, ...] = ()
    indication_confirmed: bool = False
    consent_signed: bool = False
    second_prescriber: str | None = None

    @property
    def date(self) -> date:
        return self.visit.date

    @property
    def kind(self) -> VisitKind:
        return self.visit.kind


def age_on(birth_date: date, on: date) -> int:
    """Completed years on `on`. A 29 February birthday falls on 1 March in other years."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def visit_to_dict(visit: Visit) -> dict[str, Any]:
    """The visit as check-format JSON data (every field written out, defaults included)."""
    p = visit.patient
    return {
        "format": FORMAT_ID,
        "profile": visit.profile,
        "visit": {"date": visit.date.isoformat(), "kind": visit.kind},
        "patient": {
            "birth_date": p.birth_date.isoformat(),
            "weight_kg": p.weight_kg,
            "pregnancy_potential": p.pregnancy_potential,
            "potential_reason": p.potential_reason,
            "pregnant": p.pregnant,
            "breastfeeding": p.breastfeeding,
            "conditions": list(p.conditions),
            "allergies": list(p.allergies),
        },
        "medications": [
            {"name": m.name, "route": m.route, "daily_iu": m.daily_iu} for m in visit.medications
        ],
        "product": _product_dict(visit.product),
        "dose": _dose_dict(visit.dose),
        "course": {
            "cumulative_mg": visit.course.cumulative_mg,
            "previous_course_end": _iso(visit.course.previous_course_end),
        },
        "contraception": _contraception_dict(visit.contraception),
        "pregnancy_tests": [
            {
                "date": t.date.isoformat(),
                "result": t.result,
                "setting": t.setting,
                "verification": t.verification,
            }
            for t in visit.pregnancy_tests
        ],
        "phq9": None if visit.phq9 is None else list(visit.phq9),
        "phq9_action": visit.phq9_action,
        "phq9_baseline_total": visit.phq9_baseline_total,
        "sexual_function_assessed": visit.sexual_function_assessed,
        "labs": [_lab_dict(lab) for lab in visit.labs],
        "counselling": list(visit.counselling),
        "indication_confirmed": visit.indication_confirmed,
        "consent_signed": visit.consent_signed,
        "second_prescriber": visit.second_prescriber,
    }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _product_dict(product: Product | None) -> dict[str, Any] | None:
    if product is None:
        return None
    return {"name": product.name, "excipients": list(product.excipients)}


def _dose_dict(dose: Dose | None) -> dict[str, Any] | None:
    if dose is None:
        return None
    return {"mg_per_day": dose.mg_per_day, "days_supply": dose.days_supply, "refills": dose.refills}


def _contraception_dict(c: Contraception) -> dict[str, Any]:
    return {
        "methods": [{"code": m.code, "start_date": m.start_date.isoformat()} for m in c.methods],
        "abstinence_commitment": c.abstinence_commitment,
        "no_risk_agreement": c.no_risk_agreement,
    }


def _lab_dict(lab: LabResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "test": lab.test,
        "date": lab.date.isoformat(),
        "value": lab.value,
        "unit": lab.unit,
    }
    if lab.uln is not None:
        out["uln"] = lab.uln
    return out
