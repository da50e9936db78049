"""The `isoface-desk` command: argparse, one module per subcommand; none starts the GUI.

Each module in COMMAND_MODULES has `register(subparsers)`, which adds its parser and sets
`func(args) -> int`. Modules import their heavy dependencies inside `func`, so that
`isoface-desk --version` and `check` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from isoface_desk import __version__, config
from isoface_desk.errors import IsofaceError
from isoface_desk.fileio import PRIVATE_UMASK

COMMAND_MODULES: tuple[str, ...] = (
    "isoface_desk.cli.check",
    "isoface_desk.cli.forms",
    "isoface_desk.cli.rules",
    "isoface_desk.cli.db",
    "isoface_desk.cli.verify",
    "isoface_desk.cli.checkpoint",
    "isoface_desk.cli.pdf",
    "isoface_desk.cli.orders",
    "isoface_desk.cli.visit",
    "isoface_desk.cli.patients",
    "isoface_desk.cli.user",
    "isoface_desk.cli.audit",
    "isoface_desk.cli.backup",
    "isoface_desk.cli.demo",
    "isoface_desk.cli.bench",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="isoface-desk",
        description="Isotretinoin prescribing-safety desk. Without a subcommand it opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"isoface-desk {__version__}")
    parser.add_argument(
        "--db",
        dest="db_url",
        metavar="URL",
        default=None,
        help="database URL (default: $ISOFACE_DB_URL, else a SQLite file in the user data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo database in the user data folder, creating it on first use",
    )
    parser.add_argument(
        "--country",
        choices=config.DEMO_COUNTRIES,
        default="default",
        help="with --demo: which demo clinic ('co': a Colombian clinic in Spanish under the "
        "co-2026 rules; default: the original clinic in English)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def resolve_db_url(args: argparse.Namespace) -> str:

    if args.db_url:
        return str(args.db_url)
    if getattr(args, "demo", False):
        return config.demo_db_url(getattr(args, "country", "default"))
    return config.default_db_url()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command (or the app); its exit code. Files it creates (databases, backups,
    exports, the log) are private to the user: the umask is 077 while it runs."""
    previous_umask = os.umask(PRIVATE_UMASK)
    try:
        return _main(argv)
    finally:
        os.umask(previous_umask)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db_url = resolve_db_url(args)
    func = getattr(args, "func", None)
    try:
        if func is None:
            from isoface_desk.app import run_gui

            return run_gui(args.db_url, demo=args.demo, country=args.country)
        return int(func(args))
    except IsofaceError as exc:
        print(f"isoface-desk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into a closed reader (e.g. `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
