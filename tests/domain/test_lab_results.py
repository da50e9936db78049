"""Entered lab results graded at the edges of the safety thresholds (the profile's lab
parameters), entry problems named per test, and the check-format entries they become."""

from __future__ import annotations

from datetime import date

import pytest

from isoface_desk.domain.catalog import default_catalog, resolve_profile
from isoface_desk.domain.due_list import due_group, target_date
from isoface_desk.domain.lab_results import (
    ResultEntry,
    assess_result,
    check_lab_entry,
    check_pregnancy_entry,
    entry_from_stored,
    result_problems,
)
from isoface_desk.domain.lab_tests import default_lab_tests

DAY = date(2026, 11, 10)
PARAMS = resolve_profile(default_catalog(), "uk-mhra", DAY).labs


def grade(test: str, value: float | str, unit: str = "", uln: float | None = None) -> str:
    return assess_result(ResultEntry(test, DAY, value, unit, uln), PARAMS).level


def test_the_profile_gives_the_thresholds_these_edges_assume() -> None:
    assert (PARAMS.tg_high_mmol_l, PARAMS.tg_severe_mmol_l) == (5.0, 9.0)
    assert (PARAMS.tg_mg_dl_per_mmol_l, PARAMS.liver_severe_uln_multiple) == (88.57, 3.0)


@pytest.mark.parametrize(
    ("value", "unit", "uln", "level"),
    [
        (5.0, "mmol/L", None, "normal"),
        (5.01, "mmol/L", None, "warn"),
        (8.99, "mmol/L", None, "warn"),
        (9.0, "mmol/L", None, "block"),
        (442.85, "mg/dL", None, "normal"),  # 5.00 mmol/L exactly
        (442.86, "mg/dL", None, "warn"),
        (797.12, "mg/dL", None, "warn"),
        (797.13, "mg/dL", None, "block"),  # 9.00 mmol/L exactly: decided in decimal
        (2.0, "mmol/L", 1.7, "high"),  # above the laboratory's range, below the rule
        (1.7, "mmol/L", 1.7, "normal"),
    ],
)
def test_triglycerides_in_either_unit(
    value: float, unit: str, uln: float | None, level: str
) -> None:
    assert grade("TG", value, unit, uln) == level


def test_triglycerides_in_mg_dl_are_shown_converted() -> None:
    graded = assess_result(ResultEntry("TG", DAY, 797.13, "mg/dL"), PARAMS)
    assert graded.mmol_l == pytest.approx(9.0)
    assert "797.13 mg/dL = 9.00 mmol/L" in graded.message and graded.abnormal


@pytest.mark.parametrize("test", ["ALT", "AST"])
@pytest.mark.parametrize(
    ("value", "level"), [(40, "normal"), (40.5, "warn"), (120, "warn"), (120.01, "block")]
)
def test_liver_enzymes_against_uln_and_three_times_uln(test: str, value: float, level: str) -> None:
    assert grade(test, value, "U/L", 40) == level


def test_pregnancy_test_and_other_tests() -> None:
    assert grade("HCG", "positive") == "block"
    assert grade("HCG", "negative") == "normal"
    assert grade("CHOL", 6.1, "mmol/L", 6.0) == "high"
    assert grade("GLUCOSE", 5.0, "mmol/L") == "normal"


def test_entry_problems_name_the_test_and_what_is_wrong() -> None:
    tests = default_lab_tests()

    def problems(entry: ResultEntry) -> list[str]:
        return result_problems(entry, tests, DAY)

    assert problems(ResultEntry("ALT", DAY, 30, "U/L")) == [
        "ALT: the laboratory's upper limit of normal is needed"
    ]
    assert problems(ResultEntry("TG", DAY, 2, "g/L")) == ["TG: the unit must be mmol/L or mg/dL"]
    assert problems(ResultEntry("TG", DAY, -1, "mmol/L", 0)) == [
        "TG: the value must be a number, 0 or more",
        "TG: the upper limit must be a number above 0",
    ]
    assert problems(ResultEntry("HCG", date(2026, 11, 11), "maybe")) == [
        "HCG: the result date 2026-11-11 is in the future",
        "HCG: choose positive or negative",
    ]
    assert problems(ResultEntry("XYZ", DAY, 1, "U/L"))[0].startswith("XYZ: not a known test")
    assert problems(ResultEntry("AST", DAY, 30, "U/L", 35)) == []


def test_check_format_entries_and_a_stored_round_trip() -> None:
    alt = ResultEntry("ALT", DAY, 52, "U/L", 40)
    assert check_lab_entry(alt) == {
        "test": "ALT", "date": "2026-11-10", "value": 52, "unit": "U/L", "uln": 40,
    }  # fmt: skip
    hcg = ResultEntry("HCG", DAY, "negative")
    assert check_pregnancy_entry(hcg, "LO-000042") == {
        "date": "2026-11-10", "result": "negative", "setting": "lab",
        "verification": "laboratory result of order LO-000042",
    }  # fmt: skip
    for entry in (alt, hcg):
        stored = entry.stored(assess_result(entry, PARAMS))
        assert entry_from_stored(entry.test, stored) == entry
    assert entry_from_stored("ALT", {"value": 3}) is None
    with pytest.raises(ValueError):
        check_lab_entry(hcg)


@pytest.mark.parametrize(
    ("status", "due", "until", "group"),
    [
        ("planned", date(2026, 10, 1), date(2026, 10, 1), "overdue"),
        ("printed", date(2026, 10, 2), date(2026, 10, 9), "today"),
        ("planned", date(2026, 10, 2), date(2026, 10, 2), "today"),
        ("planned", date(2026, 10, 9), date(2026, 10, 9), "week"),
        ("planned", date(2026, 10, 10), date(2026, 10, 10), "month"),
        ("planned", date(2026, 11, 1), date(2026, 11, 1), "month"),
        ("planned", date(2026, 11, 2), date(2026, 11, 2), None),
        ("collected", date(2026, 9, 1), date(2026, 9, 1), "collected"),
        ("resulted", date(2026, 9, 1), date(2026, 9, 1), "resulted"),
        ("cancelled", date(2026, 10, 2), date(2026, 10, 2), None),
    ],
)
def test_due_groups_on_2_october(status: str, due: date, until: date, group: str | None) -> None:
    assert due_group(status, due, until, date(2026, 10, 2)) == group


def test_the_target_date_falls_back_to_the_window_end() -> None:
    start, end = date(2026, 10, 1), date(2026, 10, 8)
    assert target_date(start, end, date(2026, 10, 4)) == date(2026, 10, 4)
    assert target_date(start, end, None) == end
    assert target_date(start, end, date(2026, 12, 1)) == end
