"""Findings, their stable order and the verdict (docs/rules.md, "Severities and verdict").

`RULES` lists every code in the order of the tables of docs/rules.md, with the basis
topic (a key of the profile's [basis] table) shown next to it. Findings sort by severity
(block, warn, info), then by this order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from isoface_desk.domain.profiles import Severity

Verdict = Literal["blocked", "needs-review", "clear"]
SEVERITY_RANK: dict[str, int] = {"block": 0, "warn": 1, "info": 2}

RULES: tuple[tuple[str, str], ...] = (
    # Pregnancy and pregnancy prevention
    ("PREGNANT", "pregnancy"),
    ("BREASTFEEDING", "pregnancy"),
    ("POTENTIAL_REASON_INVALID", "pregnancy"),
    ("PREGNANCY_TEST_MISSING", "pregnancy"),
    ("PREGNANCY_TEST_STALE", "pregnancy"),
    ("PREGNANCY_TEST_SETTING", "pregnancy"),
    ("SECOND_TEST_MISSING", "pregnancy"),
    ("CONTRACEPTION_MISSING", "contraception"),
    ("CONTRACEPTION_INSUFFICIENT", "contraception"),
    ("CONTRACEPTION_TOO_RECENT", "contraception"),
    ("ST_JOHNS_WORT_HORMONAL", "contraception"),
    ("CONTRACEPTION_SINGLE_METHOD", "contraception"),
    # Medicines, allergies, conditions
    ("TETRACYCLINE", "medicines"),
    ("OTHER_RETINOID", "medicines"),
    ("VITAMIN_A", "medicines"),
    ("CORTICOSTEROID_SYSTEMIC", "medicines"),
    ("ANTICONVULSANT_BONE", "medicines"),
    ("HEPATOTOXIC", "medicines"),
    ("ALLERGY_ISOTRETINOIN", "allergies"),
    ("ALLERGY_EXCIPIENT", "allergies"),
    ("HEPATIC_INSUFFICIENCY", "conditions"),
    ("HYPERVITAMINOSIS_A", "conditions"),
    ("AGE_UNDER_12", "conditions"),
    ("HYPERLIPIDAEMIA", "conditions"),
    ("PSYCHIATRIC_HISTORY", "conditions"),
    ("IBD_HISTORY", "conditions"),
    # Mental health and sexual function
    ("PHQ9_MISSING", "mental_health"),
    ("PHQ9_SELF_HARM", "mental_health"),
    ("PHQ9_MODERATE_OR_WORSE", "mental_health"),
    ("PHQ9_RISE", "mental_health"),
    ("SEXUAL_FUNCTION_NOT_ASSESSED", "sexual_function"),
    # Laboratory results
    ("BASELINE_LABS_MISSING", "labs"),
    ("TG_SEVERE", "labs"),
    ("TG_HIGH", "labs"),
    ("LIVER_ENZYMES_SEVERE", "labs"),
    ("LIVER_ENZYMES_HIGH", "labs"),
    # Dose and supply
    ("DOSE_ABOVE_MAX", "dose"),
    ("DOSE_ABOVE_USUAL", "dose"),
    ("SUPPLY_TOO_LONG", "dose"),
    ("REFILLS_NOT_ALLOWED", "dose"),
    ("CUMULATIVE_ABOVE_TARGET", "dose"),
    ("RETREATMENT_TOO_SOON", "dose"),
    # Initiation paperwork
    ("INDICATION_NOT_CONFIRMED", "paperwork"),
    ("COUNSELLING_INCOMPLETE", "paperwork"),
    ("CONSENT_MISSING", "paperwork"),
    ("SECOND_PRESCRIBER_MISSING", "paperwork"),
)
CODES: tuple[str, ...] = tuple(code for code, _ in RULES)
TOPIC: dict[str, str] = dict(RULES)
ORDER: dict[str, int] = {code: i for i, code in enumerate(CODES)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One safety finding. `field` is the check-format path behind it ("labs",
    "medications[1]", "dose.mg_per_day") so the UI can jump to the question."""

    code: str
    severity: Severity
    message: str
    basis: str
    field: str


def sort_key(finding: Finding) -> tuple[int, int]:
    return SEVERITY_RANK[finding.severity], ORDER[finding.code]


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=sort_key))


def verdict_of(findings: Iterable[Finding]) -> Verdict:
    severities = {f.severity for f in findings}
    if "block" in severities:
        return "blocked"
    if "warn" in severities:
        return "needs-review"
    return "clear"


def join_names(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C' over the distinct names, in a stable order."""
    unique = sorted(set(names), key=lambda n: (n.casefold(), n))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]
