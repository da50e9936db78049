"""`isoface-desk patients import FILE.csv --user NAME`: add patients from a CSV file.

The columns are documented in services/care/patient_import.py and the README. Every row is
checked before anything is stored; one bad row and nothing is imported, each bad row named
by its line. The import goes through PatientService.bulk_import (permission
`patient.write`: a dermatologist or a nurse), one unit of work with its "bulk import"
audit event. Prints how many patients were added, never their names.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from isoface_desk.cli.args import usage
from isoface_desk.cli.login import add_login_arguments


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "patients",
        help="patients in bulk (import a CSV file)",
        description="Patients in bulk. Single patients are added and edited in the app.",
    )
    sub = parser.add_subparsers(dest="patients_command", metavar="SUBCOMMAND")
    imp = sub.add_parser(
        "import",
        help="add the patients of a CSV file (all or nothing; audited)",
        description=(
            "Add the patients of a UTF-8 CSV file whose first line names the columns: "
            "clinic_number, given_name, family_name, birth_date (YYYY-MM-DD or DD/MM/YYYY), "
            "sex_at_birth (female, male, intersex, unknown), and optionally "
            "can_get_pregnant (yes, no or empty) and phone. Every row is checked first: if "
            "any row is bad (or its clinic number is already used), nothing is imported and "
            "each bad row is named by its line. Requires --user (dermatologist or nurse)."
        ),
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file")
    add_login_arguments(imp)
    imp.set_defaults(func=run_import)
    parser.set_defaults(func=lambda _args: usage(parser))


def run_import(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in
    from isoface_desk.services.care.patient_import import read_patients_csv

    with signed_in(args) as (services, actor):
        rows = read_patients_csv(args.file, services.patients.today())
        added = services.patients.bulk_import(actor, rows)
    print(f"{added} patient(s) imported from {args.file.name}.")
    return 0
