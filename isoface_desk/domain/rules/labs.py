"""Laboratory results: BASELINE_LABS_MISSING, TG_SEVERE, TG_HIGH, LIVER_ENZYMES_SEVERE and
LIVER_ENZYMES_HIGH (docs/rules.md, "Laboratory results").

The latest result of each test dated on or before the visit counts; of two results on
that latest date, the worse one (the higher TG; the higher ALT/AST as a multiple of its
ULN). Comparisons are exact in decimal: TG in mg/dL is compared with the threshold times
the conversion factor instead of being divided.
"""

from __future__ import annotations

from decimal import Decimal

from isoface_desk.domain.dose import exact
from isoface_desk.domain.findings import Finding
from isoface_desk.domain.rules.context import Ctx
from isoface_desk.domain.visit import LabResult


def latest(ctx: Ctx, test: str) -> LabResult | None:
    """The result of `test` that counts for this visit, or None."""
    results = [lab for lab in ctx.visit.labs if lab.test == test and lab.date <= ctx.day]
    if not results:
        return None
    newest = max(lab.date for lab in results)
    same_day = [lab for lab in results if lab.date == newest]
    if test == "TG":
        factor = exact(ctx.profile.labs.tg_mg_dl_per_mmol_l)
        return max(same_day, key=lambda lab: _tg_mg_dl(lab, factor))
    return max(same_day, key=_uln_multiple)


def _tg_mg_dl(lab: LabResult, factor: Decimal) -> Decimal:
    value = exact(lab.value)
    return value if lab.unit == "mg/dL" else value * factor


def _uln_multiple(lab: LabResult) -> Decimal:
    return exact(lab.value) / exact(lab.uln or 1.0)


def check(ctx: Ctx, out: list[Finding]) -> None:
    if ctx.initiation:
        _baseline(ctx, out)
    if not ctx.treating:
        return
    _triglycerides(ctx, out)
    _liver(ctx, out)


def _baseline(ctx: Ctx, out: list[Finding]) -> None:
    days = ctx.profile.labs.baseline_days
    recent = {lab.test for lab in ctx.visit.labs if 0 <= ctx.days_before(lab.date) <= days}
    missing = []
    if not recent & {"ALT", "AST"}:
        missing.append("ALT or AST")
    if "TG" not in recent:
        missing.append("triglycerides")
    if missing:
        out.append(ctx.finding(
            "BASELINE_LABS_MISSING", "block",
            f"No {' and no '.join(missing)} result within {days} days before starting.", "labs",
        ))  # fmt: skip


def _triglycerides(ctx: Ctx, out: list[Finding]) -> None:
    lab = latest(ctx, "TG")
    if lab is None:
        return
    params = ctx.profile.labs
    factor = exact(params.tg_mg_dl_per_mmol_l)
    value = _tg_mg_dl(lab, factor)
    shown = f"{lab.value:g} {lab.unit}"
    if lab.unit == "mg/dL":
        shown += f" = {float(exact(lab.value) / factor):.2f} mmol/L"
    where = f"Latest triglycerides {shown} ({lab.date.isoformat()})"
    if value >= exact(params.tg_severe_mmol_l) * factor:
        out.append(ctx.finding(
            "TG_SEVERE", "block",
            f"{where}: {params.tg_severe_mmol_l:g} mmol/L or more, risk of pancreatitis.", "labs",
        ))  # fmt: skip
    elif value > exact(params.tg_high_mmol_l) * factor:
        out.append(ctx.finding(
            "TG_HIGH", "warn", f"{where}: above {params.tg_high_mmol_l:g} mmol/L.", "labs"
        ))  # fmt: skip


def _liver(ctx: Ctx, out: list[Finding]) -> None:
    multiple = exact(ctx.profile.labs.liver_severe_uln_multiple)
    severe: list[str] = []
    high: list[str] = []
    for test in ("ALT", "AST"):
        lab = latest(ctx, test)
        if lab is None or lab.uln is None:
            continue
        value, uln = exact(lab.value), exact(lab.uln)
        text = f"{test} {lab.value:g} U/L (ULN {lab.uln:g}, {lab.date.isoformat()})"
        if value > multiple * uln:
            severe.append(text)
        elif value > uln:
            high.append(text)
    if severe:
        out.append(ctx.finding(
            "LIVER_ENZYMES_SEVERE", "block",
            f"Latest {' and '.join(severe)} above {multiple:g} times the upper limit of normal.",
            "labs",
        ))  # fmt: skip
    elif high:
        out.append(ctx.finding(
            "LIVER_ENZYMES_HIGH", "warn",
            f"Latest {' and '.join(high)} above the upper limit of normal.", "labs",
        ))  # fmt: skip
