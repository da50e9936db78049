"""Argument types and helpers more than one command module uses."""

from __future__ import annotations

import argparse
import datetime as dt
import sys


def usage(parser: argparse.ArgumentParser) -> int:
    """A command group run without a subcommand: its help on stderr, exit 2."""
    parser.print_help(sys.stderr)
    return 2


#: Dates a command accepts: wide enough for any visit or audit period, narrow enough that
#: date arithmetic on them (a due list's horizon, a course's weeks) never overflows.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
#: The largest id a database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def iso_date(text: str) -> dt.date:
    """An argparse type: a YYYY-MM-DD date from FIRST_DATE to LAST_DATE."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(
            f"{text} is out of range: give a date from {FIRST_DATE} to {LAST_DATE}"
        )
    return day


def whole_number(text: str, low: int, high: int, what: str = "a whole number") -> int:
    """`text` as an int from `low` to `high`, else argparse.ArgumentTypeError (exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not {what}: {text[:40]!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{what} must be from {low:,} to {high:,}")
    return value


def record_id(text: str) -> int:
    """An argparse type: a database id (1 to MAX_ID); larger ones cannot exist."""
    return whole_number(text, 1, MAX_ID, "a record id")
