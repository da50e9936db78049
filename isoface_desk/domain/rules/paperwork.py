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
        out.append(ctx.say(
            "INDICATION_NOT_CONFIRMED", "block", "INDICATION_NOT_CONFIRMED", "indication_confirmed"
        ))  # fmt: skip
    given = set(visit.counselling)
    required = required_counselling(ctx.profile, ctx.catalog, ctx.potential)
    missing = [c for c in required if c not in given]
    if missing:
        labels = {i.code: i.label for i in ctx.catalog.codes.counselling}
        out.append(ctx.say(
            "COUNSELLING_INCOMPLETE", "block", "COUNSELLING_INCOMPLETE", "counselling",
            items=", ".join(f"{labels[c]} ({c})" for c in missing),
        ))  # fmt: skip
    scope = ctx.profile.pregnancy.consent_required_for
    if (scope == "all" or ctx.potential) and not visit.consent_signed:
        out.append(ctx.say("CONSENT_MISSING", "block", "CONSENT_MISSING", "consent_signed"))
    params = ctx.profile.patient
    if (
        params.second_prescriber_required
        and ctx.age < params.second_prescriber_under_age
        and visit.second_prescriber is None
    ):
        out.append(ctx.say(
            "SECOND_PRESCRIBER_MISSING", "block", "SECOND_PRESCRIBER_MISSING", "second_prescriber",
            age=params.second_prescriber_under_age,
        ))  # fmt: skip
