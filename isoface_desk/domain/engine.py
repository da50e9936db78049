"""The safety engine: one visit in, findings and a verdict out (docs/rules.md).

`evaluate(visit, catalog)` is pure and deterministic: the same visit gives the same
evaluation whatever the order of its list entries (findings name medicines in a sorted
order; only `Finding.field` points at the first matching entry as given).
`evaluation_to_dict` gives exactly the `isoface-check-result/1` output of docs/check-format.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from isoface_desk.domain.catalog import Catalog, resolve_profile
from isoface_desk.domain.dose import (
    TargetDate,
    cumulative_mg_per_kg,
    dates_reaching,
    mg_per_kg_day,
    round2,
)
from isoface_desk.domain.findings import Finding, Verdict, sorted_findings, verdict_of
from isoface_desk.domain.phq9 import Phq9Score, score_phq9
from isoface_desk.domain.rules import contraception, dose, labs, medicines, mental, paperwork
from isoface_desk.domain.rules import pregnancy as pregnancy_rules
from isoface_desk.domain.rules.context import Ctx
from isoface_desk.domain.visit import Visit, age_on

RESULT_FORMAT = "isoface-check-result/1"

#: The rule groups in the order of the tables of docs/rules.md.
RULE_GROUPS: tuple[Callable[[Ctx, list[Finding]], None], ...] = (
    pregnancy_rules.check,
    contraception.check,
    medicines.check,
    mental.check,
    labs.check,
    dose.check,
    paperwork.check,
)


@dataclass(frozen=True, slots=True)
class DoseFigures:
    """mg/kg/day of this prescription and the cumulative mg/kg after it (exact values are
    rounded to 2 decimals), with the dates the cumulative targets are reached."""

    mg_per_kg_day: float
    cumulative_mg_per_kg: float
    targets: tuple[TargetDate, ...]


@dataclass(frozen=True, slots=True)
class Evaluation:
    profile_id: str
    verdict: Verdict
    findings: tuple[Finding, ...]
    phq9: Phq9Score | None
    dose: DoseFigures | None

    def codes(self, severity: str | None = None) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings if severity in (None, f.severity))


def evaluate(visit: Visit, catalog: Catalog) -> Evaluation:
    """Apply every rule of the resolved profile to a validated visit."""
    profile = resolve_profile(catalog, visit.profile, visit.date)
    kind = visit.kind
    phq9 = score_phq9(visit.phq9) if visit.phq9 is not None else None
    matcher = catalog.medicines
    ctx = Ctx(
        visit=visit,
        profile=profile,
        catalog=catalog,
        day=visit.date,
        initiation=kind == "initiation",
        follow_up=kind == "follow-up",
        end_of_course=kind == "end-of-course",
        potential=visit.patient.pregnancy_potential,
        age=age_on(visit.patient.birth_date, visit.date),
        phq9=phq9,
        med_classes=tuple(
            frozenset() if m.route == "topical" else matcher.classes_of(m.name)
            for m in visit.medications
        ),
    )
    found: list[Finding] = []
    for group in RULE_GROUPS:
        group(ctx, found)
    findings = sorted_findings(found)
    return Evaluation(
        profile_id=profile.id,
        verdict=verdict_of(findings),
        findings=findings,
        phq9=phq9,
        dose=_dose_figures(ctx),
    )


def _dose_figures(ctx: Ctx) -> DoseFigures | None:
    d = ctx.visit.dose
    if ctx.end_of_course or d is None:
        return None
    weight = ctx.visit.patient.weight_kg
    cumulative = ctx.visit.course.cumulative_mg
    params = ctx.profile.dose
    return DoseFigures(
        mg_per_kg_day=round2(mg_per_kg_day(d.mg_per_day, weight)),
        cumulative_mg_per_kg=round2(
            cumulative_mg_per_kg(cumulative, d.mg_per_day, d.days_supply, weight)
        ),
        targets=dates_reaching(
            ctx.day,
            weight,
            d.mg_per_day,
            cumulative,
            (params.cumulative_lower_target_mg_per_kg, params.cumulative_target_mg_per_kg),
        ),
    )


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The `isoface-check-result/1` JSON object of docs/check-format.md."""
    phq9 = evaluation.phq9
    dose_figures = evaluation.dose
    return {
        "format": RESULT_FORMAT,
        "profile": evaluation.profile_id,
        "verdict": evaluation.verdict,
        "findings": [
            {"code": f.code, "severity": f.severity, "message": f.message}
            for f in evaluation.findings
        ],
        "phq9": None if phq9 is None else {"total": phq9.total, "band": phq9.band},
        "dose": None
        if dose_figures is None
        else {
            "mg_per_kg_day": dose_figures.mg_per_kg_day,
            "cumulative_mg_per_kg": dose_figures.cumulative_mg_per_kg,
        },
    }
