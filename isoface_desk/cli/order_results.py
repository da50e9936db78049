"""`isoface-desk orders result|import`: lab results from the command line, stored exactly
as the nurse's results dialog stores them.

    isoface-desk orders result LO-000061 --date 2026-06-05 --value TG=9.5:mmol/L \\
        --value ALT=30 --uln ALT=40 --value AST=25 --uln AST=40 --user nurse
    isoface-desk orders import results.csv --user nurse      # or a FHIR R4 Bundle (JSON)

`result` calls LabResultService.record, the dialog's own call (same checks, grading and
"result" audit event); `import` checks every row of the file first and stores all or
nothing (services/labs/lab_import.py). Both print what was stored with its grade. Bad input
(a malformed --value, an unknown order, a unit the test does not take, a bad row) is one
line per problem on stderr and exit status 2; nothing is stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isoface_desk.cli.args import iso_date
from isoface_desk.cli.login import add_login_arguments
from isoface_desk.errors import InputError, NotFound

if TYPE_CHECKING:
    from isoface_desk.domain.lab_results import ResultEntry
    from isoface_desk.services.labs.lab_results import ResultLine

VALUE_SYNTAX = "TEST=NUMBER[:UNIT], e.g. TG=9.5:mmol/L or HCG=negative"


def register(sub: Any) -> None:
    result = sub.add_parser(
        "result",
        help="enter the results of one order (as the nurse's results dialog does)",
        description="Store the results of every test of one order, graded against the "
        "clinic profile's thresholds, and mark it resulted (audited). A second entry for a "
        "resulted order corrects it.",
    )
    result.add_argument(
        "order", metavar="ORDER", help="the printed order id (LO-000061) or its number"
    )
    result.add_argument("--date", type=iso_date, required=True, metavar="DATE",
                        help="the result date, YYYY-MM-DD")  # fmt: skip
    result.add_argument("--value", action="append", default=[], metavar="TEST=NUMBER[:UNIT]",
                        help="one test's result (repeat for each test); the unit may be left "
                        "out when the test has only one; HCG=positive|negative")  # fmt: skip
    result.add_argument("--uln", action="append", default=[], metavar="TEST=NUMBER",
                        help="the lab's upper limit of normal (ALT, AST need it)")  # fmt: skip
    add_login_arguments(result)
    result.set_defaults(func=run_result)
    imported = sub.add_parser(
        "import",
        help="store the results of a laboratory file (CSV or FHIR R4 Bundle), all or nothing",
        description="Read results from a CSV file with the header order,test,value,unit,uln,"
        "date or a FHIR R4 Bundle of Observations (as export-fhir writes them). Every row is "
        "checked first; if any is bad nothing is stored and the bad rows are named.",
    )
    imported.add_argument("file", type=Path, metavar="FILE", help="the CSV or JSON file")
    add_login_arguments(imported)
    imported.set_defaults(func=run_import)


@contextmanager
def _bad_input() -> Iterator[None]:
    """InputError (and an unknown order) as one line per problem on stderr, exit 2."""
    try:
        yield
    except (InputError, NotFound) as exc:
        problems = exc.problems if isinstance(exc, InputError) else [str(exc)]
        for problem in problems:
            print(f"isoface-desk: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def run_result(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in
    from isoface_desk.domain.lab_import import order_ref, with_default_unit
    from isoface_desk.services.labs.lab_results import result_lines

    with _bad_input():
        order_id = order_ref(args.order)
        entries = parse_entries(args.value, args.uln, args.date)
    with signed_in(args) as (services, actor):
        results = services.lab_results
        entries = [with_default_unit(e, results.tests) for e in entries]
        with _bad_input():
            stored = results.record(actor, order_id, entries)
    print("\n".join(stored_lines(result_lines(stored))))
    return 0


def parse_entries(values: list[str], ulns: list[str], day: dt.date) -> list[ResultEntry]:
    """The entries of `--value` and `--uln` options; InputError listing every bad one."""
    from isoface_desk.domain.lab_import import parse_value
    from isoface_desk.domain.lab_results import ResultEntry

    problems = [] if values else [f"give each test's result with --value {VALUE_SYNTAX}"]
    parsed: dict[str, tuple[float | str, str]] = {}
    for text in values:
        test, _, rest = text.partition("=")
        number, _, unit = rest.partition(":")
        value = parse_value(number)
        if not test.strip() or value is None:
            problems.append(f"--value {text!r}: write {VALUE_SYNTAX}")
        elif test.strip().upper() in parsed:
            problems.append(f"--value {text!r}: {test.strip().upper()} is given twice")
        else:
            parsed[test.strip().upper()] = (value, unit.strip())
    limits = _limits(ulns, parsed, problems)
    if problems:
        raise InputError(problems)
    return [
        ResultEntry(test, day, value, unit, limits.get(test))
        for test, (value, unit) in parsed.items()
    ]


def _limits(ulns: list[str], tests: dict[str, Any], problems: list[str]) -> dict[str, float]:
    from isoface_desk.domain.lab_import import parse_value

    limits: dict[str, float] = {}
    for text in ulns:
        test, _, number = text.partition("=")
        value = parse_value(number)
        key = test.strip().upper()
        if not key or not isinstance(value, float):
            problems.append(f"--uln {text!r}: write TEST=NUMBER, e.g. ALT=40")
        elif key not in tests:
            problems.append(f"--uln {text!r}: there is no --value for {key}")
        elif key in limits:
            problems.append(f"--uln {text!r}: {key} is given twice")
        else:
            limits[key] = value
    return limits


def stored_lines(lines: Sequence[ResultLine]) -> list[str]:
    """What was stored on one order (services/labs/lab_results.py result_lines): a line per
    test with its grade."""
    from isoface_desk.domain.lab_results import worst

    level = worst([line.level for line in lines])
    out = [f"{lines[0].code}: resulted, {level}"] if lines else []
    for line in lines:
        entry = line.entry
        shown = entry.value if isinstance(entry.value, str) else f"{entry.value:g} {entry.unit}"
        uln = f" (ULN {entry.uln:g})" if entry.uln is not None else ""
        out.append(f"  {entry.test:<8} {entry.result_date.isoformat()}  {shown}{uln}  "
                   f"{line.level.upper()}  {line.message}")  # fmt: skip
    return out


def run_import(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in
    from isoface_desk.services.labs.lab_results import result_lines

    with signed_in(args) as (services, actor):
        importer = services.lab_import
        with _bad_input():
            done = importer.import_file(actor, args.file)
    for order in done.orders:
        print("\n".join(stored_lines(result_lines(order))))
    print(f"{done.format}: {done.results} result(s) of {len(done.orders)} order(s) stored")
    return 0
