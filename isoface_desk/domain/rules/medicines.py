"""Medicines, allergies, conditions and age (docs/rules.md, "Medicines, allergies,
conditions").

Several matching medicines give one finding per code, naming them all, at the worst
severity. A medicine with route `topical` matches no class (ctx.med_classes is empty).
"""

from __future__ import annotations

from decimal import Decimal

from isoface_desk.domain.dose import exact
from isoface_desk.domain.findings import Finding, join_names
from isoface_desk.domain.profiles import Severity
from isoface_desk.domain.rules.context import Ctx

#: Medicine class -> (finding code, severity); VITAMIN_A may drop to warn (see below).
CLASS_FINDINGS: tuple[tuple[str, str, Severity], ...] = (
    ("tetracycline", "TETRACYCLINE", "block"),
    ("other-retinoid", "OTHER_RETINOID", "block"),
    ("vitamin-a", "VITAMIN_A", "block"),
    ("corticosteroid-systemic", "CORTICOSTEROID_SYSTEMIC", "warn"),
    ("anticonvulsant-bone", "ANTICONVULSANT_BONE", "warn"),
    ("hepatotoxic", "HEPATOTOXIC", "warn"),
)
#: Finding code -> (severity, conditions that give it, what the message says).
CONDITION_FINDINGS: tuple[tuple[str, Severity, tuple[str, ...], str], ...] = (
    ("HEPATIC_INSUFFICIENCY", "block", ("hepatic-insufficiency",),
     "isotretinoin is contraindicated"),
    ("HYPERVITAMINOSIS_A", "block", ("hypervitaminosis-a",), "isotretinoin is contraindicated"),
    ("HYPERLIPIDAEMIA", "warn", ("hyperlipidaemia",), "monitor lipids closely"),
    ("PSYCHIATRIC_HISTORY", "warn",
     ("depression-history", "psychosis-history", "self-harm-history"),
     "monitor mood closely and involve mental-health care"),
    ("IBD_HISTORY", "warn", ("inflammatory-bowel-disease",),
     "isotretinoin has been associated with inflammatory bowel disease"),
)  # fmt: skip


def check(ctx: Ctx, out: list[Finding]) -> None:
    if not ctx.treating:
        return
    for class_id, code, severity in CLASS_FINDINGS:
        _medicine_class(ctx, out, class_id, code, severity)
    _allergies(ctx, out)
    _conditions(ctx, out, CONDITION_FINDINGS[:2])
    min_age = ctx.profile.patient.min_age_years
    if ctx.age < min_age:
        out.append(ctx.finding(
            "AGE_UNDER_12", "block",
            f"The patient is {ctx.age} years old: isotretinoin is not for patients under "
            f"{min_age}.",
            "patient.birth_date",
        ))  # fmt: skip
    _conditions(ctx, out, CONDITION_FINDINGS[2:])


def _medicine_class(
    ctx: Ctx, out: list[Finding], class_id: str, code: str, severity: Severity
) -> None:
    indexes = [i for i, classes in enumerate(ctx.med_classes) if class_id in classes]
    if not indexes:
        return
    meds = [ctx.visit.medications[i] for i in indexes]
    med_class = ctx.catalog.medicine_class(class_id)
    names = join_names(m.name for m in meds)
    verb = "is" if len({m.name for m in meds}) == 1 else "are each"
    extra = ""
    if class_id == "vitamin-a":
        doses = [m.daily_iu for m in meds]
        limit = ctx.profile.dose.vitamin_a_warn_max_daily_iu
        if all(d is not None for d in doses):
            total = sum((exact(d) for d in doses if d is not None), Decimal(0))
            extra = f" ({total.normalize():,f} IU a day in total)"
            if total <= exact(limit):
                severity = "warn"
        else:
            extra = " (daily IU not given)"
    out.append(ctx.finding(
        code, severity, f"{names}{extra} {verb} {med_class.label}: {med_class.risk}.",
        f"medications[{indexes[0]}]",
    ))  # fmt: skip


def _allergies(ctx: Ctx, out: list[Finding]) -> None:
    allergies = ctx.catalog.codes.allergies
    patient = ctx.visit.patient
    contra = [
        allergies[a].label for a in patient.allergies if allergies[a].contraindicates_isotretinoin
    ]
    if contra:
        out.append(ctx.finding(
            "ALLERGY_ISOTRETINOIN", "block",
            f"Allergy to {join_names(contra)}: isotretinoin is contraindicated.",
            "patient.allergies",
        ))  # fmt: skip
    product = ctx.visit.product
    if product is None:
        return
    present = set(product.excipients)
    pairs = []
    for allergy in sorted(set(patient.allergies)):
        hits = present.intersection(allergies[allergy].excipients)
        if hits:
            pairs.append(f"{allergies[allergy].label} allergy ({', '.join(sorted(hits))})")
    if pairs:
        out.append(ctx.finding(
            "ALLERGY_EXCIPIENT", "block",
            f"{product.name} contains an excipient the patient is allergic to: "
            f"{'; '.join(pairs)}.",
            "product.excipients",
        ))  # fmt: skip


def _conditions(
    ctx: Ctx, out: list[Finding], rules: tuple[tuple[str, Severity, tuple[str, ...], str], ...]
) -> None:
    present = set(ctx.visit.patient.conditions)
    conditions = ctx.catalog.codes.conditions
    for code, severity, codes, advice in rules:
        found = [conditions[c].label for c in codes if c in present]
        if found:
            out.append(ctx.finding(
                code, severity, f"{join_names(found)}: {advice}.", "patient.conditions"
            ))  # fmt: skip
