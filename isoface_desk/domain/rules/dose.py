"""Dose and supply: DOSE_ABOVE_MAX, DOSE_ABOVE_USUAL, SUPPLY_TOO_LONG, REFILLS_NOT_ALLOWED,
CUMULATIVE_ABOVE_TARGET and RETREATMENT_TOO_SOON (docs/rules.md, "Dose and supply").
Thresholds are decided exactly (domain/dose.py)."""

from __future__ import annotations

from isoface_desk.domain.dose import above, cumulative_above, cumulative_mg_per_kg, round2
from isoface_desk.domain.findings import Finding
from isoface_desk.domain.rules.context import Ctx


def check(ctx: Ctx, out: list[Finding]) -> None:
    dose = ctx.visit.dose
    if not ctx.treating or dose is None:
        return
    params = ctx.profile.dose
    weight = ctx.visit.patient.weight_kg
    per_kg = f"{dose.mg_per_day:g} mg/day for {weight:g} kg"
    if above(dose.mg_per_day, weight, params.max_mg_per_kg_day):
        out.append(ctx.finding(
            "DOSE_ABOVE_MAX", "block",
            f"{per_kg} is above {params.max_mg_per_kg_day:g} mg/kg/day.", "dose.mg_per_day",
        ))  # fmt: skip
    elif above(dose.mg_per_day, weight, params.usual_max_mg_per_kg_day):
        out.append(ctx.finding(
            "DOSE_ABOVE_USUAL", "warn",
            f"{per_kg} is above the usual {params.usual_max_mg_per_kg_day:g} mg/kg/day.",
            "dose.mg_per_day",
        ))  # fmt: skip
    if dose.days_supply > params.max_days_supply:
        out.append(ctx.finding(
            "SUPPLY_TOO_LONG", "block",
            f"A supply of {dose.days_supply} days is longer than {params.max_days_supply} days.",
            "dose.days_supply",
        ))  # fmt: skip
    if dose.refills > params.max_refills:
        out.append(ctx.finding(
            "REFILLS_NOT_ALLOWED", "block",
            f"{dose.refills} refills: isotretinoin is prescribed without refills.", "dose.refills",
        ))  # fmt: skip
    course = ctx.visit.course
    target = params.cumulative_target_mg_per_kg
    if cumulative_above(course.cumulative_mg, dose.mg_per_day, dose.days_supply, weight, target):
        total = cumulative_mg_per_kg(
            course.cumulative_mg, dose.mg_per_day, dose.days_supply, weight
        )
        out.append(ctx.finding(
            "CUMULATIVE_ABOVE_TARGET", "warn",
            f"The cumulative dose after this prescription, {round2(total):g} mg/kg, is above "
            f"{target:g} mg/kg.",
            "course.cumulative_mg",
        ))  # fmt: skip
    _retreatment(ctx, out)


def _retreatment(ctx: Ctx, out: list[Finding]) -> None:
    end = ctx.visit.course.previous_course_end
    days = ctx.profile.dose.retreatment_min_days
    if ctx.initiation and end is not None and ctx.days_before(end) < days:
        out.append(ctx.finding(
            "RETREATMENT_TOO_SOON", "warn",
            f"The previous course ended on {end.isoformat()}, {ctx.days_before(end)} days ago: "
            f"less than {days} days.",
            "course.previous_course_end",
        ))  # fmt: skip
