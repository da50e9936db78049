"""`isoface-desk verify`: recompute every record hash, PDF hash and the audit chain.

Exit 0 with `N records, M events verified`; exit 1 listing each broken item by kind and id
(content edited, PDF altered, event missing, chain reordered, event edited, record
missing, seal broken, not sealed, unknown key, key edited, checkpoint mismatch). Says which
checkpoint the chain was compared with and how old it is, or that none was found. Prints
no patient data and needs no login.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check every signed record, PDF and the audit chain against their hashes",
        description=(
            "Recompute the hash of every signed record and PDF and the whole audit chain. "
            "Exit 0 when everything matches; exit 1 listing each broken item by kind and id. "
            "No login needed; no patient data is printed."
        ),
    )
    parser.add_argument("--progress", action="store_true", help="show progress on standard error")
    parser.add_argument(
        "--checkpoint",
        type=Path,
        metavar="FILE",
        help="compare the chain with this checkpoint file (default: the newest one found in "
        "this database's checkpoint folder and its daily backup folder)",
    )
    parser.add_argument(
        "--show-head",
        action="store_true",
        help="also print the newest event's number and hash, to note down as an anchor",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from isoface_desk.services.audit.integrity import integrity_at

    progress = _print_progress if args.progress else None
    with integrity_at(args.db_url) as integrity:
        report = integrity.verify(progress, checkpoint=args.checkpoint)
    if args.progress:
        print(file=sys.stderr)
    for problem in report.problems:
        print(problem)
    if report.checkpoint:
        print(report.checkpoint)
    if report.legacy_records:
        print(f"{report.legacy_records} records signed before per-person keys "
              "(sealed in the chain by the root key's event)")  # fmt: skip
    if args.show_head:
        print(f"chain head: event {report.head_seq}, hash {report.head_hash}")
    if report.ok:
        print(report.summary())
        return 0
    print(f"{report.summary()}: {len(report.problems)} problem(s) found")
    return 1


def _print_progress(done: int, total: int) -> None:
    percent = 100 if total == 0 else done * 100 // total
    print(f"\rverifying: {percent:3d}% ({done}/{total})", end="", file=sys.stderr, flush=True)
