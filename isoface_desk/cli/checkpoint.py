"""`isoface-desk checkpoint --out FOLDER --user NAME`: write a signed checkpoint of the audit
chain (its newest event, hash, record count and root key) into FOLDER, outside the
database, for `verify` to compare with later. Backups write one by themselves; this is for
PostgreSQL clinics (pg_dump) and for a copy kept elsewhere. Auditors and administrators."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from isoface_desk.cli.login import add_login_arguments, signed_in


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "checkpoint",
        help="write a signed checkpoint of the audit chain into a folder",
        description=(
            "Write a checkpoint of the audit chain, signed with your key, into FOLDER (and "
            "this database's checkpoint folder), for verify to compare the chain with. "
            "Needs the integrity.verify permission (auditor, administrator)."
        ),
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FOLDER",
                        help="an existing folder, ideally on another disk")  # fmt: skip
    add_login_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:

    with signed_in(args) as (services, actor):
        written = services.checkpoints.make(actor, args.out)
    for path in written:
        print(f"checkpoint written to {path}")
    return 0
