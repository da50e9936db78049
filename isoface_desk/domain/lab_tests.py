"""The laboratory tests an order can ask for, with their LOINC codes (forms/codes/lab-tests.toml).

`load_lab_tests(forms_dir)` validates the file with a `Reader` (every problem at once, as
"codes/lab-tests.toml: tests[2].loinc: ..."): each schedule test code present, LOINC codes
well formed with a correct check digit, fasting flags agreeing with the schedules, units
as UCUM codes. `LabTestTable.observation_coding(test, unit)` gives the LOINC code of a
result in a unit (mmol/L and mg/dL are different LOINC terms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from isoface_desk.domain.formdata import Reader, file_hash, load_toml
from isoface_desk.domain.lab_schedule import FASTING_TESTS, TEST_CODES
from isoface_desk.errors import InputError

FILE_NAME = "lab-tests.toml"
RESULT_KINDS = ("quantity", "presence")
TEST_CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]*$")
LOINC_PATTERN = re.compile(r"^(\d{1,7})-(\d)$")
UCUM_PATTERN = re.compile(r"^[!-~]+$")  # printable ASCII, no spaces (UCUM case-sensitive form)

ResultKind = Literal["quantity", "presence"]


def loinc_check_digit(number: str) -> int:
    """The LOINC check digit of the part before the hyphen (the mod-10 "Luhn" rule)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        digit = int(ch)
        if i % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def loinc_problem(code: str) -> str | None:
    """Why `code` is not a well-formed LOINC code, or None if it is."""
    match = LOINC_PATTERN.match(code)
    if match is None:
        return f"{code!r} is not a LOINC code (digits, a hyphen, a check digit)"
    expected = loinc_check_digit(match.group(1))
    if int(match.group(2)) != expected:
        return f"{code!r} has a wrong check digit (expected {match.group(1)}-{expected})"
    return None


@dataclass(frozen=True)
class UnitCoding:
    """A unit a result may come in (UCUM) and the LOINC term of a result in that unit."""

    ucum: str
    loinc: str
    loinc_display: str


@dataclass(frozen=True)
class LabTestDef:
    code: str
    name: str
    loinc: str
    loinc_display: str
    specimen: str
    fasting: bool
    result: ResultKind
    units: tuple[UnitCoding, ...] = ()


@dataclass(frozen=True, eq=False)
class LabTestTable:
    tests: dict[str, LabTestDef]
    fasting_instruction: str
    source: str = f"codes/{FILE_NAME}"
    sha256: str = ""

    def get(self, code: str) -> LabTestDef:
        test = self.tests.get(code)
        if test is None:
            known = ", ".join(self.tests)
            raise InputError(f"lab test {code!r} is not in {self.source} ({known})")
        return test

    def observation_coding(self, code: str, unit: str) -> UnitCoding:
        """The LOINC coding of a result of test `code` in `unit` (a UCUM code)."""
        test = self.get(code)
        if test.result == "presence":
            return UnitCoding("", test.loinc, test.loinc_display)
        for coding in test.units:
            if coding.ucum == unit:
                return coding
        units = ", ".join(c.ucum for c in test.units)
        raise InputError(f"lab test {code}: unit {unit!r} is not one of {units}")


def load_lab_tests(forms_dir: Path) -> LabTestTable:
    """Load and validate forms/codes/lab-tests.toml (FormDataError lists every problem)."""
    return load_lab_tests_file(forms_dir / "codes" / FILE_NAME)


@lru_cache(maxsize=4)
def _cached(forms_dir: str) -> LabTestTable:
    return load_lab_tests(Path(forms_dir))


def default_lab_tests() -> LabTestTable:
    """The table of the configured forms folder (config.forms_dir()), loaded once."""
    from isoface_desk.config import forms_dir

    return _cached(str(Path(forms_dir()).resolve()))


