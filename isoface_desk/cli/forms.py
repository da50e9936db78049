"""`isoface-desk check-forms [--forms DIR]`: validate every file of a forms folder.

Exit 0 printing "N files valid"; exit 1 with one line per problem on standard error,
`file: key: problem`, every problem of every file at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check-forms",
        help="validate the checklists, questionnaires, profiles, code lists and schedules",
        description=(
            "Load and validate every file of the forms folder (profiles, medicine lists, code "
            "lists, checklists, questionnaires, lab schedules), cross-checking references "
            "between them. Exit 0 when all are valid; exit 1 listing every problem as "
            "'file: key: problem'."
        ),
    )
    parser.add_argument(
        "--forms",
        metavar="DIR",
        type=Path,
        default=None,
        help="the forms folder (default: $ISOFACE_FORMS_DIR, else the one beside the program)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from isoface_desk.config import forms_dir
    from isoface_desk.domain.forms_check import check_forms, form_files

    folder = Path(args.forms) if args.forms is not None else forms_dir()
    problems = check_forms(folder)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    count = len(form_files(folder))
    print(f"{count} file{'' if count == 1 else 's'} valid")
    return 0
