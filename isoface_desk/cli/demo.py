"""`isoface-desk seed-demo [--patients N] [--country co]`: create a new demo database.

Prints counts and the time taken, never a patient's name. Runs only on a database it
creates (a SQLite file that does not exist, or a PostgreSQL database without tables) and
refuses (exit 1) any other; all or nothing: a failure leaves no database behind.
"""

from __future__ import annotations

import argparse
from typing import Any

from isoface_desk import config
from isoface_desk.cli.args import whole_number

DEFAULT_PATIENTS = 40


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "seed-demo",
        help="create a demo clinic, users, patients, signed records and lab orders",
        description=(
            "Create a new database with a demo clinic: users derm, nurse, auditor and "
            "admin (password demo-password), patients in every course state, signed "
            "records and lab orders, all through the app's own services so `isoface-desk "
            "verify` passes. Only a new SQLite file (or a PostgreSQL database without "
            "tables) is filled; any other database is refused, never changed. All or "
            "nothing: if seeding fails, nothing is left behind."
        ),
    )
    parser.add_argument(
        "--patients",
        type=_count,
        default=DEFAULT_PATIENTS,
        metavar="N",
        help=f"number of patients, 0 to 100,000 (default {DEFAULT_PATIENTS}); beyond the "
        "first few dozen they are identity-only and bulk-inserted",
    )
    parser.add_argument(
        "--country",
        dest="demo_country",
        choices=config.DEMO_COUNTRIES,
        default="default",
        help="'co': a Colombian clinic in Spanish under the co-2026 rules, with Colombian "
        "names, identity documents and results in mg/dL (default: the original demo)",
    )
    parser.set_defaults(func=run)


def _count(text: str) -> int:
    from isoface_desk.devtools.demo import MAX_PATIENTS

    return whole_number(text, 0, MAX_PATIENTS, "a number of patients")


def run(args: argparse.Namespace) -> int:
    from isoface_desk.devtools.demo import seed_demo

    summary = seed_demo(args.db_url, patients=args.patients, country=args.demo_country)
    print("demo database ready")
    for line in summary.lines():
        print(f"  {line}")
    return 0
