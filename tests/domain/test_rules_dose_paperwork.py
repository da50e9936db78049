"""Dose and supply rules, initiation paperwork, and profile resolution by date."""

from __future__ import annotations

from datetime import date

import pytest

from isoface_desk.domain.catalog import ProfileError, resolve_profile
from isoface_desk.domain.samples import ALL_COUNSELLING
from isoface_desk.errors import InputError
from tests.domain.engine_helpers import PROFILES, catalog, days_before, found, make, run


def dose(
    mg: float, weight: float = 50, kind: str = "follow-up", **changes: object
) -> dict[str, str]:
    return found(make(kind=kind, dose__mg_per_day=mg, patient__weight_kg=weight, **changes))


@pytest.mark.parametrize(
    ("mg", "weight", "expected"),
    [
        (50, 50, {}),
        (50.5, 50, {"DOSE_ABOVE_USUAL": "warn"}),
        (100, 50, {"DOSE_ABOVE_USUAL": "warn"}),
        (100.01, 50, {"DOSE_ABOVE_MAX": "block"}),
        (124.6, 62.3, {"DOSE_ABOVE_USUAL": "warn"}),
        (62.3, 62.3, {}),
        (300, 60, {"DOSE_ABOVE_MAX": "block"}),
    ],
)
def test_mg_per_kg_day_edges(mg: float, weight: float, expected: dict[str, str]) -> None:
    assert dose(mg, weight) == expected
    assert dose(mg, weight, "initiation") == expected


def test_threshold_cases_of_the_lab_tests_really_are_inexact_in_floats() -> None:
    # Why thresholds are compared in decimal: naive float arithmetic gets these wrong.
    assert 442.85 / 88.57 > 5.0  # exactly 5.0 mmol/L: not above 5
    assert 30.3 > 3 * 10.1  # exactly 3 x ULN: not above 3 x ULN


@pytest.mark.parametrize(("days", "fires"), [(30, False), (31, True), (1, False), (365, True)])
def test_supply_too_long(days: int, fires: bool) -> None:
    assert ("SUPPLY_TOO_LONG" in dose(20, dose__days_supply=days)) is fires


@pytest.mark.parametrize(("refills", "fires"), [(0, False), (1, True)])
def test_refills(refills: int, fires: bool) -> None:
    assert ("REFILLS_NOT_ALLOWED" in dose(20, dose__refills=refills)) is fires


@pytest.mark.parametrize(("before", "fires"), [(6380, False), (6380.01, True), (0, False)])
def test_cumulative_above_150_mg_per_kg(before: float, fires: bool) -> None:
    # 50 kg x 150 mg/kg = 7500 mg; 40 mg x 28 days = 1120 mg this prescription.
    codes = dose(40, 50, course__cumulative_mg=before)
    assert codes == ({"CUMULATIVE_ABOVE_TARGET": "warn"} if fires else {})


@pytest.mark.parametrize(("days", "fires"), [(56, False), (55, True), (0, True), (400, False)])
def test_retreatment_edges(days: int, fires: bool) -> None:
    data = make(kind="initiation", course__previous_course_end=days_before(days))
    assert found(data) == ({"RETREATMENT_TOO_SOON": "warn"} if fires else {})
    data["visit"]["kind"] = "follow-up"
    assert found(data) == {}


def test_no_dose_rules_or_figures_at_end_of_course() -> None:
    data = make(kind="end-of-course", dose={"mg_per_day": 500, "days_supply": 90, "refills": 3})
    result = run(data)
    assert result.findings == () and result.dose is None


def test_dose_figures() -> None:
    result = run(make(dose__mg_per_day=40, patient__weight_kg=71.5, course__cumulative_mg=2240))
    assert result.dose is not None
    assert (result.dose.mg_per_kg_day, result.dose.cumulative_mg_per_kg) == (0.56, 46.99)


def test_indication() -> None:
    assert found(make(indication_confirmed=False)) == {"INDICATION_NOT_CONFIRMED": "block"}
    assert found(make(kind="follow-up", indication_confirmed=False)) == {}


