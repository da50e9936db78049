"""forms/codes/lab-tests.toml: the verified LOINC codes load, and a broken copy is named
precisely (file, key path, what is wrong), by the loader and by check-forms."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isoface_desk.config import PROJECT_ROOT
from isoface_desk.domain.forms_check import check_forms
from isoface_desk.domain.lab_schedule import FASTING_TESTS, TEST_CODES
from isoface_desk.domain.lab_tests import (
    default_lab_tests,
    load_lab_tests,
    loinc_check_digit,
    loinc_problem,
)
from isoface_desk.errors import FormDataError, InputError

FORMS = PROJECT_ROOT / "forms"
LABEL = "codes/lab-tests.toml"

#: The codes checked against LOINC for this table (order code, long common name).
VERIFIED = {
    "ALT": ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
    "AST": ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
    "TG": ("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma"),
    "CHOL": ("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"),
    "GLUCOSE": ("1558-6", "Fasting glucose [Mass/volume] in Serum or Plasma"),
    "HCG": ("2106-3", "Choriogonadotropin (pregnancy test) [Presence] in Urine"),
}
#: Results in mmol/L are a different LOINC term (substance, not mass, concentration).
MOLAR = {"TG": "14927-8", "CHOL": "14647-2", "GLUCOSE": "14771-0"}


def test_the_shipped_table_has_every_schedule_test_with_its_verified_code() -> None:
    table = load_lab_tests(FORMS)
    assert tuple(table.tests) == TEST_CODES
    for code, (loinc, display) in VERIFIED.items():
        test = table.get(code)
        assert (test.loinc, test.loinc_display) == (loinc, display)
        assert test.fasting == (code in FASTING_TESTS)
    assert "12 hours" in table.fasting_instruction and "36 hours" in table.fasting_instruction
    assert len(table.sha256) == 64


@pytest.mark.parametrize("code", sorted(MOLAR))
def test_a_result_in_mmol_per_litre_takes_the_molar_loinc_code(code: str) -> None:
    table = default_lab_tests()
    assert table.observation_coding(code, "mmol/L").loinc == MOLAR[code]
    assert "[Moles/volume]" in table.observation_coding(code, "mmol/L").loinc_display
    assert table.observation_coding(code, "mg/dL").loinc == VERIFIED[code][0]


def test_presence_and_enzyme_codings_and_unknown_units() -> None:
    table = default_lab_tests()
    assert table.observation_coding("HCG", "").loinc == "2106-3"
    assert table.observation_coding("ALT", "U/L").loinc == "1742-6"
    with pytest.raises(InputError, match=r"lab test ALT: unit 'mmol/L' is not one of U/L"):
        table.observation_coding("ALT", "mmol/L")
    with pytest.raises(InputError, match=r"lab test 'LDL' is not in codes/lab-tests.toml"):
        table.get("LDL")


@pytest.mark.parametrize(
    "code", ["1742-6", "1920-8", "2571-8", "2093-3", "1558-6", "2106-3", "2118-8", *MOLAR.values()]
)
def test_check_digits_of_the_codes_used(code: str) -> None:
    number, digit = code.split("-")
    assert loinc_check_digit(number) == int(digit)
    assert loinc_problem(code) is None


def test_a_wrong_check_digit_or_shape_is_named() -> None:
    assert loinc_problem("2571-9") == "'2571-9' has a wrong check digit (expected 2571-8)"
    assert loinc_problem("2571") == "'2571' is not a LOINC code (digits, a hyphen, a check digit)"


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    path = forms / "codes" / "lab-tests.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return forms


BROKEN = [
    ('loinc = "2571-8"', 'loinc = "2571-9"',
     "tests[2].loinc: '2571-9' has a wrong check digit (expected 2571-8)"),
    ('loinc = "14927-8"', 'loinc = "14927"',
     "tests[2].units[0].loinc: '14927' is not a LOINC code (digits, a hyphen, a check digit)"),
    ('code = "TG"\nname = "Triglycerides"\nloinc = "2571-8"\nloinc_display = '
     '"Triglyceride [Mass/volume] in Serum or Plasma"\nspecimen = "Serum or plasma"\n'
     "fasting = true",
     'code = "TG"\nname = "Triglycerides"\nloinc = "2571-8"\nloinc_display = '
     '"Triglyceride [Mass/volume] in Serum or Plasma"\nspecimen = "Serum or plasma"\n'
     "fasting = false",
     "tests[2].fasting: must be true for TG (the schedules give its fasting instruction by this)"),
    ('code = "HCG"', 'code = "HCG_URINE"', "tests: must include 'HCG' (the schedules order it)"),
    ('code = "AST"', 'code = "ALT"', "tests[1].code: 'ALT' is listed twice"),
    ('code = "AST"', 'code = "ast"',
     "tests[1].code: 'ast' must be upper-case letters, digits and underscores"),
    ('result = "presence"', 'result = "present"',
     "tests[5].result: 'present' is not one of quantity, presence"),
    ('{ ucum = "mg/dL" }', '{ ucum = "mg per dL" }',
     "tests[2].units[1].ucum: 'mg per dL' is not a UCUM code (printable characters, no spaces)"),
    ('units = [{ ucum = "U/L" }]', "units = []", "tests[0].units: must not be empty"),
    ('specimen = "Urine"', 'specimen = "Urine"\nunits = [{ ucum = "U/L" }]',
     "tests[5].units: a presence test has no units"),
    ('specimen = "Urine"', 'specimen = "Urine"\ntube = "red"', "tests[5].tube: unknown key"),
    ('name = "Cholesterol, total"', 'name = ""', "tests[3].name: must not be empty"),
    ("fasting = false\nresult", 'fasting = "no"\nresult',
     "tests[0].fasting: expected true or false, got 'no'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "problem"), BROKEN, ids=[b[2].split(":")[0] for b in BROKEN]
)
def test_a_broken_copy_names_file_key_and_fault(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    forms = broken_copy(tmp_path, old, new)
    with pytest.raises(FormDataError) as info:
        load_lab_tests(forms)
    assert f"{LABEL}: {problem}" in info.value.problems
    assert f"{LABEL}: {problem}" in check_forms(forms)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    forms = broken_copy(tmp_path, 'loinc = "1742-6"', 'loinc = "1742-7"')
    path = forms / "codes" / "lab-tests.toml"
    path.write_text(path.read_text().replace('loinc = "1920-8"', 'loinc = "1920-9"'))
    with pytest.raises(FormDataError) as info:
        load_lab_tests(forms)
    assert [p.split(": ")[1] for p in info.value.problems] == ["tests[0].loinc", "tests[1].loinc"]


def test_a_missing_table_is_a_form_data_error(tmp_path: Path) -> None:
    with pytest.raises(FormDataError, match=r"codes/lab-tests\.toml: file not found"):
        load_lab_tests(tmp_path)
