"""Mental health and sexual function: PHQ9_MISSING, PHQ9_SELF_HARM, PHQ9_MODERATE_OR_WORSE,
PHQ9_RISE and SEXUAL_FUNCTION_NOT_ASSESSED (docs/rules.md)."""

from __future__ import annotations

from isoface_desk.domain.findings import Finding
from isoface_desk.domain.rules.context import Ctx


def check(ctx: Ctx, out: list[Finding]) -> None:
    params = ctx.profile.mental_health
    score = ctx.phq9
    if score is None:
        if ctx.treating:
            out.append(
                ctx.say("PHQ9_MISSING", params.phq9_missing_severity, "PHQ9_MISSING", "phq9")
            )
    else:
        if score.item9 > 0:
            acted = ctx.visit.phq9_action is not None
            out.append(ctx.say(
                "PHQ9_SELF_HARM", "warn" if acted else "block",
                "PHQ9_SELF_HARM_ACTED" if acted else "PHQ9_SELF_HARM",
                "phq9_action" if not acted else "phq9", score=score.item9,
            ))  # fmt: skip
        if score.total >= params.phq9_moderate_total:
            band = ctx.text("PHQ9_BAND_" + score.band.replace(" ", "-"))
            out.append(ctx.say(
                "PHQ9_MODERATE_OR_WORSE", "warn", "PHQ9_MODERATE_OR_WORSE", "phq9",
                total=score.total, band=band,
            ))  # fmt: skip
        baseline = ctx.visit.phq9_baseline_total
        rise = None if baseline is None else score.total - baseline
        if not ctx.initiation and rise is not None and rise >= params.phq9_rise_points:
            out.append(ctx.say(
                "PHQ9_RISE", "warn", "PHQ9_RISE", "phq9_baseline_total",
                baseline=baseline, total=score.total,
            ))  # fmt: skip
    _sexual_function(ctx, out)


def _sexual_function(ctx: Ctx, out: list[Finding]) -> None:
    params = ctx.profile.mental_health
    if not params.sexual_function_required or ctx.visit.sexual_function_assessed:
        return
    if ctx.initiation:
        severity = params.sexual_function_initiation_severity
    elif ctx.follow_up:
        severity = params.sexual_function_follow_up_severity
    else:
        return
    out.append(ctx.say(
        "SEXUAL_FUNCTION_NOT_ASSESSED", severity, "SEXUAL_FUNCTION_NOT_ASSESSED",
        "sexual_function_assessed", profile=ctx.profile.title,
    ))  # fmt: skip
