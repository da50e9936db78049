"""`--force` and the early check of `--out`, shared by every command that writes a file.

The check runs before signing in or doing any work, so a refused path costs nothing and
leaves no trace; the service checks again when it writes (fileio.checked_target).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from isoface_desk.fileio import checked_target

FORCE_HELP = (
    "replace FILE if it exists (never the database, another SQLite database, a folder or a device)"
)


def add_force_argument(parser: argparse.ArgumentParser, help: str = FORCE_HELP) -> None:
    parser.add_argument("--force", action="store_true", help=help)


def checked_out(args: argparse.Namespace) -> Path:
    """`args.out`, or InputError naming it and why it is refused (see fileio)."""
    return checked_target(args.out, database=args.db_url, force=args.force)
