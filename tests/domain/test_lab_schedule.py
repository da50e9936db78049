"""The lab-monitoring schedule (docs/rules.md, "Lab-monitoring schedule") over real courses."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from isoface_desk.config import PROJECT_ROOT
from isoface_desk.domain.lab_schedule import (
    CourseInfo,
    DoseChange,
    DueTest,
    ScheduleProfile,
    add_months,
    lab_schedule,
    load_schedule,
)
from isoface_desk.errors import FormDataError, InputError

FORMS = PROJECT_ROOT / "forms"
LABS = ("ALT", "AST", "TG", "CHOL")


@pytest.fixture(scope="module")
def smpc() -> ScheduleProfile:
    return load_schedule(FORMS, "smpc")


@pytest.fixture(scope="module")
def minimal() -> ScheduleProfile:
    return load_schedule(FORMS, "minimal")


def rows(schedule: list[DueTest]) -> list[tuple[str, tuple[str, ...], str]]:
    return [(d.due.isoformat(), d.tests, d.reason) for d in schedule]


def six_months(**kw: object) -> CourseInfo:
    return CourseInfo(date(2026, 1, 15), date(2026, 7, 15), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_smpc_six_months_without_pregnancy_potential(smpc: ScheduleProfile) -> None:
    assert rows(lab_schedule(six_months(), smpc)) == [
        ("2026-01-15", LABS, "baseline"),
        ("2026-02-15", LABS, "month 1"),
        ("2026-05-15", LABS, "month 4"),
        ("2026-07-15", LABS, "end of course"),
    ]


def test_smpc_six_months_with_pregnancy_potential_and_diabetes(smpc: ScheduleProfile) -> None:
    schedule = lab_schedule(six_months(pregnancy_potential=True, diabetes=True), smpc)
    hcg = [(d.due.isoformat(), d.reason) for d in schedule if d.tests == ("HCG",)]
    assert hcg == [
        ("2026-01-15", "baseline"),
        *[(f"2026-0{m + 1}-15", f"month {m}") for m in range(1, 7)],
        ("2026-08-15", "1 month after last dose"),
    ]
    blood = [(d.due.isoformat(), d.tests) for d in schedule if "HCG" not in d.tests]
    assert blood[0] == ("2026-01-15", (*LABS, "GLUCOSE"))
    assert [b[1] for b in blood[1:]] == [LABS, LABS, LABS]  # glucose only at baseline


def test_windows_fasting_and_instruction(smpc: ScheduleProfile) -> None:
    schedule = lab_schedule(six_months(pregnancy_potential=True), smpc)
    by_reason = {(d.reason, d.tests): d for d in schedule}
    base = by_reason[("baseline", LABS)]
    assert (base.window_from, base.window_until) == (date(2025, 12, 16), date(2026, 1, 15))
    assert base.fasting
    assert "12 hours" in base.instruction and "36 hours" in base.instruction
    assert "alcohol" in base.instruction
    hcg = by_reason[("month 2", ("HCG",))]
    assert (hcg.window_from, hcg.due, hcg.window_until) == (
        date(2026, 3, 12),
        date(2026, 3, 15),
        date(2026, 3, 15),
    )
    assert not hcg.fasting and hcg.instruction == ""
    after = by_reason[("1 month after last dose", ("HCG",))]
    assert (after.window_from, after.window_until) == (date(2026, 8, 15), date(2026, 8, 22))


def test_early_end_drops_later_tests_and_moves_the_end(smpc: ScheduleProfile) -> None:
    course = six_months(pregnancy_potential=True, actual_end_date=date(2026, 4, 20))
    schedule = lab_schedule(course, smpc)
    assert max(d.due for d in schedule) == date(2026, 5, 20)  # one month after the last dose
    assert ("2026-04-20", LABS, "end of course") in rows(schedule)
    assert not any(d.reason == "month 4" for d in schedule)
    hcg_months = [d.reason for d in schedule if d.tests == ("HCG",)]
    assert hcg_months == ["baseline", "month 1", "month 2", "month 3", "1 month after last dose"]


def test_a_periodic_draw_close_to_the_end_is_covered_by_the_end_draw(
    smpc: ScheduleProfile,
) -> None:
    # Month 4 (2026-05-15) falls 10 days before the end: only the end-of-course draw remains.
    schedule = lab_schedule(CourseInfo(date(2026, 1, 15), date(2026, 5, 25)), smpc)
    assert [d.reason for d in schedule] == ["baseline", "month 1", "end of course"]
    # Fifteen days before the end it stays.
    schedule = lab_schedule(CourseInfo(date(2026, 1, 15), date(2026, 5, 30)), smpc)
    assert [d.reason for d in schedule] == ["baseline", "month 1", "month 4", "end of course"]


def test_month_arithmetic_clamps_from_the_start_not_step_by_step(smpc: ScheduleProfile) -> None:
    course = CourseInfo(date(2026, 1, 31), date(2026, 5, 31), pregnancy_potential=True)
    hcg = [d.due for d in lab_schedule(course, smpc) if d.tests == ("HCG",)]
    assert hcg == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
    ]


def test_minimal_without_dose_change_checks_one_month_into_the_course(
    minimal: ScheduleProfile,
) -> None:
    course = six_months(start_mg_per_day=40)
    assert rows(lab_schedule(course, minimal)) == [
        ("2026-01-15", ("ALT", "TG"), "baseline"),
        ("2026-02-15", ("ALT", "TG"), "peak dose"),
    ]


def test_minimal_follows_the_peak_dose(minimal: ScheduleProfile) -> None:
    changes = (
        DoseChange(date(2026, 2, 20), 40),
        DoseChange(date(2026, 3, 31), 60),
        DoseChange(date(2026, 5, 1), 40),
        DoseChange(date(2026, 6, 1), 60),  # the same peak again: the first day counts
    )
    course = six_months(start_mg_per_day=20, dose_changes=changes, pregnancy_potential=True)
    schedule = lab_schedule(course, minimal)
    peak = [d for d in schedule if d.reason == "peak dose"]
    assert [(d.due, d.tests, d.fasting) for d in peak] == [(date(2026, 4, 30), ("ALT", "TG"), True)]
    assert (peak[0].window_from, peak[0].window_until) == (date(2026, 4, 23), date(2026, 5, 7))
    assert [d.reason for d in schedule if d.tests == ("HCG",)] == [
        "baseline",
        *[f"month {m}" for m in range(1, 7)],
        "1 month after last dose",
    ]


def test_minimal_peak_after_an_early_end(minimal: ScheduleProfile) -> None:
    # The dose rose on 1 April; the course stopped on 15 April: the peak check falls at the end,
    # and a dose change after the end is ignored.
    changes = (DoseChange(date(2026, 4, 1), 60), DoseChange(date(2026, 5, 1), 80))
    course = six_months(
        start_mg_per_day=40, dose_changes=changes, actual_end_date=date(2026, 4, 15)
    )
    assert rows(lab_schedule(course, minimal)) == [
        ("2026-01-15", ("ALT", "TG"), "baseline"),
        ("2026-04-15", ("ALT", "TG"), "peak dose"),
    ]


def test_schedule_is_deterministic_and_sorted(smpc: ScheduleProfile) -> None:
    course = six_months(pregnancy_potential=True, diabetes=True)
    first = lab_schedule(course, smpc)
    assert first == lab_schedule(course, smpc)
    assert [d.due for d in first] == sorted(d.due for d in first)


def test_profile_by_id_uses_the_configured_forms_folder() -> None:
    course = six_months()
    assert lab_schedule(course, "minimal") == lab_schedule(course, load_schedule(FORMS, "minimal"))


def test_end_before_start_is_an_input_error(smpc: ScheduleProfile) -> None:
    with pytest.raises(InputError, match="end date is before the start"):
        lab_schedule(CourseInfo(date(2026, 3, 1), date(2026, 2, 1)), smpc)


def test_schedule_files_pin_a_hash(smpc: ScheduleProfile) -> None:
    import hashlib

    data = (FORMS / "schedules" / "smpc.toml").read_bytes()
    assert smpc.sha256 == hashlib.sha256(data).hexdigest()
    assert smpc.version and smpc.id == "smpc"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'tests = ["ALT", "TG"]\nwindow_before_days = 30',
            'tests = ["ALT", "LDL"]\nwindow_before_days = 30',
            "schedules/minimal.toml: rules[0].tests[1]: 'LDL' is not one of",
        ),
        (
            'at = "peak-dose"',
            'at = "peak"',
            "schedules/minimal.toml: rules[2].at: 'peak' is not one of",
        ),
        (
            "delay_months = 1",
            "delay_month = 1",
            "schedules/minimal.toml: rules[2].delay_month: unknown key",
        ),
        (
            "delay_months = 1",
            "delay_months = 1\nmonth = 2",
            "schedules/minimal.toml: rules[2].month: does not apply to a rule at 'peak-dose'",
        ),
        ('id = "minimal"', 'id = "minimum"', "schedules/minimal.toml: id: 'minimum' differs"),
        (
            'only_if = "pregnancy_potential"\nwindow_before_days = 3',
            'only_if = "female"\nwindow_before_days = 3',
            "schedules/minimal.toml: rules[1].only_if: 'female' is not one of",
        ),
        (
            "every_months = 1",
            "every_months = 0",
            "schedules/minimal.toml: rules[3].every_months: must be at least 1, got 0",
        ),
    ],
)
def test_a_broken_schedule_names_file_and_key(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    shutil.copytree(FORMS / "schedules", tmp_path / "schedules")
    path = tmp_path / "schedules" / "minimal.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(FormDataError) as info:
        load_schedule(tmp_path, "minimal")
    assert any(p.startswith(problem) for p in info.value.problems), info.value.problems
