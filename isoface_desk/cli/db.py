"""`isoface-desk db upgrade|current`: create or migrate the database schema."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db",
        help="create or upgrade the database schema, or show its revision",
        description="Manage the database schema (Alembic migrations, run from the app).",
    )
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = sub.add_parser(
        "upgrade",
        help="create the schema or migrate it to this version (a SQLite file is backed up first)",
    )
    upgrade.set_defaults(func=run_upgrade)
    current = sub.add_parser(
        "current", help="show the schema revision; exit 1 when an upgrade is needed"
    )
    current.set_defaults(func=run_current)


def run_upgrade(args: argparse.Namespace) -> int:
    from isoface_desk.services.clinic.database import upgrade_database

    result = upgrade_database(args.db_url)
    if result.before == result.after:
        print(f"Database schema already at revision {result.after}.")
        return 0
    print(f"Database schema upgraded from {result.before or 'empty'} to {result.after}.")
    if result.backup is not None:
        print(f"Backup of the previous version: {result.backup}")
    return 0


def run_current(args: argparse.Namespace) -> int:
    from isoface_desk.services.clinic.database import schema_status

    status = schema_status(args.db_url)
    print(f"current: {status.current or 'none (empty database)'}")
    print(f"newest:  {status.head}")
    if not status.up_to_date:
        print("Run `isoface-desk db upgrade` to bring the database up to date.")
        return 1
    return 0
