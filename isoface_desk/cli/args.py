"""Argument types and helpers more than one command module uses."""

from __future__ import annotations

import argparse
import datetime as dt
import sys


def usage(parser: argparse.ArgumentParser) -> int:
    """A command group run without a subcommand: its help on stderr, exit 2."""
    parser.print_help(sys.stderr)
    return 2


def iso_date(text: str) -> dt.date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
