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
        out.append(ctx.say("BREASTFEEDING", "block", "BREASTFEEDING", "patient.breastfeeding"))
    if not ctx.potential:
        _reason(ctx, out)
    else:
        _tests(ctx, out)


def _pregnant(ctx: Ctx, out: list[Finding]) -> None:
    if ctx.visit.patient.pregnant:
        out.append(ctx.say("PREGNANT", "block", "PREGNANT", "patient.pregnant"))
        return
    days = ctx.profile.pregnancy.positive_test_days
    positives = [
        t for t in ctx.visit.pregnancy_tests
        if t.result == "positive" and 0 <= ctx.days_before(t.date) <= days
    ]  # fmt: skip
    if positives:
        newest = max(t.date for t in positives)
        out.append(ctx.say(
            "PREGNANT", "block", "PREGNANT_POSITIVE_TEST", "pregnancy_tests",
            date=ctx.date_text(newest), days=days,
        ))  # fmt: skip


def _reason(ctx: Ctx, out: list[Finding]) -> None:
    reason = ctx.visit.patient.potential_reason
    accepted = ctx.profile.pregnancy.accepted_potential_reasons
    if reason is not None and reason in accepted:
        return
    if reason is None:
        message = ctx.text("POTENTIAL_REASON_INVALID_NONE")
    else:
        known = ctx.catalog.codes.reasons.get(reason)
        label = known.label if known else reason
        message = ctx.text("POTENTIAL_REASON_INVALID", label=label, profile=ctx.profile.title)
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
        out.append(ctx.say("PREGNANCY_TEST_MISSING", "block", "PREGNANCY_TEST_MISSING", field))
        return
    in_window = [t for t in negatives if 0 <= ctx.days_before(t.date) <= window]
    if not in_window:
        newest = max(t.date for t in negatives)
        out.append(ctx.say(
            "PREGNANCY_TEST_STALE", "block", "PREGNANCY_TEST_STALE", field,
            date=ctx.date_text(newest), ago=ctx.days_before(newest), window=window,
        ))  # fmt: skip
        return
    qualifying = [t for t in in_window if accepted_setting(ctx, t)]
    if not qualifying:
        settings = ", ".join(sorted({_setting_text(ctx, t) for t in in_window}))
        out.append(ctx.say(
            "PREGNANCY_TEST_SETTING", "block", "PREGNANCY_TEST_SETTING", field,
            window=window, settings=settings, profile=ctx.profile.title,
        ))  # fmt: skip
        return
    if ctx.initiation and ctx.profile.pregnancy.second_test_required:
        _second_test(ctx, out, negatives, qualifying)


def _setting_text(ctx: Ctx, test: PregnancyTest) -> str:
    if test.setting == "home" and test.verification is None:
        return ctx.text("SETTING_home_unverified")
    return ctx.text(f"SETTING_{test.setting}")


def _second_test(
    ctx: Ctx, out: list[Finding], negatives: list[PregnancyTest], qualifying: list[PregnancyTest]
) -> None:
    gap = ctx.profile.pregnancy.second_test_gap_days
    newest = max(qualifying, key=lambda t: t.date)
    for test in negatives:
        other = test is not newest and accepted_setting(ctx, test)
        if other and (newest.date - test.date).days >= gap:
            return
    out.append(ctx.say(
        "SECOND_TEST_MISSING", "block", "SECOND_TEST_MISSING", "pregnancy_tests",
        gap=gap, date=ctx.date_text(newest.date),
    ))  # fmt: skip
