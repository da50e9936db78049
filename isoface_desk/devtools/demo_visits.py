"""Check-format visits for the demo patients: realistic, and clear unless asked otherwise.

Pure functions of dates and a few patient facts, so tests can evaluate them without a
database. `Twist` adds one situation to an otherwise clear visit: a warning the prescriber
justifies, or a block that keeps a visit a draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from isoface_desk.devtools.demo_country import DEFAULT, DemoCountry
from isoface_desk.domain.visit import age_on

PROFILE = DEFAULT.profile
PRODUCT_NAME = "Isoface 20 mg"
PRODUCT: dict[str, Any] = {
    "name": PRODUCT_NAME,
    "excipients": ["soya-bean-oil", "gelatin", "glycerol"],
}
COUNSELLING = [
    "teratogenicity", "contraception", "pregnancy-testing", "mental-health", "sexual-function",
    "blood-donation", "no-sharing", "cosmetic-procedures", "sun-protection", "night-vision",
    "musculoskeletal", "red-flag-symptoms", "alcohol", "vitamin-a", "dry-skin-care",
    "take-with-food", "missed-dose", "time-to-reflect", "second-opinion",
]  # fmt: skip
PHQ9_BASELINE = [1, 0, 1, 1, 0, 0, 0, 0, 0]
DAYS_SUPPLY = 28


class Twist(Enum):
    NONE = "none"
    ALT_RAISED = "alt-raised"  # warn LIVER_ENZYMES_HIGH
    PSYCHIATRIC_HISTORY = "psychiatric-history"  # warn PSYCHIATRIC_HISTORY
    STALE_PREGNANCY_TEST = "stale-pregnancy-test"  # block PREGNANCY_TEST_STALE


#: What the prescriber typed for each warning a twist causes (the original demo's words).
JUSTIFICATIONS = DEFAULT.justifications


@dataclass(frozen=True)
class DemoPatientFacts:
    birth_date: dt.date
    weight_kg: float
    can_get_pregnant: bool


#: The lipids a demo visit reports, in each unit a laboratory may use.
LIPIDS = {"mmol/L": (1.3, 4.6), "mg/dL": (115, 178)}


def _labs(day: dt.date, alt: float = 28, country: DemoCountry = DEFAULT) -> list[dict[str, Any]]:
    taken = (day - dt.timedelta(days=7)).isoformat()
    unit = str(country.normal_results["TG"]["unit"])
    tg, chol = LIPIDS[unit]
    return [
        {"test": "ALT", "date": taken, "value": alt, "unit": "U/L", "uln": 45},
        {"test": "AST", "date": taken, "value": 24, "unit": "U/L", "uln": 40},
        {"test": "TG", "date": taken, "value": tg, "unit": unit},
        {"test": "CHOL", "date": taken, "value": chol, "unit": unit},
    ]


def _patient(facts: DemoPatientFacts, twist: Twist) -> dict[str, Any]:
    return {
        "birth_date": facts.birth_date.isoformat(),
        "weight_kg": facts.weight_kg,
        "pregnancy_potential": facts.can_get_pregnant,
        "potential_reason": None if facts.can_get_pregnant else "no-uterus-or-ovaries",
        "pregnant": False,
        "breastfeeding": False,
        "conditions": ["depression-history"] if twist is Twist.PSYCHIATRIC_HISTORY else [],
        "allergies": [],
    }


def _pregnancy(
    facts: DemoPatientFacts, day: dt.date, twist: Twist, country: DemoCountry
) -> dict[str, Any]:
    if not facts.can_get_pregnant:
        return {"contraception": None, "pregnancy_tests": []}
    tested = day - dt.timedelta(days=12 if twist is Twist.STALE_PREGNANCY_TEST else 0)
    return {
        "contraception": {
            "methods": [dict(m) for m in country.methods],
            "abstinence_commitment": False,
            "no_risk_agreement": None,
        },
        "pregnancy_tests": [
            {"date": tested.isoformat(), "result": "negative", "setting": "clinic",
             "verification": None}
        ],
    }  # fmt: skip


def visit_dict(
    kind: str,
    day: dt.date,
    facts: DemoPatientFacts,
    *,
    mg_per_day: float = 40,
    cumulative_mg: float = 0,
    twist: Twist = Twist.NONE,
    country: DemoCountry = DEFAULT,
) -> dict[str, Any]:
    """One visit of `kind` on `day` under the country's rules; follow-ups and ends report
    the PHQ-9 baseline."""
    prescribing = kind in ("initiation", "follow-up")
    under_18 = age_on(facts.birth_date, day) < 18
    data: dict[str, Any] = {
        "format": "isoface-check/1",
        "profile": country.profile,
        "visit": {"date": day.isoformat(), "kind": kind},
        "patient": _patient(facts, twist),
        "medications": [{"name": country.medicine, "route": "oral", "daily_iu": None}],
        "product": PRODUCT if prescribing else None,
        "dose": {"mg_per_day": mg_per_day, "days_supply": DAYS_SUPPLY, "refills": 0}
        if prescribing
        else None,
        "course": {"cumulative_mg": cumulative_mg, "previous_course_end": None},
        **_pregnancy(facts, day, twist, country),
        "phq9": PHQ9_BASELINE if kind == "initiation" else [1, 0, 0, 1, 0, 0, 0, 0, 0],
        "phq9_action": None,
        "phq9_baseline_total": None if kind == "initiation" else sum(PHQ9_BASELINE),
        "sexual_function_assessed": True,
        "labs": _labs(day, alt=52 if twist is Twist.ALT_RAISED else 28, country=country),
        "counselling": COUNSELLING if kind == "initiation" else [],
        "indication_confirmed": kind == "initiation",
        "consent_signed": kind == "initiation",
        "second_prescriber": country.second_prescriber
        if under_18 and kind == "initiation"
        else None,
    }
    if data["contraception"] is None:
        del data["contraception"]
    return data
