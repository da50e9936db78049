"""`isoface-desk backup --out FILE` and `isoface-desk restore FILE`.

backup copies the SQLite database with SQLite's online backup API: safe while the app (or
several) is running and writing. It holds every patient's data, so it signs in as an
administrator (`--user`) and is recorded in the audit trail. For PostgreSQL it explains
how to use pg_dump instead and exits 2.

restore copies a backup file into the database location (`--db`, or the default one),
which must be empty: it never overwrites a database. With --force a database (or other
file) there is first set aside, renamed to NAME.replaced-TIME and kept, and refused while
anything has it open. It then runs `verify` on the result and exits 1 if anything is broken.
It needs no sign-in (whoever holds the backup file holds its data already). An encrypted
database (`sqlite+pysqlcipher:///…`) needs ISOFACE_DB_PASSPHRASE; its backups stay
encrypted with the same passphrase.

backup --out refuses the database itself, any other SQLite database (an older backup
included), folders and devices; an existing ordinary file only with --force.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from isoface_desk.cli.login import add_login_arguments
from isoface_desk.cli.output import add_force_argument, checked_out


def register(subparsers: Any) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="copy the database to a file while the app runs (administrator, audited)",
        description="Write a consistent copy of the SQLite database to FILE with SQLite's "
        "online backup API (safe while the app is running and writing). Requires an "
        "administrator (--user); recorded in the audit trail. PostgreSQL: use pg_dump.",
    )
    backup.add_argument("--out", type=Path, required=True, metavar="FILE")
    add_force_argument(
        backup,
        "replace FILE if it is an ordinary file (never the database, "
        "another SQLite database such as an older backup, or a device)",
    )
    backup.add_argument(
        "--encrypt",
        action="store_true",
        help="write an encrypted (SQLCipher) copy of a plain database, with the passphrase "
        "in $ISOFACE_DB_PASSPHRASE; then open it as sqlite+pysqlcipher:///FILE",
    )
    add_login_arguments(backup)
    backup.set_defaults(func=run_backup)
    restore = subparsers.add_parser(
        "restore",
        help="restore a backup into an empty database location, then verify it",
        description="Copy the backup FILE to the database location (--db, or the default), "
        "which must not hold a database yet (--force: set it aside first), then verify "
        "every record, PDF and the audit chain. Exit 0 when the restored database "
        "verifies, 1 otherwise.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    add_force_argument(
        restore,
        "when the location holds a database (or another file), "
        "set it aside first: renamed to NAME.replaced-TIME, never deleted; "
        "refused while anything has it open",
    )
    restore.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in
    from isoface_desk.services.clinic.backup import BACKUP_PG_HINT, is_sqlite_file

    if not is_sqlite_file(args.db_url):
        print(f"isoface-desk: {BACKUP_PG_HINT}", file=sys.stderr)
        return 2
    if args.encrypt and args.force:
        print("isoface-desk: --force does not go with --encrypt: the encrypted copy is "
              "always a new file.", file=sys.stderr)  # fmt: skip
        return 2
    passphrase = os.environ.get("ISOFACE_DB_PASSPHRASE", "") if args.encrypt else ""
    if args.encrypt and not passphrase:
        print("isoface-desk: --encrypt takes the new passphrase from ISOFACE_DB_PASSPHRASE.",
              file=sys.stderr)  # fmt: skip
        return 2
    out = args.out if args.encrypt else checked_out(args)  # encrypted_copy checks its own
    with signed_in(args) as (services, actor):
        backups = services.backups
        if args.encrypt:
            result = backups.encrypted_copy(actor, out, passphrase)
        else:
            result = backups.backup_now(actor, out, force=args.force)
    kind = "encrypted " if result.encrypted else ""
    print(f"{kind}backup written to {result.path} ({result.size:,} bytes, "
          f"{result.seconds:.1f} s)")  # fmt: skip
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from isoface_desk.services.clinic.backup import BACKUP_PG_HINT, is_sqlite_file, restore

    if not is_sqlite_file(args.db_url):
        print(f"isoface-desk: {BACKUP_PG_HINT}", file=sys.stderr)
        return 2
    result = restore(args.file, args.db_url, force=args.force)
    for kept in result.set_aside:
        print(f"set aside: {kept}")
    print(f"restored to {result.path}")
    for problem in result.report.problems:
        print(problem)
    if result.report.checkpoint:
        print(result.report.checkpoint)
    if result.report.ok:
        print(result.report.summary())
        return 0
    print(f"{result.report.summary()}: {len(result.report.problems)} problem(s) found")
    return 1
