"""What each safety rule checks, in words a clinic's governance lead can read.

One `RuleDoc` per finding code, in the order of findings.RULES, grouped in the sections of
the rules reference (docs/rules.md, written by domain/rules_doc.py). The words are here;
every number, list and basis text comes from the loaded catalog, so the reference says
exactly what forms/ makes the engine enforce. Severities of the medicine and condition
rules are read from the rule modules themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.profiles import Profile
from isoface_desk.domain.rules.medicines import CLASS_FINDINGS, CONDITION_FINDINGS

I_F_E = "initiation, follow-up and end-of-course visits"
I_F = "initiation and follow-up visits"
I_ONLY = "initiation visits"
F_E = "follow-up and end-of-course visits"
POTENTIAL = "patients who can get pregnant"


@dataclass(frozen=True, slots=True)
class Number:
    """One column of a rule's per-profile table: a header and the profile's value."""

    header: str
    value: Callable[[Profile], str]


@dataclass(frozen=True, slots=True)
class OnlyIf:
    """A rule that some profiles switch off: why, and whether a profile enforces it."""

    reason: str
    enforced: Callable[[Profile], bool]


@dataclass(frozen=True, slots=True)
class RuleDoc:
    code: str
    severity: str
    applies: str
    when: str
    who: str = "every patient"
    numbers: tuple[Number, ...] = ()
    only_if: OnlyIf | None = None
    #: Extra Markdown lines built from the catalog (name lists, matrices).
    details: Callable[[Catalog], list[str]] | None = None


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    intro: str
    basis_topics: tuple[str, ...]
    rules: tuple[RuleDoc, ...]


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def num(value: float) -> str:
    return f"{value:,g}"


def codes(values: tuple[str, ...] | frozenset[str]) -> str:
    return ", ".join(f"`{v}`" for v in sorted(values)) or "none"


def names_line(label: str, names: tuple[str, ...]) -> list[str]:
    return ["", f"{label}: " + ", ".join(names) + "."]


def method_classes(catalog: Catalog) -> list[str]:
    """The contraception methods by class, as a Markdown table."""
    order = ("user-independent", "user-dependent-hormonal", "barrier", "never-counts")
    lines = ["", "| method class | methods | hormonal |", "|---|---|---|"]
    methods = catalog.codes.methods.values()
    for klass in order:
        for m in (m for m in methods if m.method_class == klass):
            lines.append(f"| {klass} | {m.label} (`{m.code}`) | {yes_no(m.hormonal)} |")
    return lines


def _never_counts(catalog: Catalog) -> list[str]:
    labels = [m.label for m in catalog.codes.methods.values() if m.method_class == "never-counts"]
    return names_line("Methods that never count", tuple(labels))


def _reasons(catalog: Catalog) -> list[str]:
    profiles = ordered_profiles(catalog)
    lines = ["", "| reason | " + " | ".join(p.id for p in profiles) + " |"]
    lines.append("|---|" + "---|" * len(profiles))
    for reason in catalog.codes.reasons.values():
        cells = [yes_no(reason.code in p.pregnancy.accepted_potential_reasons) for p in profiles]
        lines.append(f"| {reason.label} (`{reason.code}`) | " + " | ".join(cells) + " |")
    return lines


def _class_names(class_id: str) -> Callable[[Catalog], list[str]]:
    def details(catalog: Catalog) -> list[str]:
        med = catalog.medicine_class(class_id)
        names = names_line(f"Names counted as {med.label}", med.names)
        return [*names, "", f"Risk named in the finding: {med.risk}."]

    return details


def _st_johns_wort(catalog: Catalog) -> list[str]:
    hormonal = tuple(m.label for m in catalog.codes.methods.values() if m.hormonal)
    names = catalog.medicine_class("st-johns-wort").names
    return names_line("Names that match", names) + names_line("Hormonal methods", hormonal)


def _contra_allergies(catalog: Catalog) -> list[str]:
    allergies = catalog.codes.allergies.values()
    found = tuple(f"{a.label} (`{a.code}`)" for a in allergies if a.contraindicates_isotretinoin)
    return names_line("Allergies that contraindicate isotretinoin", found)


def _excipient_allergies(catalog: Catalog) -> list[str]:
    lines = ["", "| allergy | product excipients that give the finding |", "|---|---|"]
    for a in catalog.codes.allergies.values():
        if a.excipients:
            lines.append(f"| {a.label} (`{a.code}`) | {codes(a.excipients)} |")
    return lines


def _conditions(condition_codes: tuple[str, ...]) -> Callable[[Catalog], list[str]]:
    def details(catalog: Catalog) -> list[str]:
        known = catalog.codes.conditions
        labels = tuple(f"{known[c].label} (`{c}`)" if c in known else f"`{c}`"
                       for c in condition_codes)  # fmt: skip
        return names_line("Conditions that give it", labels)

    return details


def _counselling(catalog: Catalog) -> list[str]:
    profiles = ordered_profiles(catalog)
    lines = ["", "| counselling item | " + " | ".join(p.id for p in profiles) + " |"]
    lines.append("|---|" + "---|" * len(profiles))
    for item in catalog.codes.counselling:
        cells = [_required_for(p, item.code) for p in profiles]
        lines.append(f"| {item.label} (`{item.code}`) | " + " | ".join(cells) + " |")
    legend = (
        "*all*: required for every patient; *can get pregnant*: required only for patients "
        "who can get pregnant; *-*: not required."
    )
    return [*lines, "", legend]


def _required_for(profile: Profile, code: str) -> str:
    if code in profile.patient.counselling_required:
        return "all"
    if code in profile.patient.counselling_required_if_potential:
        return "can get pregnant"
    return "-"


def ordered_profiles(catalog: Catalog) -> tuple[Profile, ...]:
    """Every profile, family by family (alphabetical), oldest version first."""
    return tuple(p for versions in catalog.families.values() for p in versions)


def _pregnancy() -> Section:
    return Section(
        title="Pregnancy and pregnancy prevention",
        intro=(
            "Time windows count whole days: the visit day is day 0, and \"within N days "
            "before the visit\" takes in day 0 and day N alike. For one visit at most one of "
            "PREGNANCY_TEST_MISSING, PREGNANCY_TEST_STALE and PREGNANCY_TEST_SETTING is "
            "given, and at most one of CONTRACEPTION_MISSING, CONTRACEPTION_INSUFFICIENT and "
            "CONTRACEPTION_TOO_RECENT."
        ),
        basis_topics=("pregnancy", "contraception"),
        rules=(
            RuleDoc(
                "PREGNANT", "block", I_F_E,
                "The patient is recorded as pregnant, or any pregnancy test dated within the "
                "window below is positive, even when a newer test is negative.",
                numbers=(Number("positive test counts for (days)",
                                lambda x: str(x.pregnancy.positive_test_days)),),
            ),
            RuleDoc("BREASTFEEDING", "block", I_F, "The patient is recorded as breastfeeding."),
            RuleDoc(
                "POTENTIAL_REASON_INVALID", "block", I_F,
                "The patient is recorded as unable to get pregnant, but no reason is given or "
                "the reason is not one the profile accepts. The patient then stays in the "
                "'can get pregnant' category.",
                who="patients recorded as unable to get pregnant",
                details=_reasons,
            ),
            RuleDoc(
                "PREGNANCY_TEST_MISSING", "block", I_F,
                "No negative pregnancy test is on record at all.", who=POTENTIAL,
            ),
            RuleDoc(
                "PREGNANCY_TEST_STALE", "block", I_F,
                "Negative tests are on record, but the newest is older than the test window.",
                who=POTENTIAL,
                numbers=(Number("test window (days)",
                                lambda x: str(x.pregnancy.test_window_days)),),
            ),
            RuleDoc(
                "PREGNANCY_TEST_SETTING", "block", I_F,
                "Negative tests lie inside the window, but none was done in a setting the "
                "profile accepts for this kind of visit. A setting that needs verification "
                "(a home test) counts only when the visit records who checked the result "
                "and how.",
                who=POTENTIAL,
                numbers=(
                    Number("accepted at initiation",
                           lambda x: codes(x.pregnancy.initiation_test_settings)),
                    Number("accepted at follow-up",
                           lambda x: codes(x.pregnancy.follow_up_test_settings)),
                    Number("needs verification",
                           lambda x: codes(x.pregnancy.verified_test_settings)),
                ),
            ),
            RuleDoc(
                "SECOND_TEST_MISSING", "block", I_ONLY,
                "A qualifying negative test (inside the window, accepted setting) is on "
                "record, but no other negative test in an accepted setting is dated at least "
                "the gap below before it. The earlier test may be of any age.",
                who=POTENTIAL,
                only_if=OnlyIf("the profile requires a second test",
                               lambda x: x.pregnancy.second_test_required),
                numbers=(Number("gap between the tests (days)",
                                lambda x: str(x.pregnancy.second_test_gap_days)),),
            ),
            RuleDoc(
                "CONTRACEPTION_MISSING", "block", I_F,
                "Nothing that counts is recorded: no contraception method (other than one that "
                "never counts), no abstinence commitment and no no-risk agreement.",
                who=POTENTIAL, details=_never_counts,
            ),
            RuleDoc(
                "CONTRACEPTION_INSUFFICIENT", "block", I_F,
                "Something is recorded, but it is not enough under the profile's contraception "
                "rule (see \"Contraception rules\" above). A no-risk agreement counts only "
                "under the EU and UK rules, an abstinence commitment only under the US rule.",
                who=POTENTIAL,
                numbers=(Number("contraception rule",
                                lambda x: x.pregnancy.contraception_rule),),
            ),
            RuleDoc(
                "CONTRACEPTION_TOO_RECENT", "block", I_ONLY,
                "What is recorded is enough, but not when only the methods started at least "
                "the number of days below before the visit are counted. Abstinence "
                "commitments and no-risk agreements have no start date and are not affected.",
                who=POTENTIAL,
                numbers=(Number("method started at least (days before)",
                                lambda x: str(x.pregnancy.contraception_start_days)),),
            ),
            RuleDoc(
                "ST_JOHNS_WORT_HORMONAL", "block", I_F,
                "A medication matches St John's wort and a hormonal contraception method is "
                "recorded: St John's wort can make hormonal contraception fail.",
                details=_st_johns_wort,
            ),
            RuleDoc(
                "CONTRACEPTION_SINGLE_METHOD", "warn", I_F,
                "Contraception is enough through exactly one method (user-independent or "
                "hormonal, counted by distinct method), with no barrier method and no no-risk "
                "agreement beside it. A method that never counts is not a second method.",
                who=POTENTIAL,
                only_if=OnlyIf("the profile's contraception rule is EU",
                               lambda x: x.pregnancy.contraception_rule == "EU"),
            ),
        ),
    )  # fmt: skip


def _medicines() -> Section:
    severity = {code: sev for _, code, sev in CLASS_FINDINGS}
    condition = {code: (sev, conds) for code, sev, conds, _ in CONDITION_FINDINGS}

    def med(code: str, class_id: str, when: str = "") -> RuleDoc:
        text = when or "A medication matches the list below."
        return RuleDoc(code, severity[code], I_F, text, details=_class_names(class_id))

    def cond(code: str) -> RuleDoc:
        sev, conds = condition[code]
        return RuleDoc(code, sev, I_F, "The patient has one of the conditions below.",
                       details=_conditions(conds))  # fmt: skip

    return Section(
        title="Medicines, allergies and conditions",
        intro=(
            "Medication names are matched by whole words, ignoring case, punctuation and the "
            "kind of apostrophe, against the name lists of forms/medicines (so "
            "\"multivitamin\" is not \"vitamin A\"). A medicine given by the topical route "
            "matches no list. Several matching medicines give one finding per code, naming "
            "them all."
        ),
        basis_topics=("medicines", "allergies", "conditions"),
        rules=(
            med("TETRACYCLINE", "tetracycline"),
            med("OTHER_RETINOID", "other-retinoid"),
            RuleDoc(
                "VITAMIN_A", "block, or warn", I_F,
                "A medication matches the list below. It is a warning only when every "
                "matching medication gives its daily dose in IU and the sum is at most the "
                "limit below; a missing daily dose counts as unknown, hence a block.",
                numbers=(Number("warning up to (IU a day)",
                                lambda x: num(x.dose.vitamin_a_warn_max_daily_iu)),),
                details=_class_names("vitamin-a"),
            ),
            med("CORTICOSTEROID_SYSTEMIC", "corticosteroid-systemic"),
            med("ANTICONVULSANT_BONE", "anticonvulsant-bone"),
            med("HEPATOTOXIC", "hepatotoxic"),
            RuleDoc("ALLERGY_ISOTRETINOIN", "block", I_F,
                    "The patient has one of the allergies below.", details=_contra_allergies),
            RuleDoc(
                "ALLERGY_EXCIPIENT", "block", I_F,
                "The product prescribed contains an excipient the patient is allergic to (the "
                "product and its excipients are part of every prescribing visit).",
                details=_excipient_allergies,
            ),
            cond("HEPATIC_INSUFFICIENCY"),
            cond("HYPERVITAMINOSIS_A"),
            RuleDoc(
                "AGE_UNDER_12", "block", I_F,
                "The patient's age in completed years on the visit date is below the minimum. "
                "A birthday on 29 February counts from 1 March in other years.",
                numbers=(Number("minimum age (years)",
                                lambda x: str(x.patient.min_age_years)),),
            ),
            cond("HYPERLIPIDAEMIA"),
            cond("PSYCHIATRIC_HISTORY"),
            cond("IBD_HISTORY"),
        ),
    )  # fmt: skip


def _mental_health() -> Section:
    return Section(
        title="Mental health and sexual function",
        intro=(
            "PHQ-9 has nine answers of 0 to 3, a total of 0 to 27, and the bands minimal "
            "(0-4), mild (5-9), moderate (10-14), moderately severe (15-19) and severe "
            "(20-27). Item 9 asks about thoughts of self-harm. The PHQ-9 rules other than "
            "PHQ9_MISSING look only at answers recorded for the visit."
        ),
        basis_topics=("mental_health", "sexual_function"),
        rules=(
            RuleDoc(
                "PHQ9_MISSING", "per profile", I_F,
                "No PHQ-9 answers are recorded for the visit.",
                numbers=(Number("severity", lambda x: x.mental_health.phq9_missing_severity),),
            ),
            RuleDoc(
                "PHQ9_SELF_HARM", "block, or warn", I_F_E,
                "Item 9 is scored above 0. It blocks until the action taken (a risk "
                "assessment, a referral) is recorded; then it is a warning, so the action is "
                "reviewed at signing.",
            ),
            RuleDoc(
                "PHQ9_MODERATE_OR_WORSE", "warn", I_F_E,
                "The PHQ-9 total is at or above the threshold below.",
                numbers=(Number("total from",
                                lambda x: str(x.mental_health.phq9_moderate_total)),),
            ),
            RuleDoc(
                "PHQ9_RISE", "warn", F_E,
                "A baseline PHQ-9 total is given and today's total is higher by at least the "
                "number of points below.",
                numbers=(Number("rise of (points)",
                                lambda x: str(x.mental_health.phq9_rise_points)),),
            ),
            RuleDoc(
                "SEXUAL_FUNCTION_NOT_ASSESSED", "per profile and visit", I_F,
                "The visit does not record that sexual function was assessed.",
                only_if=OnlyIf("the profile requires the assessment",
                               lambda x: x.mental_health.sexual_function_required),
                numbers=(
                    Number("severity at initiation",
                           lambda x: x.mental_health.sexual_function_initiation_severity),
                    Number("severity at follow-up",
                           lambda x: x.mental_health.sexual_function_follow_up_severity),
                ),
            ),
        ),
    )  # fmt: skip


def _labs() -> Section:
    return Section(
        title="Laboratory results",
        intro=(
            "For each test, the latest result dated on or before the visit counts; of two "
            "results on that same date, the worse one. Triglycerides given in mg/dL are "
            "compared with the threshold times the conversion factor below, exactly, without "
            "rounding. ALT and AST are judged against the upper limit of normal (ULN) the "
            "laboratory gives with the result; a result without one is not judged."
        ),
        basis_topics=("labs",),
        rules=(
            RuleDoc(
                "BASELINE_LABS_MISSING", "block", I_ONLY,
                "No ALT or AST result, or no triglycerides result, is dated within the number "
                "of days below before the visit.",
                numbers=(Number("results within (days)", lambda x: str(x.labs.baseline_days)),),
            ),
            RuleDoc(
                "TG_SEVERE", "block", I_F,
                "The latest triglycerides are at or above the severe threshold.",
                numbers=(
                    Number("severe from (mmol/L)", lambda x: num(x.labs.tg_severe_mmol_l)),
                    Number("mg/dL per mmol/L", lambda x: num(x.labs.tg_mg_dl_per_mmol_l)),
                ),
            ),
            RuleDoc(
                "TG_HIGH", "warn", I_F,
                "The latest triglycerides are above the high threshold and below the severe "
                "one.",
                numbers=(
                    Number("high above (mmol/L)", lambda x: num(x.labs.tg_high_mmol_l)),
                    Number("severe from (mmol/L)", lambda x: num(x.labs.tg_severe_mmol_l)),
                ),
            ),
            RuleDoc(
                "LIVER_ENZYMES_SEVERE", "block", I_F,
                "The latest ALT or the latest AST is above the multiple below of its ULN.",
                numbers=(Number("times the ULN",
                                lambda x: num(x.labs.liver_severe_uln_multiple)),),
            ),
            RuleDoc(
                "LIVER_ENZYMES_HIGH", "warn", I_F,
                "The latest ALT or AST is above its ULN, and neither is above the severe "
                "multiple.",
                numbers=(Number("severe multiple of the ULN",
                                lambda x: num(x.labs.liver_severe_uln_multiple)),),
            ),
        ),
    )  # fmt: skip


def _dose() -> Section:
    return Section(
        title="Dose and supply",
        intro=(
            "The daily dose per kilogram is the prescribed mg a day divided by the "
            "patient's weight. The cumulative dose after the prescription is the course "
            "so far plus mg a day times the days of supply, per kilogram of today's weight. "
            "Thresholds are compared exactly, without rounding."
        ),
        basis_topics=("dose",),
        rules=(
            RuleDoc(
                "DOSE_ABOVE_MAX", "block", I_F, "The daily dose is above the maximum.",
                numbers=(Number("maximum (mg/kg/day)",
                                lambda x: num(x.dose.max_mg_per_kg_day)),),
            ),
            RuleDoc(
                "DOSE_ABOVE_USUAL", "warn", I_F,
                "The daily dose is above the usual maximum, and not above the maximum.",
                numbers=(
                    Number("usual maximum (mg/kg/day)",
                           lambda x: num(x.dose.usual_max_mg_per_kg_day)),
                    Number("maximum (mg/kg/day)", lambda x: num(x.dose.max_mg_per_kg_day)),
                ),
            ),
            RuleDoc(
                "SUPPLY_TOO_LONG", "block", I_F,
                "The days of supply are more than the limit.",
                numbers=(Number("longest supply (days)",
                                lambda x: str(x.dose.max_days_supply)),),
            ),
            RuleDoc(
                "REFILLS_NOT_ALLOWED", "block", I_F,
                "The prescription has more refills than allowed.",
                numbers=(Number("refills allowed", lambda x: str(x.dose.max_refills)),),
            ),
            RuleDoc(
                "CUMULATIVE_ABOVE_TARGET", "warn", I_F,
                "The cumulative dose after this prescription is above the target. (The lower "
                "target gives no finding; the checklist shows the date each target is reached.)",
                numbers=(
                    Number("lower target (mg/kg)",
                           lambda x: num(x.dose.cumulative_lower_target_mg_per_kg)),
                    Number("target (mg/kg)", lambda x: num(x.dose.cumulative_target_mg_per_kg)),
                ),
            ),
            RuleDoc(
                "RETREATMENT_TOO_SOON", "warn", I_ONLY,
                "A previous course ended fewer days before the visit than the gap below.",
                numbers=(Number("gap after a course (days)",
                                lambda x: str(x.dose.retreatment_min_days)),),
            ),
        ),
    )  # fmt: skip


def _paperwork() -> Section:
    return Section(
        title="Initiation paperwork",
        intro="These rules look at initiation visits only.",
        basis_topics=("paperwork",),
        rules=(
            RuleDoc(
                "INDICATION_NOT_CONFIRMED", "block", I_ONLY,
                "The prescriber has not confirmed the indication (severe or refractory acne, "
                "other treatment failed or unsuitable).",
            ),
            RuleDoc(
                "COUNSELLING_INCOMPLETE", "block", I_ONLY,
                "A counselling item the profile requires is not recorded; the message names "
                "every missing item.",
                details=_counselling,
            ),
            RuleDoc(
                "CONSENT_MISSING", "block", I_ONLY,
                "The profile requires the signed acknowledgement of risk for this patient and "
                "it is not recorded.",
                numbers=(Number("consent required for", lambda x: (
                    "every patient" if x.pregnancy.consent_required_for == "all"
                    else "patients who can get pregnant")),),
            ),
            RuleDoc(
                "SECOND_PRESCRIBER_MISSING", "block", I_ONLY,
                "The patient is younger than the age below and no second prescriber is "
                "recorded.",
                only_if=OnlyIf("the profile requires a second prescriber",
                               lambda x: x.patient.second_prescriber_required),
                numbers=(Number("patients under (years)",
                                lambda x: str(x.patient.second_prescriber_under_age)),),
            ),
        ),
    )  # fmt: skip


def sections() -> tuple[Section, ...]:
    """The sections of the rules reference, in the order of findings.RULES."""
    return (_pregnancy(), _medicines(), _mental_health(), _labs(), _dose(), _paperwork())


CONTRACEPTION_RULES_TEXT = (
    "- **US**: at least two methods, one of them user-independent or user-dependent "
    "hormonal; or an abstinence commitment.",
    "- **EU**: at least one user-independent or user-dependent hormonal method; or a no-risk "
    "agreement with its reason. Resting on one such method alone gives the warning "
    "CONTRACEPTION_SINGLE_METHOD.",
    "- **UK**: at least one user-independent method, or a user-dependent hormonal method "
    "together with a barrier method; or a no-risk agreement with its reason.",
    "",
    "Methods count once each however often they are listed, and a method that never counts "
    "is ignored.",
)
