"""Pregnancy: PREGNANT, BREASTFEEDING, POTENTIAL_REASON_INVALID and the pregnancy tests
(docs/rules.md, "Pregnancy and pregnancy prevention").

Windows count whole days: the visit day is 0 and "within N days before" is 0..N, both
ends included. Only one of PREGNANCY_TEST_MISSING / _STALE / _SETTING fires.
"""

from __future__ import annotations

from isoface_desk.domain.findings import Finding
from isoface_desk.domain.rules.context import Ctx
from isoface_desk.domain.visit import PregnancyTest


def check(ctx: Ctx, out: list[Finding]) -> None:
    _pregnant(ctx, out)
    if not ctx.treating:
        return
    patient = ctx.visit.patient
    if patient.breastfeeding:
        out.append(ctx.finding(
            "BREASTFEEDING", "block",
            "The patient is breastfeeding: isotretinoin is contraindicated.",
            "patient.breastfeeding",
        ))  # fmt: skip
    if not ctx.potential:
        _reason(ctx, out)
    else:
        _tests(ctx, out)


def _pregnant(ctx: Ctx, out: list[Finding]) -> None:
    if ctx.visit.patient.pregnant:
        out.append(ctx.finding(
            "PREGNANT", "block", "The patient is pregnant: isotretinoin is contraindicated.",
            "patient.pregnant",
        ))  # fmt: skip
        return
    days = ctx.profile.pregnancy.positive_test_days
    positives = [
        t for t in ctx.visit.pregnancy_tests
        if t.result == "positive" and 0 <= ctx.days_before(t.date) <= days
    ]  # fmt: skip
    if positives:
        newest = max(t.date for t in positives)
        out.append(ctx.finding(
            "PREGNANT", "block",
            f"A positive pregnancy test dated {newest.isoformat()} (within {days} days before "
            "the visit): isotretinoin is contraindicated.",
            "pregnancy_tests",
        ))  # fmt: skip


def _reason(ctx: Ctx, out: list[Finding]) -> None:
    reason = ctx.visit.patient.potential_reason
    accepted = ctx.profile.pregnancy.accepted_potential_reasons
    if reason is not None and reason in accepted:
        return
    if reason is None:
        message = "The patient is recorded as unable to get pregnant without a reason."
    else:
        known = ctx.catalog.codes.reasons.get(reason)
        label = known.label if known else reason
        message = (
            f"The reason given for being unable to get pregnant ({label}) is not accepted "
            f"under {ctx.profile.title}: the patient stays in the 'can get pregnant' category."
        )
    out.append(
        ctx.finding("POTENTIAL_REASON_INVALID", "block", message, "patient.potential_reason")
    )


def accepted_setting(ctx: Ctx, test: PregnancyTest) -> bool:
    """The test's setting is accepted for this visit kind (a setting that needs
    verification, like a home test, only with a non-empty verification text)."""
    params = ctx.profile.pregnancy
    settings = params.initiation_test_settings if ctx.initiation else params.follow_up_test_settings
    if test.setting not in settings:
        return False
    return test.setting not in params.verified_test_settings or test.verification is not None


def _tests(ctx: Ctx, out: list[Finding]) -> None:
    window = ctx.profile.pregnancy.test_window_days
    negatives = [t for t in ctx.visit.pregnancy_tests if t.result == "negative"]
    field = "pregnancy_tests"
    if not negatives:
        out.append(ctx.finding(
            "PREGNANCY_TEST_MISSING", "block",
            "No negative pregnancy test is on record for a patient who can get pregnant.", field,
        ))  # fmt: skip
        return
    in_window = [t for t in negatives if 0 <= ctx.days_before(t.date) <= window]
    if not in_window:
        newest = max(t.date for t in negatives)
        out.append(ctx.finding(
            "PREGNANCY_TEST_STALE", "block",
            f"The newest negative pregnancy test ({newest.isoformat()}, "
            f"{ctx.days_before(newest)} days before the visit) is older than {window} days.",
            field,
        ))  # fmt: skip
        return
    qualifying = [t for t in in_window if accepted_setting(ctx, t)]
    if not qualifying:
        settings = ", ".join(sorted({_setting_text(t) for t in in_window}))
        out.append(ctx.finding(
            "PREGNANCY_TEST_SETTING", "block",
            f"The negative pregnancy tests within {window} days ({settings}) were not done in "
            f"a setting accepted for this visit under {ctx.profile.title}.",
            field,
        ))  # fmt: skip
        return
    if ctx.initiation and ctx.profile.pregnancy.second_test_required:
        _second_test(ctx, out, negatives, qualifying)


def _setting_text(test: PregnancyTest) -> str:
    if test.setting == "home" and test.verification is None:
        return "home, unverified"
    return test.setting


def _second_test(
    ctx: Ctx, out: list[Finding], negatives: list[PregnancyTest], qualifying: list[PregnancyTest]
) -> None:
    gap = ctx.profile.pregnancy.second_test_gap_days
    newest = max(qualifying, key=lambda t: t.date)
    for test in negatives:
        other = test is not newest and accepted_setting(ctx, test)
        if other and (newest.date - test.date).days >= gap:
            return
    out.append(ctx.finding(
        "SECOND_TEST_MISSING", "block",
        f"A second negative pregnancy test at least {gap} days before the one of "
        f"{newest.date.isoformat()} is needed before starting.",
        "pregnancy_tests",
    ))  # fmt: skip
