"""An initiation checklist with a few findings, filled with invented sample data (for the
screenshots and for looking at the layout; no database is opened)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QApplication

from isoface_desk.config import forms_dir
from isoface_desk.domain.catalog import default_catalog
from isoface_desk.domain.checklist import VisitContext, load_checklists, refs_from_catalog
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.checklist import VisitChecklist

VISIT_DAY = dt.date(2026, 10, 12)
SAMPLE_ANSWERS: dict[str, Any] = {
    "indication_confirmed": True, "pregnancy_potential": True, "pregnant": False,
    "breastfeeding": False, "allergies": [], "conditions": ["hyperlipidaemia"],
    "medications": [{"name": "Cetirizine 10 mg", "route": "oral"}],
    "phq9": {"items": [1, 0, 1, 1, 0, 0, 0, 0, 0], "difficulty": 0},
    "sexual_function_assessed": True,
    "contraception_methods": [{"code": "ius", "start_date": "2025-01-20"}],
    "pregnancy_tests": [{"date": "2026-09-28", "result": "negative", "setting": "clinic"}],
    "labs": [{"test": "ALT", "date": "2026-09-30", "value": 31, "unit": "U/L", "uln": 45},
             {"test": "TG", "date": "2026-09-30", "value": 2.4, "unit": "mmol/L"}],
    "weight_kg": 52, "product_name": "Isoface 20 mg",
    "product_excipients": ["soya-bean-oil", "gelatin"], "mg_per_day": 60,
    "days_supply": 28, "refills": 0, "consent_signed": True,
    "counselling": ["teratogenicity", "contraception", "pregnancy-testing", "mental-health",
                    "sexual-function", "blood-donation", "no-sharing", "cosmetic-procedures",
                    "sun-protection", "night-vision", "musculoskeletal", "red-flag-symptoms",
                    "alcohol", "vitamin-a", "dry-skin-care", "take-with-food", "missed-dose",
                    "time-to-reflect", "second-opinion"],
    "_justifications": {"HYPERLIPIDAEMIA": "Fasting TG 2.4 mmol/L, diet advice; lipids at month 1"},
}  # fmt: skip
SAMPLE_HEADING = "Sample Patient · C-0001 · born 1998-07-03 · initiation 2026-10-12 · uk-mhra-2026"


def visit_findings_demo(section: str = "pregnancy-tests") -> VisitChecklist:
    catalog = default_catalog()
    form = load_checklists(forms_dir(), refs_from_catalog(catalog))["initiation"]
    context = VisitContext("uk-mhra-2026", VISIT_DAY, dt.date(1998, 7, 3))
    checklist = VisitChecklist(
        form, context, catalog, initial_answers=SAMPLE_ANSWERS, heading=SAMPLE_HEADING,
        messages=MessageChannel(show_dialogs=False), sign=lambda request: None,
    )  # fmt: skip
    checklist.resize(1366, 728)
    checklist.show()
    QApplication.processEvents()
    checklist.controller.go_to_question("pregnancy_tests", 0, "date", save=False)
    checklist.controller.go_to_section(section, focus=False, save=False)
    QApplication.processEvents()
    return checklist
