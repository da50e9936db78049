"""`isoface-desk seed-demo [--patients N]`: fill an empty database with the demo clinic.

Prints counts and the time taken, never a patient's name. Refuses (exit 1) a database
that already has a clinic or users.
"""

from __future__ import annotations

import argparse
from typing import Any

DEFAULT_PATIENTS = 40


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "seed-demo",
        help="create a demo clinic, users, patients, signed records and lab orders",
        description=(
            "Fill an empty database (created if missing) with a demo clinic: users derm, "
            "nurse, auditor and admin (password demo-password), patients in every course "
            "state, signed records and lab orders, all through the app's own services so "
            "`isoface-desk verify` passes. A database that already has a clinic or users is "
            "refused, never overwritten."
        ),
    )
    parser.add_argument(
        "--patients",
        type=_count,
        default=DEFAULT_PATIENTS,
        metavar="N",
        help=f"number of patients (default {DEFAULT_PATIENTS}); beyond the first few dozen "
        "they are identity-only and bulk-inserted",
    )
    parser.set_defaults(func=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return value


def run(args: argparse.Namespace) -> int:
    from isoface_desk.services.demo import seed_demo

    summary = seed_demo(args.db_url, patients=args.patients)
    print("demo database ready")
    for line in summary.lines():
        print(f"  {line}")
    return 0
