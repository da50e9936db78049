"""Sample visits in the check format: a visit that is clear under every profile, and
variants with typical findings. Used by `isoface-desk bench`, by tests as a base to vary,
and by demos. Fictional data only.
"""

from __future__ import annotations

import copy
from typing import Any

ALL_COUNSELLING = [
    "teratogenicity", "contraception", "pregnancy-testing", "mental-health", "sexual-function",
    "blood-donation", "no-sharing", "cosmetic-procedures", "sun-protection", "night-vision",
    "musculoskeletal", "red-flag-symptoms", "alcohol", "vitamin-a", "dry-skin-care",
    "take-with-food", "missed-dose", "time-to-reflect", "second-opinion",
]  # fmt: skip

_CLEAR: dict[str, Any] = {
    "format": "isoface-check/1",
    "profile": "uk-mhra",
    "visit": {"date": "2026-10-12", "kind": "initiation"},
    "patient": {
        "birth_date": "1998-07-03",
        "weight_kg": 71.5,
        "pregnancy_potential": True,
        "potential_reason": None,
        "pregnant": False,
        "breastfeeding": False,
        "conditions": [],
        "allergies": [],
    },
    "medications": [{"name": "Cetirizine 10 mg", "route": "oral", "daily_iu": None}],
    "product": {"name": "Isoface 20 mg", "excipients": ["soya-bean-oil", "gelatin", "glycerol"]},
    "dose": {"mg_per_day": 40, "days_supply": 28, "refills": 0},
    "course": {"cumulative_mg": 0, "previous_course_end": None},
    "contraception": {
        "methods": [
            {"code": "implant", "start_date": "2025-01-20"},
            {"code": "male-condom", "start_date": "2025-01-20"},
        ],
        "abstinence_commitment": False,
        "no_risk_agreement": None,
    },
    "pregnancy_tests": [
        {"date": "2026-10-12", "result": "negative", "setting": "clinic", "verification": None},
        {"date": "2026-09-20", "result": "negative", "setting": "lab", "verification": None},
    ],
    "phq9": [1, 0, 1, 1, 0, 0, 0, 0, 0],
    "phq9_action": None,
    "phq9_baseline_total": None,
    "sexual_function_assessed": True,
    "labs": [
        {"test": "ALT", "date": "2026-09-30", "value": 31, "unit": "U/L", "uln": 45},
        {"test": "TG", "date": "2026-09-30", "value": 104, "unit": "mg/dL"},
    ],
    "counselling": ALL_COUNSELLING,
    "indication_confirmed": True,
    "consent_signed": True,
    "second_prescriber": None,
}


def clear_visit(profile: str = "uk-mhra", kind: str = "initiation") -> dict[str, Any]:
    """A visit with no finding under any profile (dated 2026-10-12), as check-format JSON."""
    data = copy.deepcopy(_CLEAR)
    data["profile"] = profile
    data["visit"]["kind"] = kind
    return data


def sample_visits() -> list[dict[str, Any]]:
    """A handful of typical visits: clear ones and ones with blocks and warnings."""
    follow_up = clear_visit("us-ipledge", "follow-up")
    follow_up["medications"].append({"name": "Minocin 50 mg", "route": "oral", "daily_iu": None})
    follow_up["pregnancy_tests"] = [
        {"date": "2026-10-02", "result": "negative", "setting": "lab", "verification": None}
    ]
    follow_up["course"]["cumulative_mg"] = 2240
    high_dose = clear_visit("eu-ppp", "initiation")
    high_dose["dose"]["mg_per_day"] = 80
    high_dose["phq9"] = [2, 2, 1, 2, 1, 1, 1, 0, 1]
    high_dose["contraception"]["methods"] = [{"code": "ius", "start_date": "2025-01-20"}]
    end = clear_visit("uk-mhra", "end-of-course")
    end["dose"] = None
    end["product"] = None
    return [clear_visit(), follow_up, high_dose, end]
