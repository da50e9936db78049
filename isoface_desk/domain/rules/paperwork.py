"""Initiation paperwork: INDICATION_NOT_CONFIRMED, COUNSELLING_INCOMPLETE, CONSENT_MISSING
and SECOND_PRESCRIBER_MISSING (safety-rules.md, "Initiation paperwork")."""

from __future__ import annotations

from isoface_desk.domain.findings import Finding
from isoface_desk.domain.rules.context import Ctx


def required_counselling(ctx: Ctx) -> tuple[str, ...]:
    """The counselling codes required at this initiation, in the catalog's order."""
    params = ctx.profile.patient
    wanted = set(params.counselling_required)
    if ctx.potential:
        wanted.update(params.counselling_required_if_potential)
    return tuple(item.code for item in ctx.catalog.codes.counselling if item.code in wanted)


def check(ctx: Ctx, out: list[Finding]) -> None:
    if not ctx.initiation:
        return
    visit = ctx.visit
    if not visit.indication_confirmed:
        out.append(ctx.finding(
            "INDICATION_NOT_CONFIRMED", "block",
            "The indication is not confirmed (severe or refractory acne, other treatment "
            "failed or unsuitable).",
            "indication_confirmed",
        ))  # fmt: skip
    given = set(visit.counselling)
    missing = [c for c in required_counselling(ctx) if c not in given]
    if missing:
        labels = {i.code: i.label for i in ctx.catalog.codes.counselling}
        out.append(ctx.finding(
            "COUNSELLING_INCOMPLETE", "block",
            "Counselling not recorded: " + ", ".join(f"{labels[c]} ({c})" for c in missing) + ".",
            "counselling",
        ))  # fmt: skip
    scope = ctx.profile.pregnancy.consent_required_for
    if (scope == "all" or ctx.potential) and not visit.consent_signed:
        out.append(ctx.finding(
            "CONSENT_MISSING", "block",
            "The signed acknowledgement of risk (consent) is missing.", "consent_signed",
        ))  # fmt: skip
    params = ctx.profile.patient
    if (
        params.second_prescriber_required
        and ctx.age < params.second_prescriber_under_age
        and visit.second_prescriber is None
    ):
        out.append(ctx.finding(
            "SECOND_PRESCRIBER_MISSING", "block",
            f"The patient is under {params.second_prescriber_under_age}: a second prescriber "
            "must agree with starting isotretinoin.",
            "second_prescriber",
        ))  # fmt: skip
