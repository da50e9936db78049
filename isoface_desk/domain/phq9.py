"""PHQ-9 scoring (Kroenke, Spitzer, Williams 2001; free to reproduce).

Nine answers 0-3, total 0-27. Bands: 0-4 minimal, 5-9 mild, 10-14 moderate,
15-19 moderately severe, 20-27 severe. Item 9 asks about thoughts of self-harm and needs
same-day follow-up whatever the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from isoface_desk.errors import InputError

ITEMS = 9
MAX_ANSWER = 3
#: (lowest total of the band, band name), highest first.
BANDS: tuple[tuple[int, str], ...] = (
    (20, "severe"),
    (15, "moderately severe"),
    (10, "moderate"),
    (5, "mild"),
    (0, "minimal"),
)


@dataclass(frozen=True, slots=True)
class Phq9Score:
    total: int
    band: str
    item9: int


def band_of(total: int) -> str:
    for lowest, name in BANDS:
        if total >= lowest:
            return name
    raise InputError(f"phq9: total {total} is below 0")


def score_phq9(answers: Sequence[int]) -> Phq9Score:
    """Total, band and item 9 of nine answers 0-3; InputError for anything else."""
    problems: list[str] = []
    if len(answers) != ITEMS:
        problems.append(f"phq9: expected exactly nine answers, got {len(answers)}")
    for i, answer in enumerate(answers):
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= MAX_ANSWER:
            problems.append(f"phq9[{i}]: must be a whole number from 0 to {MAX_ANSWER}")
    if problems:
        raise InputError(problems)
    total = sum(answers)
    return Phq9Score(total=total, band=band_of(total), item9=answers[ITEMS - 1])
