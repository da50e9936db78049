"""PHQ-9 scoring and the dose arithmetic (mg/kg/day, cumulative, target dates)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from isoface_desk.domain.dose import (
    above,
    cumulative_above,
    cumulative_mg_per_kg,
    dates_reaching,
    mg_per_kg_day,
    round2,
)
from isoface_desk.domain.phq9 import score_phq9
from isoface_desk.errors import InputError


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "moderately severe"), (19, "moderately severe"), (20, "severe"),
     (27, "severe")],
)  # fmt: skip
def test_bands(total: int, band: str) -> None:
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    answers += [0] * (9 - len(answers))
    score = score_phq9(answers)
    assert (score.total, score.band) == (total, band)


def test_item9_is_the_last_answer() -> None:
    assert score_phq9([0] * 8 + [2]).item9 == 2
    assert score_phq9([3] * 8 + [0]).item9 == 0


@pytest.mark.parametrize("answers", [[0] * 8, [0] * 10, [0] * 8 + [4], [0] * 8 + [-1],
                                     [0] * 8 + [True], [0] * 8 + [1.5]])  # fmt: skip
def test_invalid_answers(answers: list[int]) -> None:
    with pytest.raises(InputError, match="phq9"):
        score_phq9(answers)


def test_mg_per_kg_day_and_cumulative() -> None:
    assert round2(mg_per_kg_day(40, 62.5)) == 0.64
    assert round2(cumulative_mg_per_kg(0, 40, 30, 62.5)) == 19.2
    assert round2(cumulative_mg_per_kg(2240, 40, 28, 71.5)) == 46.99


def test_round2_is_half_up() -> None:
    assert round2(Decimal("0.125")) == 0.13
    assert round2(Decimal("0.135")) == 0.14
    assert round2(Decimal("2.675")) == 2.68  # float round() would give 2.67


def test_above_is_exact() -> None:
    assert not above(124.6, 62.3, 2.0)
    assert above(124.61, 62.3, 2.0)
    assert not cumulative_above(6380, 40, 28, 50, 150)
    assert cumulative_above(6380.01, 40, 28, 50, 150)


def test_dates_reaching_counts_the_visit_day_as_the_first_dose() -> None:
    # 50 kg: 120 mg/kg = 6000 mg, 150 mg/kg = 7500 mg; 5000 mg given, 100 mg a day.
    targets = dates_reaching(date(2026, 1, 1), 50, 100, 5000)
    assert [(t.mg_per_kg, t.on, t.already_reached) for t in targets] == [
        (120.0, date(2026, 1, 10), False),  # doses on 1..10 January: 5000 + 10 x 100 = 6000
        (150.0, date(2026, 1, 25), False),  # 25 doses: 7500
    ]
    partial = dates_reaching(date(2026, 1, 1), 50, 100, 5001)
    assert partial[0].on == date(2026, 1, 10)  # 9.99 doses needed: the 10th reaches it
    exact_first = dates_reaching(date(2026, 1, 1), 50, 100, 5900)
    assert exact_first[0].on == date(2026, 1, 1)


def test_dates_reaching_already_reached_and_beyond_the_calendar() -> None:
    done = dates_reaching(date(2026, 1, 1), 50, 40, 7500)
    assert all(t.already_reached and t.on is None for t in done)
    far = dates_reaching(date(2026, 1, 1), 300, 0.0001, 0)
    assert all(t.on is None and not t.already_reached for t in far)
