"""`isoface-desk bench`: how fast the hot paths run on this machine (the benchmarks
themselves are in devtools/bench.py)."""

from __future__ import annotations

import argparse
from typing import Any

from isoface_desk.devtools.bench import BENCHMARKS


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure the speed of the safety engine and other hot paths",
        description="Print, for each benchmark, its rate and the ratio to a floor measured "
        "in the same run.",
    )
    parser.add_argument("--quick", action="store_true", help="run each measurement briefly")
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all of "
        f"{', '.join(BENCHMARKS)})",
    )  # fmt: skip
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    names = args.names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        from isoface_desk.errors import InputError

        raise InputError(f"unknown benchmark {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})")
    seconds = 0.05 if args.quick else 1.0
    for name in names:
        result = BENCHMARKS[name](seconds)
        print(
            f"{name}: {result.label} {result.rate:,.0f}; floor ({result.floor_label}) "
            f"{result.floor_rate:,.0f}/s; ratio {result.ratio:.3f}",
            flush=True,
        )
    return 0
