"""Jurisdiction profiles (forms/profiles/*.toml): every number of docs/rules.md as data.

A profile file holds one version of one family (`uk-mhra-2026` of `uk-mhra`), its validity
dates, the parameters the rules read, and the basis texts shown next to a finding and in
the printed footer. `load_profile` validates one file and reports every problem with the
file name and key path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from isoface_desk.domain.formdata import Reader, file_hash, load_toml
from isoface_desk.domain.language import SOURCE_LANGUAGE, Lang

Severity = Literal["block", "warn", "info"]
SEVERITIES: tuple[Severity, ...] = ("block", "warn", "info")
CONTRACEPTION_RULES = ("US", "EU", "UK")
CONSENT_SCOPES = ("all", "potential")
BASIS_TOPICS = (
    "pregnancy",
    "contraception",
    "medicines",
    "allergies",
    "conditions",
    "mental_health",
    "sexual_function",
    "labs",
    "dose",
    "paperwork",
    "footer",
)
_TEST_SETTINGS = ("clinic", "lab", "remote-supervised", "home")


@dataclass(frozen=True, slots=True)
class PregnancyParams:
    test_window_days: int
    initiation_test_settings: frozenset[str]
    follow_up_test_settings: frozenset[str]
    verified_test_settings: frozenset[str]
    second_test_required: bool
    second_test_gap_days: int
    positive_test_days: int
    contraception_rule: str
    contraception_start_days: int
    accepted_potential_reasons: frozenset[str]
    consent_required_for: str


@dataclass(frozen=True, slots=True)
class MentalHealthParams:
    phq9_missing_severity: Severity
    phq9_moderate_total: int
    phq9_rise_points: int
    sexual_function_required: bool
    sexual_function_initiation_severity: Severity
    sexual_function_follow_up_severity: Severity


@dataclass(frozen=True, slots=True)
class LabParams:
    baseline_days: int
    tg_high_mmol_l: float
    tg_severe_mmol_l: float
    tg_mg_dl_per_mmol_l: float
    liver_severe_uln_multiple: float


@dataclass(frozen=True, slots=True)
class DoseParams:
    usual_max_mg_per_kg_day: float
    max_mg_per_kg_day: float
    cumulative_lower_target_mg_per_kg: float
    cumulative_target_mg_per_kg: float
    max_days_supply: int
    max_refills: int
    retreatment_min_days: int
    vitamin_a_warn_max_daily_iu: float


@dataclass(frozen=True, slots=True)
class PatientParams:
    min_age_years: int
    second_prescriber_required: bool
    second_prescriber_under_age: int
    counselling_required: tuple[str, ...]
    counselling_required_if_potential: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Profile:
    id: str
    family: str
    title: str
    valid_from: date
    valid_until: date | None
    earlier_dates_resolve_here: bool
    pregnancy: PregnancyParams
    mental_health: MentalHealthParams
    labs: LabParams
    dose: DoseParams
    patient: PatientParams
    basis: dict[str, str] = field(default_factory=dict)
    source: str = ""
    content_hash: str = ""


_TOP_KEYS = (
    "id", "family", "title", "valid_from", "valid_until", "earlier_dates_resolve_here",
    "pregnancy", "mental_health", "labs", "dose", "patient", "basis",
)  # fmt: skip


def load_profile(
    path: Path, counselling_codes: frozenset[str] = frozenset(), lang: Lang = SOURCE_LANGUAGE
) -> Profile:
    """Read and validate one profile file in `lang`; raise FormDataError naming file and keys."""
    label = f"profiles/{path.name}"
    data = load_toml(path, label, lang)
    r = Reader(label)
    r.unknown_keys(data, _TOP_KEYS)
    pid = r.get(data, "id", str) or ""
    r.check(not pid or path.stem == pid, "id", f"{pid!r} must match the file name {path.stem!r}")
    until = r.get(data, "valid_until", date, required=False)
    valid_from = r.get(data, "valid_from", date) or date.min
    r.check(until is None or until >= valid_from, "valid_until", "is before valid_from")
    profile = Profile(
        id=pid,
        family=r.get(data, "family", str) or "",
        title=r.get(data, "title", str) or "",
        valid_from=valid_from,
        valid_until=until,
        earlier_dates_resolve_here=bool(r.get(data, "earlier_dates_resolve_here", bool)),
        pregnancy=_pregnancy(r, _table(r, data, "pregnancy")),
        mental_health=_mental(r, _table(r, data, "mental_health")),
        labs=_labs(r, _table(r, data, "labs")),
        dose=_dose(r, _table(r, data, "dose")),
        patient=_patient(r, _table(r, data, "patient"), counselling_codes),
        basis=_basis(r, _table(r, data, "basis")),
        source=label,
        content_hash=file_hash(path),
    )
    r.check(
        not profile.family or profile.id.startswith(profile.family + "-"),
        "family",
        f"{profile.family!r} must be the start of the id {profile.id!r}",
    )
    r.finish()
    return profile


def _table(r: Reader, data: dict[str, Any], key: str) -> dict[str, Any]:
    return cast(dict[str, Any], r.get(data, key, dict, default={}) or {})


def _int(r: Reader, t: dict[str, Any], key: str, where: str, lo: int, hi: int) -> int:
    value = r.get(t, key, int, where)
    if value is None:
        return lo
    r.check(lo <= value <= hi, f"{where}.{key}", f"must be from {lo} to {hi}, got {value}")
    return value


def _num(r: Reader, t: dict[str, Any], key: str, where: str, lo: float, hi: float) -> float:
    value = r.get(t, key, float, where)
    if value is None:
        return hi
    r.check(lo < value <= hi, f"{where}.{key}", f"must be above {lo} and at most {hi}, got {value}")
    return value


def _bool(r: Reader, t: dict[str, Any], key: str, where: str) -> bool:
    return bool(r.get(t, key, bool, where, default=False))


def _severity(r: Reader, t: dict[str, Any], key: str, where: str) -> Severity:
    value = r.get(t, key, str, where, default="block")
    r.one_of(value, SEVERITIES, f"{where}.{key}")
    return value if value in SEVERITIES else "block"


def _codes(
    r: Reader, t: dict[str, Any], key: str, where: str, allowed: tuple[str, ...] | frozenset[str]
) -> tuple[str, ...]:
    values = r.list_of(t, key, str, where)
    for i, value in enumerate(values):
        if allowed:
            r.one_of(value, sorted(allowed), f"{where}.{key}[{i}]")
    return tuple(values)


def _pregnancy(r: Reader, t: dict[str, Any]) -> PregnancyParams:
    w = "pregnancy"
    r.unknown_keys(t, [f.name for f in PregnancyParams.__dataclass_fields__.values()], w)
    rule = r.get(t, "contraception_rule", str, w, default="US")
    r.one_of(rule, CONTRACEPTION_RULES, f"{w}.contraception_rule")
    consent = r.get(t, "consent_required_for", str, w, default="all")
    r.one_of(consent, CONSENT_SCOPES, f"{w}.consent_required_for")
    reasons = (
        "no-uterus-or-ovaries", "hysterectomy", "bilateral-oophorectomy",
        "menopause-confirmed", "sterilisation-confirmed",
    )  # fmt: skip
    return PregnancyParams(
        test_window_days=_int(r, t, "test_window_days", w, 0, 60),
        initiation_test_settings=frozenset(
            _codes(r, t, "initiation_test_settings", w, _TEST_SETTINGS)
        ),
        follow_up_test_settings=frozenset(
            _codes(r, t, "follow_up_test_settings", w, _TEST_SETTINGS)
        ),
        verified_test_settings=frozenset(_codes(r, t, "verified_test_settings", w, _TEST_SETTINGS)),
        second_test_required=_bool(r, t, "second_test_required", w),
        second_test_gap_days=_int(r, t, "second_test_gap_days", w, 0, 365),
        positive_test_days=_int(r, t, "positive_test_days", w, 0, 365),
        contraception_rule=rule or "US",
        contraception_start_days=_int(r, t, "contraception_start_days", w, 0, 365),
        accepted_potential_reasons=frozenset(
            _codes(r, t, "accepted_potential_reasons", w, reasons)
        ),
        consent_required_for=consent or "all",
    )


def _mental(r: Reader, t: dict[str, Any]) -> MentalHealthParams:
    w = "mental_health"
    r.unknown_keys(t, [f.name for f in MentalHealthParams.__dataclass_fields__.values()], w)
    return MentalHealthParams(
        phq9_missing_severity=_severity(r, t, "phq9_missing_severity", w),
        phq9_moderate_total=_int(r, t, "phq9_moderate_total", w, 1, 27),
        phq9_rise_points=_int(r, t, "phq9_rise_points", w, 1, 27),
        sexual_function_required=_bool(r, t, "sexual_function_required", w),
        sexual_function_initiation_severity=_severity(
            r, t, "sexual_function_initiation_severity", w
        ),
        sexual_function_follow_up_severity=_severity(r, t, "sexual_function_follow_up_severity", w),
    )


def _labs(r: Reader, t: dict[str, Any]) -> LabParams:
    w = "labs"
    r.unknown_keys(t, [f.name for f in LabParams.__dataclass_fields__.values()], w)
    params = LabParams(
        baseline_days=_int(r, t, "baseline_days", w, 0, 365),
        tg_high_mmol_l=_num(r, t, "tg_high_mmol_l", w, 0, 100),
        tg_severe_mmol_l=_num(r, t, "tg_severe_mmol_l", w, 0, 100),
        tg_mg_dl_per_mmol_l=_num(r, t, "tg_mg_dl_per_mmol_l", w, 0, 1000),
        liver_severe_uln_multiple=_num(r, t, "liver_severe_uln_multiple", w, 1, 100),
    )
    r.check(
        params.tg_high_mmol_l < params.tg_severe_mmol_l,
        f"{w}.tg_high_mmol_l",
        "must be below tg_severe_mmol_l",
    )
    return params


def _dose(r: Reader, t: dict[str, Any]) -> DoseParams:
    w = "dose"
    r.unknown_keys(t, [f.name for f in DoseParams.__dataclass_fields__.values()], w)
    params = DoseParams(
        usual_max_mg_per_kg_day=_num(r, t, "usual_max_mg_per_kg_day", w, 0, 10),
        max_mg_per_kg_day=_num(r, t, "max_mg_per_kg_day", w, 0, 10),
        cumulative_lower_target_mg_per_kg=_num(
            r, t, "cumulative_lower_target_mg_per_kg", w, 0, 1e4
        ),
        cumulative_target_mg_per_kg=_num(r, t, "cumulative_target_mg_per_kg", w, 0, 1e4),
        max_days_supply=_int(r, t, "max_days_supply", w, 1, 365),
        max_refills=_int(r, t, "max_refills", w, 0, 99),
        retreatment_min_days=_int(r, t, "retreatment_min_days", w, 0, 3650),
        vitamin_a_warn_max_daily_iu=_num(r, t, "vitamin_a_warn_max_daily_iu", w, 0, 1e7),
    )
    r.check(
        params.usual_max_mg_per_kg_day < params.max_mg_per_kg_day,
        f"{w}.usual_max_mg_per_kg_day",
        "must be below max_mg_per_kg_day",
    )
    r.check(
        params.cumulative_lower_target_mg_per_kg <= params.cumulative_target_mg_per_kg,
        f"{w}.cumulative_lower_target_mg_per_kg",
        "must not be above cumulative_target_mg_per_kg",
    )
    return params


def _patient(r: Reader, t: dict[str, Any], counselling: frozenset[str]) -> PatientParams:
    w = "patient"
    r.unknown_keys(t, [f.name for f in PatientParams.__dataclass_fields__.values()], w)
    return PatientParams(
        min_age_years=_int(r, t, "min_age_years", w, 0, 120),
        second_prescriber_required=_bool(r, t, "second_prescriber_required", w),
        second_prescriber_under_age=_int(r, t, "second_prescriber_under_age", w, 0, 120),
        counselling_required=_codes(r, t, "counselling_required", w, counselling),
        counselling_required_if_potential=_codes(
            r, t, "counselling_required_if_potential", w, counselling
        ),
    )


def _basis(r: Reader, t: dict[str, Any]) -> dict[str, str]:
    r.unknown_keys(t, BASIS_TOPICS, "basis")
    out: dict[str, str] = {}
    for topic in BASIS_TOPICS:
        text = r.get(t, topic, str, "basis", default="") or ""
        r.check(text.strip() != "" or topic not in t, f"basis.{topic}", "must not be empty")
        out[topic] = text.strip()
    return out
