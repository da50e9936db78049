"""`isoface-desk check VISIT.json|-`: the headless safety check of docs/check-format.md.

Exit 0 with the result JSON on standard output for any verdict. Invalid input: nothing on
standard output, one line per problem on standard error (`field.path: what is wrong`),
exit 2, never a traceback. A broken forms/ folder is not the input's fault: exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_INPUT = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check one visit (JSON) against the safety rules and print the findings",
        description=(
            "Read one visit in the isoface-check/1 JSON format, apply the safety rules and "
            "print an isoface-check-result/1 JSON object. Exit 0 whatever the verdict; "
            "exit 2 for invalid input, with one line per problem on standard error."
        ),
    )
    parser.add_argument(
        "visit", metavar="VISIT.json", help="the visit file, or - for standard input"
    )
    parser.set_defaults(func=run)


def read_input(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    with open(source, "rb") as fh:
        return fh.read()


def decode(raw: bytes) -> object:
    """JSON from bytes, keeping keys given twice visible; InputError when not JSON."""
    from isoface_desk.domain.input_fields import ROOT, json_object_hook
    from isoface_desk.errors import InputError, Problem

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(Problem(ROOT, "not UTF-8 text")) from None
    try:
        return json.loads(text, object_pairs_hook=json_object_hook)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(ROOT, f"not valid JSON: {exc}")) from None
    except ValueError as exc:  # an integer literal longer than Python converts (4300 digits)
        raise InputError(Problem(ROOT, f"not valid JSON: {exc}")) from None
    except RecursionError:
        raise InputError(Problem(ROOT, "nested too deeply")) from None


def run(args: argparse.Namespace) -> int:
    from isoface_desk.domain.catalog import default_catalog
    from isoface_desk.domain.check_input import parse_visit
    from isoface_desk.domain.engine import evaluate, evaluation_to_dict
    from isoface_desk.errors import FormDataError, InputError

    try:
        raw = read_input(args.visit)
    except OSError as exc:
        print(f"{args.visit}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    catalog = default_catalog()  # a FormDataError here is the app's, not the input's: exit 1
    try:
        visit = parse_visit(decode(raw), catalog)
    except FormDataError:
        raise
    except InputError as exc:
        for line in exc.problems:
            print(line.replace("\n", " "), file=sys.stderr)
        return EXIT_INPUT
    result = evaluation_to_dict(evaluate(visit, catalog))
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=True) + "\n")
    return EXIT_OK
