"""Contraception: CONTRACEPTION_MISSING / _INSUFFICIENT / _TOO_RECENT (only one fires),
ST_JOHNS_WORT_HORMONAL and CONTRACEPTION_SINGLE_METHOD (docs/rules.md, "Contraception
rules").

Methods count by distinct code; `never-counts` methods (the progestogen-only pill) are
ignored when judging sufficiency. A no-risk agreement counts only under the EU and UK
rules, an abstinence commitment only under the US rule.
"""

from __future__ import annotations

from collections.abc import Set

from isoface_desk.domain.findings import Finding, join_names
from isoface_desk.domain.rules.context import Ctx

_PRIMARY = frozenset({"user-independent", "user-dependent-hormonal"})


def check(ctx: Ctx, out: list[Finding]) -> None:
    if not ctx.treating:
        return
    if ctx.potential:
        _sufficiency(ctx, out)
    _st_johns_wort(ctx, out)
    if ctx.potential and ctx.profile.pregnancy.contraception_rule == "EU":
        _single_method(ctx, out)


def _classes(ctx: Ctx, codes: Set[str]) -> dict[str, str]:
    """Code -> class of the given codes that count (never-counts dropped)."""
    defs = ctx.catalog.codes.methods
    return {c: defs[c].method_class for c in codes if defs[c].method_class != "never-counts"}


def sufficient(ctx: Ctx, codes: Set[str]) -> bool:
    """Whether the counting methods `codes` (plus the visit's abstinence commitment and
    no-risk agreement) satisfy the profile's contraception rule."""
    contraception = ctx.visit.contraception
    classes = set(_classes(ctx, codes).values())
    rule = ctx.profile.pregnancy.contraception_rule
    if rule == "US":
        counted = len(_classes(ctx, codes))
        return contraception.abstinence_commitment or (counted >= 2 and bool(classes & _PRIMARY))
    if contraception.no_risk_agreement is not None:
        return True
    if rule == "EU":
        return bool(classes & _PRIMARY)
    return "user-independent" in classes or (
        "user-dependent-hormonal" in classes and "barrier" in classes
    )


def _sufficiency(ctx: Ctx, out: list[Finding]) -> None:
    contraception = ctx.visit.contraception
    codes = {m.code for m in contraception.methods}
    given = (
        bool(_classes(ctx, codes))
        or contraception.abstinence_commitment
        or contraception.no_risk_agreement is not None
    )
    rule = ctx.profile.pregnancy.contraception_rule
    if not given:
        out.append(ctx.finding(
            "CONTRACEPTION_MISSING", "block",
            "No contraception is recorded for a patient who can get pregnant.", "contraception",
        ))  # fmt: skip
    elif not sufficient(ctx, codes):
        out.append(ctx.finding(
            "CONTRACEPTION_INSUFFICIENT", "block",
            f"The contraception recorded is not sufficient under the {rule} rule of "
            f"{ctx.profile.title}.",
            "contraception.methods",
        ))  # fmt: skip
    elif ctx.initiation:
        days = ctx.profile.pregnancy.contraception_start_days
        started = {m.code for m in contraception.methods if ctx.days_before(m.start_date) >= days}
        if not sufficient(ctx, started):
            out.append(ctx.finding(
                "CONTRACEPTION_TOO_RECENT", "block",
                f"Contraception must have been in use for at least {days} days before "
                "starting isotretinoin.",
                "contraception.methods",
            ))  # fmt: skip


def _st_johns_wort(ctx: Ctx, out: list[Finding]) -> None:
    meds = ctx.visit.medications
    matching = [i for i, classes in enumerate(ctx.med_classes) if "st-johns-wort" in classes]
    if not matching:
        return
    defs = ctx.catalog.codes.methods
    hormonal = [m.code for m in ctx.visit.contraception.methods if defs[m.code].hormonal]
    if not hormonal:
        return
    sjw = ctx.catalog.medicine_class("st-johns-wort")
    labels = join_names(defs[c].label for c in hormonal)
    out.append(ctx.finding(
        "ST_JOHNS_WORT_HORMONAL", "block",
        f"{join_names(meds[i].name for i in matching)} ({sjw.label}) with hormonal "
        f"contraception ({labels}): {sjw.risk}.",
        f"medications[{matching[0]}]",
    ))  # fmt: skip


def _single_method(ctx: Ctx, out: list[Finding]) -> None:
    contraception = ctx.visit.contraception
    classes = _classes(ctx, {m.code for m in contraception.methods})
    primary = [c for c, k in classes.items() if k in _PRIMARY]
    barrier = [c for c, k in classes.items() if k == "barrier"]
    if len(primary) == 1 and not barrier and contraception.no_risk_agreement is None:
        label = ctx.catalog.codes.methods[primary[0]].label
        out.append(ctx.finding(
            "CONTRACEPTION_SINGLE_METHOD", "warn",
            f"Contraception rests on one method only ({label}); consider adding a barrier "
            "method.",
            "contraception.methods",
        ))  # fmt: skip
