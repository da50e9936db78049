"""Quantities in words for prescriptions (domain/number_words.py)."""

from __future__ import annotations

import pytest

from isoface_desk.domain.number_words import in_words


@pytest.mark.parametrize(
    ("n", "es", "en"),
    [
        (0, "cero", "zero"),
        (16, "dieciséis", "sixteen"),
        (21, "veintiuno", "twenty-one"),
        (56, "cincuenta y seis", "fifty-six"),
        (100, "cien", "one hundred"),
        (101, "ciento uno", "one hundred and one"),
        (168, "ciento sesenta y ocho", "one hundred and sixty-eight"),
        (1000, "mil", "one thousand"),
        (2021, "dos mil veintiuno", "two thousand and twenty-one"),
        (21000, "veintiún mil", "twenty-one thousand"),
        (31000, "treinta y un mil", "thirty-one thousand"),
    ],
)
def test_numbers_in_words(n: int, es: str, en: str) -> None:
    assert in_words(n, "es") == es
    assert in_words(n, "en") == en


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        in_words(1_000_000, "es")
