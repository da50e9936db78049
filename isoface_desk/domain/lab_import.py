"""Lab results read from a laboratory's file or typed on a command line, before checking.

A file is CSV with a header row (columns `order,test,value,unit,uln,date`; CSV_COLUMNS)
or a FHIR R4 Bundle of Observations (JSON; domain/fhir_read.py `read_observations`).
`read_lab_file` tells them apart and gives every row it could read as an `ImportRow`
(where it is, which order, the ResultEntry) and one sentence per row it could not read.
Whether a row's result is usable (known test, allowed unit, date not in the future...)
and whether an order's rows are complete is checked later, in the service, with the same
functions as the nurse's results dialog.

Orders are named by their printed id (`LO-000061`) or by their number (`61`). A value is
a number (decimal point or comma) or, for the pregnancy test, `positive` / `negative`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field, replace
from typing import Any

from isoface_desk.domain.lab_orders import (
    ORDER_CODE_PREFIX,
    PRESENCE_VALUES,
    order_code,
    order_number,
)
from isoface_desk.domain.lab_results import ResultEntry
from isoface_desk.domain.lab_tests import LabTestTable
from isoface_desk.errors import InputError

#: The CSV header a laboratory file has (any order, any case; unit and uln may be left
#: out or empty; other columns are ignored).
CSV_COLUMNS: tuple[str, ...] = ("order", "test", "value", "unit", "uln", "date")
CSV_REQUIRED: tuple[str, ...] = ("order", "test", "value", "date")
MAX_ROWS = 10_000


@dataclass(frozen=True)
class ImportRow:
    """One result of a file: `where` names it for people ("row 3", "entry[7]")."""

    where: str
    order_id: int
    entry: ResultEntry


@dataclass
class LabFile:
    """What a file holds: the rows read and one sentence per row that could not be read."""

    format: str  # "CSV" or "FHIR R4 Bundle"
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def order_ref(text: str) -> int:
    """The stored number of an order named `LO-000061` or `61`; InputError otherwise."""
    cleaned = text.strip()
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) < 20:
        order_code(int(cleaned))  # InputError when out of range
        return int(cleaned)
    if cleaned.upper().startswith(ORDER_CODE_PREFIX):
        number = order_number(ORDER_CODE_PREFIX + cleaned[len(ORDER_CODE_PREFIX) :])
        order_code(number)  # InputError when out of range
        return number
    raise InputError(f"{text!r} is not a lab order (LO-000061, or its number 61)")


def parse_value(text: str) -> float | str | None:
    """A number ("4,8" or "4.8"), "positive"/"negative", or None when it is neither."""
    cleaned = text.strip().lower()
    if cleaned in PRESENCE_VALUES:
        return cleaned
    try:
        value = float(cleaned.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def with_default_unit(entry: ResultEntry, tests: LabTestTable) -> ResultEntry:
    """The entry with its test's only unit when none was given (ALT: U/L); a test with
    several units (TG: mmol/L or mg/dL) needs it given, as does an unknown test."""
    definition = tests.tests.get(entry.test)
    if entry.unit or isinstance(entry.value, str) or definition is None:
        return entry
    if len(definition.units) == 1:
        return replace(entry, unit=definition.units[0].ucum)
    return entry


def read_lab_file(data: bytes, tests: LabTestTable) -> LabFile:
    """The results of a laboratory file: a FHIR Bundle (JSON) or CSV, told by content."""
    from isoface_desk.domain.fhir_read import read_observations

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text (CSV or FHIR JSON)") from None
    if text.lstrip().startswith("{"):
        return read_observations(_json(text), tests)
    return read_csv(text)


def _json(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"the file is not valid JSON: {exc}") from None


def read_csv(text: str) -> LabFile:
    """The rows of a CSV laboratory file; rows are numbered as a spreadsheet shows them
    (the header is row 1)."""
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in CSV_REQUIRED if name not in header]
    if missing:
        raise InputError(
            f"CSV row 1: the header needs the columns {', '.join(CSV_COLUMNS)} "
            f"(missing: {', '.join(missing)})"
        )
    found = LabFile("CSV")
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if reader.line_num > MAX_ROWS:
            raise InputError(f"CSV: more than {MAX_ROWS} rows; split the file")
        where = f"row {reader.line_num}"
        if len(cells) > len(header):
            found.problems.append(
                f"{where}: {len(cells)} fields, the header has {len(header)} (a decimal comma "
                f"in a comma-separated file must be quoted)"
            )
            continue
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        _csv_row(found, where, row)
    if not found.rows and not found.problems:
        found.problems.append("CSV: no result rows below the header")
    return found


def _csv_row(found: LabFile, where: str, row: dict[str, str]) -> None:
    problems = [f"{where}: {name} is empty" for name in CSV_REQUIRED if not row.get(name)]
    if problems:
        found.problems += problems
        return
    test = row["test"].upper()
    value = parse_value(row["value"])
    uln_text = row.get("uln", "")
    uln = parse_value(uln_text) if uln_text else None
    problems = _order_problem(where, row["order"])
    if value is None:
        problems.append(f"{where}: {test}: value {row['value']!r} is not a number")
    if uln_text and not isinstance(uln, float):
        problems.append(f"{where}: {test}: uln {uln_text!r} is not a number")
    day = _date(row["date"])
    if day is None:
        problems.append(f"{where}: date {row['date']!r} is not a date (YYYY-MM-DD)")
    if problems or value is None or day is None:
        found.problems += problems
        return
    entry = ResultEntry(
        test, day, value, row.get("unit", ""), uln if isinstance(uln, float) else None
    )
    found.rows.append(ImportRow(where, order_ref(row["order"]), entry))


def _order_problem(where: str, text: str) -> list[str]:
    try:
        order_ref(text)
    except InputError as exc:
        return [f"{where}: {exc}"]
    return []


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
