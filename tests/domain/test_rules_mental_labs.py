"""PHQ-9 and sexual-function rules; laboratory rules with the TG, mg/dL and ULN edges."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.engine_helpers import PROFILES, UK, US, found, lab, make

KINDS = ("initiation", "follow-up", "end-of-course")


@pytest.mark.parametrize("profile", PROFILES)
def test_phq9_missing_severity_per_profile(profile: str) -> None:
    expected = "block" if profile.startswith("uk") else "warn"
    for kind in ("initiation", "follow-up"):
        assert found(make(profile, kind, phq9=None)) == {"PHQ9_MISSING": expected}
    assert found(make(profile, "end-of-course", phq9=None)) == {}


@pytest.mark.parametrize("kind", KINDS)
def test_self_harm_blocks_until_an_action_is_recorded(kind: str) -> None:
    answers = [0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert found(make(kind=kind, phq9=answers)) == {"PHQ9_SELF_HARM": "block"}
    assert found(make(kind=kind, phq9=answers, phq9_action="  ")) == {"PHQ9_SELF_HARM": "block"}
    acted = make(kind=kind, phq9=answers, phq9_action="Risk assessed, GP informed same day")
    assert found(acted) == {"PHQ9_SELF_HARM": "warn"}
    assert found(make(kind=kind, phq9=[3, 3, 3, 0, 0, 0, 0, 0, 0])) == {}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("answers", "fires"), [([3, 3, 3, 1, 0, 0, 0, 0, 0], True),
                                                ([3, 3, 3, 0, 0, 0, 0, 0, 0], False)])  # fmt: skip
def test_moderate_or_worse_from_total_10(kind: str, answers: list[int], fires: bool) -> None:
    assert found(make(kind=kind, phq9=answers)) == (
        {"PHQ9_MODERATE_OR_WORSE": "warn"} if fires else {})  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "baseline", "fires"),
    [("follow-up", 3, True), ("follow-up", 4, False), ("end-of-course", 3, True),
     ("initiation", 0, False), ("follow-up", None, False), ("follow-up", 9, False)],
)  # fmt: skip
def test_rise_of_5_or_more(kind: str, baseline: int | None, fires: bool) -> None:
    data = make(kind=kind, phq9=[2, 2, 2, 2, 0, 0, 0, 0, 0], phq9_baseline_total=baseline)
    assert ("PHQ9_RISE" in found(data)) is fires


@pytest.mark.parametrize("profile", UK)
def test_sexual_function_uk(profile: str) -> None:
    assert found(make(profile, "initiation", sexual_function_assessed=False)) == {
        "SEXUAL_FUNCTION_NOT_ASSESSED": "block"}  # fmt: skip
    assert found(make(profile, "follow-up", sexual_function_assessed=None)) == {
        "SEXUAL_FUNCTION_NOT_ASSESSED": "warn"}  # fmt: skip
    assert found(make(profile, "end-of-course", sexual_function_assessed=False)) == {}


@pytest.mark.parametrize("profile", [*US, "eu-ppp-2018"])
def test_sexual_function_not_required_elsewhere(profile: str) -> None:
    assert found(make(profile, "initiation", sexual_function_assessed=False)) == {}


def with_labs(*labs: dict[str, Any], kind: str = "follow-up") -> dict[str, str]:
    return found(make(kind=kind, labs=list(labs)))


ALT_OK = lab("ALT", 20, "U/L", uln=40)


@pytest.mark.parametrize(
    ("labs", "fires"),
    [
        ([lab("ALT", 20, "U/L", 30, 40), lab("TG", 1.0, "mmol/L", 30)], False),
        ([lab("ALT", 20, "U/L", 31, 40), lab("TG", 1.0, "mmol/L", 30)], True),
        ([lab("AST", 20, "U/L", 0, 40), lab("TG", 90, "mg/dL", 0)], False),
        ([lab("ALT", 20, "U/L", 5, 40), lab("TG", 1.0, "mmol/L", 31)], True),
        ([lab("ALT", 20, "U/L", 5, 40), lab("CHOL", 4.0, "mmol/L", 5)], True),
        ([lab("TG", 1.0, "mmol/L", 5)], True),
        ([], True),
    ],
)
def test_baseline_labs_within_30_days(labs: list[dict[str, Any]], fires: bool) -> None:
    expected = {"BASELINE_LABS_MISSING": "block"} if fires else {}
    assert with_labs(*labs, kind="initiation") == expected
    assert "BASELINE_LABS_MISSING" not in with_labs(*labs, kind="follow-up")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (9.0, "mmol/L", {"TG_SEVERE": "block"}),
        (8.99, "mmol/L", {"TG_HIGH": "warn"}),
        (5.01, "mmol/L", {"TG_HIGH": "warn"}),
        (5.0, "mmol/L", {}),
        (797.13, "mg/dL", {"TG_SEVERE": "block"}),
        (797.12, "mg/dL", {"TG_HIGH": "warn"}),
        (442.86, "mg/dL", {"TG_HIGH": "warn"}),
        (442.85, "mg/dL", {}),
        (1200, "mg/dL", {"TG_SEVERE": "block"}),
    ],
)
def test_triglyceride_edges(value: float, unit: str, expected: dict[str, str]) -> None:
    for kind in ("initiation", "follow-up"):
        assert with_labs(ALT_OK, lab("TG", value, unit), kind=kind) == expected
    assert with_labs(lab("TG", value, unit), kind="end-of-course") == {}


def test_latest_triglyceride_counts() -> None:
    older_high = lab("TG", 12.0, "mmol/L", 20)
    assert with_labs(ALT_OK, older_high, lab("TG", 1.2, "mmol/L", 5)) == {}
    assert with_labs(ALT_OK, lab("TG", 1.2, "mmol/L", 20), lab("TG", 6.0, "mmol/L", 5)) == {
        "TG_HIGH": "warn"}  # fmt: skip


def test_same_day_results_the_worse_counts_across_units() -> None:
    same_day = [lab("TG", 4.0, "mmol/L", 5), lab("TG", 800, "mg/dL", 5)]
    assert with_labs(ALT_OK, *same_day) == {"TG_SEVERE": "block"}
    assert with_labs(ALT_OK, *reversed(same_day)) == {"TG_SEVERE": "block"}


@pytest.mark.parametrize(
    ("test", "value", "expected"),
    [
        ("ALT", 45, {}),
        ("ALT", 45.01, {"LIVER_ENZYMES_HIGH": "warn"}),
        ("ALT", 135, {"LIVER_ENZYMES_HIGH": "warn"}),
        ("ALT", 135.01, {"LIVER_ENZYMES_SEVERE": "block"}),
        ("AST", 135.01, {"LIVER_ENZYMES_SEVERE": "block"}),
        ("AST", 46, {"LIVER_ENZYMES_HIGH": "warn"}),
    ],
)
def test_liver_enzyme_edges(test: str, value: float, expected: dict[str, str]) -> None:
    tg = lab("TG", 1.0, "mmol/L")
    assert with_labs(lab(test, value, "U/L", uln=45), tg) == expected
    assert with_labs(lab(test, value, "U/L", uln=45), tg, kind="end-of-course") == {}


def test_exactly_3_uln_with_a_decimal_uln_is_not_severe() -> None:
    labs = [lab("ALT", 30.3, "U/L", uln=10.1), lab("TG", 1.0, "mmol/L")]
    assert with_labs(*labs) == {"LIVER_ENZYMES_HIGH": "warn"}


def test_severe_liver_enzyme_hides_high() -> None:
    labs = [lab("ALT", 50, "U/L", uln=40), lab("AST", 200, "U/L", uln=40), lab("TG", 1.0, "mmol/L")]
    assert with_labs(*labs) == {"LIVER_ENZYMES_SEVERE": "block"}


def test_same_day_enzymes_worse_multiple_of_uln_counts() -> None:
    labs = [lab("ALT", 100, "U/L", uln=40), lab("ALT", 90, "U/L", uln=20), lab("TG", 1, "mmol/L")]
    assert with_labs(*labs) == {"LIVER_ENZYMES_SEVERE": "block"}
    newer_normal = [lab("ALT", 200, "U/L", 20, 40), lab("ALT", 30, "U/L", 2, 40)]
    assert with_labs(*newer_normal, lab("TG", 1, "mmol/L")) == {}