@pytest.mark.parametrize(
    ("profile", "potential", "extra_required"),
    [
        ("us-ipledge-2026", True, {"contraception", "pregnancy-testing"}),
        ("us-ipledge-2023", False, set()),
        ("eu-ppp-2018", False, set()),
        ("uk-mhra-2023", False, {"sexual-function", "time-to-reflect"}),
        ("uk-mhra-2026", False, {"sexual-function", "time-to-reflect", "second-opinion"}),
        ("uk-mhra-2026", True, {"sexual-function", "time-to-reflect", "second-opinion",
                                "contraception", "pregnancy-testing"}),
    ],
)  # fmt: skip
def test_counselling_required(profile: str, potential: bool, extra_required: set[str]) -> None:
    base = [c for c in ALL_COUNSELLING[:17] if c not in
            {"contraception", "pregnancy-testing", "sexual-function"}]  # fmt: skip
    data = make(profile, counselling=base + sorted(extra_required))
    if not potential:
        data["patient"].update(pregnancy_potential=False, potential_reason="hysterectomy")
    assert found(data) == {}
    for missing in [base[0], base[-1], *extra_required]:
        data["counselling"] = [c for c in base + sorted(extra_required) if c != missing]
        result = run(data)
        assert [f.code for f in result.findings] == ["COUNSELLING_INCOMPLETE"]
        assert f"({missing})" in result.findings[0].message
    data["counselling"] = []
    assert found(make(profile, "follow-up", counselling=[])) == {}


@pytest.mark.parametrize(
    ("profile", "potential", "required"),
    [("us-ipledge-2023", False, True), ("eu-ppp-2018", True, True), ("eu-ppp-2018", False, False),
     ("uk-mhra-2023", False, True), ("uk-mhra-2026", True, True)],
)  # fmt: skip
def test_consent(profile: str, potential: bool, required: bool) -> None:
    data = make(profile, consent_signed=False)
    if not potential:
        data["patient"].update(pregnancy_potential=False, potential_reason="hysterectomy")
    assert found(data) == ({"CONSENT_MISSING": "block"} if required else {})
    data["visit"]["kind"] = "follow-up"
    assert found(data) == {}


@pytest.mark.parametrize(("birth", "fires"), [("2007-10-12", False), ("2007-10-13", True)])
def test_second_prescriber_under_18_only_uk_2023(birth: str, fires: bool) -> None:
    data = make("uk-mhra-2023", patient__birth_date=birth, visit__date="2025-10-12")
    data["pregnancy_tests"] = [{"date": "2025-10-12", "result": "negative", "setting": "clinic"}]
    data["labs"] = [{"test": "ALT", "date": "2025-10-01", "value": 20, "unit": "U/L", "uln": 40},
                    {"test": "TG", "date": "2025-10-01", "value": 1, "unit": "mmol/L"}]  # fmt: skip
    assert found(data) == ({"SECOND_PRESCRIBER_MISSING": "block"} if fires else {})
    data["second_prescriber"] = "Dr A. Second"
    assert found(data) == {}
    data["second_prescriber"] = ""
    assert found(data) == ({"SECOND_PRESCRIBER_MISSING": "block"} if fires else {})
    data["profile"] = "uk-mhra-2026"
    assert found(data) == {}


@pytest.mark.parametrize(
    ("family", "day", "expected"),
    [
        ("us-ipledge", "2001-01-01", "us-ipledge-2023"),
        ("us-ipledge", "2026-08-07", "us-ipledge-2023"),
        ("us-ipledge", "2026-08-08", "us-ipledge-2026"),
        ("eu-ppp", "2010-05-05", "eu-ppp-2018"),
        ("eu-ppp", "2030-05-05", "eu-ppp-2018"),
        ("uk-mhra", "2023-10-31", "uk-mhra-2023"),
        ("uk-mhra", "2026-01-21", "uk-mhra-2023"),
        ("uk-mhra", "2026-01-22", "uk-mhra-2026"),
        *[(p, "2001-01-01", p) for p in PROFILES],
    ],
)
def test_profile_resolution(family: str, day: str, expected: str) -> None:
    assert resolve_profile(catalog(), family, date.fromisoformat(day)).id == expected


def test_uk_before_2023_10_31_has_no_version() -> None:
    with pytest.raises(ProfileError, match="uk-mhra has no version in force on 2023-10-30"):
        resolve_profile(catalog(), "uk-mhra", date(2023, 10, 30))
    with pytest.raises(InputError, match="not a known profile"):
        resolve_profile(catalog(), "uk", date(2024, 1, 1))


def test_result_names_the_exact_profile_applied() -> None:
    assert run(make("us-ipledge", visit__date="2026-10-12")).profile_id == "us-ipledge-2026"
    assert run(make("us-ipledge-2023")).profile_id == "us-ipledge-2023"
