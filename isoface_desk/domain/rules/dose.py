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
    per_kg = ctx.text("DOSE_PER_KG", mg=ctx.num(dose.mg_per_day), weight=ctx.num(weight))
    if above(dose.mg_per_day, weight, params.max_mg_per_kg_day):
        out.append(ctx.say(
            "DOSE_ABOVE_MAX", "block", "DOSE_ABOVE_MAX", "dose.mg_per_day",
            dose=per_kg, max=ctx.num(params.max_mg_per_kg_day),
        ))  # fmt: skip
    elif above(dose.mg_per_day, weight, params.usual_max_mg_per_kg_day):
        out.append(ctx.say(
            "DOSE_ABOVE_USUAL", "warn", "DOSE_ABOVE_USUAL", "dose.mg_per_day",
            dose=per_kg, max=ctx.num(params.usual_max_mg_per_kg_day),
        ))  # fmt: skip
    if dose.days_supply > params.max_days_supply:
        out.append(ctx.say(
            "SUPPLY_TOO_LONG", "block", "SUPPLY_TOO_LONG", "dose.days_supply",
            days=dose.days_supply, max=params.max_days_supply,
        ))  # fmt: skip
    if dose.refills > params.max_refills:
        out.append(ctx.say(
            "REFILLS_NOT_ALLOWED", "block", "REFILLS_NOT_ALLOWED", "dose.refills",
            refills=dose.refills,
        ))  # fmt: skip
    course = ctx.visit.course
    target = params.cumulative_target_mg_per_kg
    if cumulative_above(course.cumulative_mg, dose.mg_per_day, dose.days_supply, weight, target):
        total = cumulative_mg_per_kg(
            course.cumulative_mg, dose.mg_per_day, dose.days_supply, weight
        )
        out.append(ctx.say(
            "CUMULATIVE_ABOVE_TARGET", "warn", "CUMULATIVE_ABOVE_TARGET", "course.cumulative_mg",
            total=ctx.num(round2(total)), target=ctx.num(target),
        ))  # fmt: skip
    _retreatment(ctx, out)


def _retreatment(ctx: Ctx, out: list[Finding]) -> None:
    end = ctx.visit.course.previous_course_end
    days = ctx.profile.dose.retreatment_min_days
    if ctx.initiation and end is not None and ctx.days_before(end) < days:
        out.append(ctx.say(
            "RETREATMENT_TOO_SOON", "warn", "RETREATMENT_TOO_SOON", "course.previous_course_end",
            date=ctx.date_text(end), ago=ctx.days_before(end), days=days,
        ))  # fmt: skip
