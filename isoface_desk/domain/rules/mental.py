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
            out.append(ctx.finding(
                "PHQ9_MISSING", params.phq9_missing_severity,
                "No PHQ-9 answers are recorded for this visit.", "phq9",
            ))  # fmt: skip
    else:
        if score.item9 > 0:
            acted = ctx.visit.phq9_action is not None
            out.append(ctx.finding(
                "PHQ9_SELF_HARM", "warn" if acted else "block",
                f"PHQ-9 item 9 (thoughts of self-harm) scored {score.item9}: "
                + ("the action recorded must be reviewed." if acted
                   else "assess the risk the same day and record the action taken."),
                "phq9_action" if not acted else "phq9",
            ))  # fmt: skip
        if score.total >= params.phq9_moderate_total:
            out.append(ctx.finding(
                "PHQ9_MODERATE_OR_WORSE", "warn",
                f"PHQ-9 total {score.total} ({score.band}): review mood before prescribing.",
                "phq9",
            ))  # fmt: skip
        baseline = ctx.visit.phq9_baseline_total
        rise = None if baseline is None else score.total - baseline
        if not ctx.initiation and rise is not None and rise >= params.phq9_rise_points:
            out.append(ctx.finding(
                "PHQ9_RISE", "warn",
                f"PHQ-9 total rose from {baseline} at baseline to {score.total}.",
                "phq9_baseline_total",
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
    out.append(ctx.finding(
        "SEXUAL_FUNCTION_NOT_ASSESSED", severity,
        f"Sexual function has not been assessed, as {ctx.profile.title} requires.",
        "sexual_function_assessed",
    ))  # fmt: skip