def load_lab_tests_file(path: Path) -> LabTestTable:
    label = f"codes/{path.name}"
    data = load_toml(path, label)
    r = Reader(label)
    r.unknown_keys(data, ("fasting_instruction", "tests"))
    instruction = (r.get(data, "fasting_instruction", str) or "").strip()
    r.check(instruction != "" or "fasting_instruction" not in data, "fasting_instruction",
            "must not be empty")  # fmt: skip
    tests: dict[str, LabTestDef] = {}
    rows = r.list_of(data, "tests", dict)
    listed = [row.get("code") for row in rows]
    for i, row in enumerate(rows):
        if listed[i] in listed[:i]:
            r.problem(f"tests[{i}].code", f"{listed[i]!r} is listed twice")
        test = _test(r, row, f"tests[{i}]")
        if test is not None:
            tests.setdefault(test.code, test)
    for code in TEST_CODES:
        r.check(code in listed or "tests" not in data, "tests",
                f"must include {code!r} (the schedules order it)")  # fmt: skip
    r.finish()
    order = {code: i for i, code in enumerate(TEST_CODES)}
    ordered = sorted(tests.values(), key=lambda t: (order.get(t.code, len(order)), t.code))
    return LabTestTable(
        tests={t.code: t for t in ordered},
        fasting_instruction=instruction,
        source=label,
        sha256=file_hash(path),
    )


_TEXT_KEYS = ("code", "name", "loinc", "loinc_display", "specimen", "result")


def _test(r: Reader, row: dict[str, Any], where: str) -> LabTestDef | None:
    r.unknown_keys(row, (*_TEXT_KEYS, "fasting", "units"), where)
    texts = {key: (r.get(row, key, str, where) or "").strip() for key in _TEXT_KEYS}
    for key, value in texts.items():
        r.check(value != "" or not isinstance(row.get(key), str), f"{where}.{key}",
                "must not be empty")  # fmt: skip
    code = texts["code"]
    r.check(not code or bool(TEST_CODE_PATTERN.match(code)), f"{where}.code",
            f"{code!r} must be upper-case letters, digits and underscores")  # fmt: skip
    _check_loinc(r, texts["loinc"], f"{where}.loinc")
    fasting = r.get(row, "fasting", bool, where)
    if code in TEST_CODES and fasting is not None and fasting != (code in FASTING_TESTS):
        r.problem(f"{where}.fasting", f"must be {str(code in FASTING_TESTS).lower()} for "
                  f"{code} (the schedules give its fasting instruction by this)")  # fmt: skip
    r.one_of(texts["result"] or None, RESULT_KINDS, f"{where}.result")
    units = _units(r, row, where, texts["result"], texts["loinc"], texts["loinc_display"])
    if not all(texts.values()) or fasting is None or texts["result"] not in RESULT_KINDS:
        return None
    kind: ResultKind = "quantity" if texts["result"] == "quantity" else "presence"
    return LabTestDef(
        code=code,
        name=texts["name"],
        loinc=texts["loinc"],
        loinc_display=texts["loinc_display"],
        specimen=texts["specimen"],
        fasting=fasting,
        result=kind,
        units=units,
    )


def _check_loinc(r: Reader, code: str, key: str) -> None:
    why = loinc_problem(code) if code else None
    if why is not None:
        r.problem(key, why)


def _units(
    r: Reader, row: dict[str, Any], where: str, kind: str, loinc: str, display: str
) -> tuple[UnitCoding, ...]:
    if kind == "presence":
        r.check("units" not in row, f"{where}.units", "a presence test has no units")
        return ()
    tables = r.list_of(row, "units", dict, where, required=kind == "quantity")
    r.check(bool(tables) or "units" not in row, f"{where}.units", "must not be empty")
    out: list[UnitCoding] = []
    for j, table in enumerate(tables):
        at = f"{where}.units[{j}]"
        r.unknown_keys(table, ("ucum", "loinc", "loinc_display"), at)
        ucum = r.get(table, "ucum", str, at) or ""
        r.check(not ucum or bool(UCUM_PATTERN.match(ucum)), f"{at}.ucum",
                f"{ucum!r} is not a UCUM code (printable characters, no spaces)")  # fmt: skip
        r.check(ucum not in {u.ucum for u in out}, f"{at}.ucum", f"{ucum!r} is listed twice")
        own = r.get(table, "loinc", str, at, required=False)
        own_display = r.get(table, "loinc_display", str, at, required=own is not None)
        if own is not None:
            _check_loinc(r, own, f"{at}.loinc")
        if ucum:
            out.append(UnitCoding(ucum, own or loinc, own_display or display))
    return tuple(out)
