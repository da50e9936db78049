"""Patients from a CSV file (`isoface-desk patients import FILE.csv`), checked row by row.

The file is UTF-8 (a byte-order mark is fine) with a header line naming its columns, in
any order:

    clinic_number, given_name, family_name, birth_date, sex_at_birth   (required)
    can_get_pregnant, phone                                            (optional)

`birth_date` is YYYY-MM-DD (or DD/MM/YYYY), `sex_at_birth` one of female, male, intersex,
unknown, `can_get_pregnant` yes, no or empty (not asked yet). Every row is checked before
anything is stored; any bad row and nothing is imported, and each bad row is named by its
line number in the file (the header is line 1) with what is wrong. `PatientService.
bulk_import` then adds them in one unit of work (a clinic number already in the database
refuses the whole file too).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from isoface_desk.errors import InputError
from isoface_desk.storage.repositories.patients import SEXES, PatientData

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "duplicate_numbers",
    "patient_problems",
    "read_patients_csv",
    "summarised",
]

REQUIRED = ("clinic_number", "given_name", "family_name", "birth_date", "sex_at_birth")
OPTIONAL = ("can_get_pregnant", "phone")
MAX_BYTES = 50 * 1024 * 1024
MAX_SHOWN = 50
_YES_NO = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


def patient_problems(data: PatientData, today: dt.date | None = None) -> list[str]:
    """What is wrong with one patient's details (empty: nothing)."""
    problems = []
    if not data.clinic_number.strip():
        problems.append("no clinic number")
    elif len(data.clinic_number) > 60:
        problems.append("the clinic number is longer than 60 characters")
    if not (data.given_name.strip() or data.family_name.strip()):
        problems.append("neither a given nor a family name")
    if data.sex_at_birth not in SEXES:
        problems.append(f"sex at birth '{data.sex_at_birth}' is not one of {', '.join(SEXES)}")
    if data.birth_date > (today or dt.date.today()):
        problems.append("the birth date is in the future")
    return problems


def duplicate_numbers(patients: Sequence[PatientData]) -> list[str]:
    counts = Counter(p.clinic_number.strip() for p in patients)
    return sorted(number for number, n in counts.items() if n > 1 and number)


def read_patients_csv(path: Path, today: dt.date | None = None) -> list[PatientData]:
    """The patients of the file at `path`; InputError naming every bad line."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path} is larger than 50 MB: split it into smaller files.")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (byte {exc.start}).") from exc
    return parse_patients_csv(text, today)


def parse_patients_csv(text: str, today: dt.date | None = None) -> list[PatientData]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _check_header(reader.fieldnames)
    patients: list[PatientData] = []
    lines: list[int] = []
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        data, found = _patient(row, today)
        problems += [f"line {line}: {p}" for p in found]
        if data is not None:
            patients.append(data)
            lines.append(line)
    by_number: dict[str, list[int]] = {}
    for data, line in zip(patients, lines, strict=True):
        by_number.setdefault(data.clinic_number, []).append(line)
    for number in duplicate_numbers(patients):
        where = ", ".join(str(n) for n in by_number[number])
        problems.append(f"lines {where}: clinic number {number} appears more than once")
    if problems:
        raise InputError(summarised(problems))
    if not patients:
        raise InputError("The file has a header but no patients.")
    return patients


def _check_header(names: Sequence[str] | None) -> None:
    if not names:
        raise InputError(
            f"The file is empty: the first line must name the columns ({', '.join(REQUIRED)})."
        )
    columns = [n.strip() for n in names]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    problems = []
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    if unknown:
        allowed = ", ".join(REQUIRED + OPTIONAL)
        problems.append(f"line 1: unknown column(s) {', '.join(unknown)} (known: {allowed})")
    if problems:
        raise InputError(problems)


def _patient(
    row: Mapping[str | None, object], today: dt.date | None
) -> tuple[PatientData | None, list[str]]:
    if None in row:
        return None, ["more values than columns"]
    cells = {str(k).strip(): ("" if v is None else str(v).strip()) for k, v in row.items()}
    problems = []
    born = _date(cells["birth_date"])
    if born is None:
        problems.append(f"birth date '{cells['birth_date']}' is not a date (YYYY-MM-DD)")
    pregnant_text = cells.get("can_get_pregnant", "").lower()
    if pregnant_text and pregnant_text not in _YES_NO:
        problems.append(f"can_get_pregnant '{pregnant_text}' is not yes, no or empty")
    if born is None:
        return None, problems
    data = PatientData(
        given_name=cells["given_name"],
        family_name=cells["family_name"],
        birth_date=born,
        sex_at_birth=cells["sex_at_birth"].lower(),
        clinic_number=cells["clinic_number"],
        can_get_pregnant=_YES_NO.get(pregnant_text),
        phone=cells.get("phone", ""),
    )
    problems += patient_problems(data, today)
    return (None if problems else data), problems


def _date(text: str) -> dt.date | None:
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def summarised(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_SHOWN:
        return ["Nothing was imported:", *problems]
    more = len(problems) - MAX_SHOWN
    return ["Nothing was imported:", *problems[:MAX_SHOWN], f"... and {more} more problem(s)"]
