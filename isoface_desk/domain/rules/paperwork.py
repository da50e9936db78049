"""Initiation paperwork: INDICATION_NOT_CONFIRMED, COUNSELLING_INCOMPLETE, CONSENT_MISSING
and SECOND_PRESCRIBER_MISSING (docs/rules.md, "Initiation paperwork")."""

from __future__ import annotations

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.findings import Finding
from isoface_desk.domain.profiles import Profile
from isoface_desk.domain.rules.context import Ctx


def required_counselling(profile: Profile, catalog: Catalog, potential: bool) -> tuple[str, ...]:
    """The counselling codes required at an initiation under `profile`, in catalog order."""
    params = profile.patient
    wanted = set(params.counselling_required)
    if potential:
        wanted.update(params.counselling_required_if_potential)
    return tuple(item.code for item in catalog.codes.counselling if item.code in wanted)


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
    required = required_counselling(ctx.profile, ctx.catalog, ctx.potential)
    missing = [c for c in required if c not in given]
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
