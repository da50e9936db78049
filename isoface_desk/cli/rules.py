"""`isoface-desk rules [--markdown]`: what the safety engine enforces.

`--markdown` prints the rules reference that docs/rules.md holds (every rule with its
severity, the visits it looks at, its numbers per profile and its basis); without it, a
short plain listing. Both come from the configured forms folder ($ISOFACE_FORMS_DIR, else
the one shipped), so they say what this installation checks. A forms folder that does not
load is an error naming each problem: exit 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "rules",
        help="list the safety rules and profiles (--markdown: the full reference)",
        description=(
            "List every safety rule and profile the forms folder defines. With --markdown, "
            "print the full reference (severity, visits, numbers per profile, basis) that "
            "docs/rules.md holds: isoface-desk rules --markdown > docs/rules.md."
        ),
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the full reference as Markdown instead of the short listing",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from isoface_desk.domain.catalog import default_catalog
    from isoface_desk.domain.rules_doc import rules_listing, rules_markdown

    catalog = default_catalog()
    text = rules_markdown(catalog) if args.markdown else rules_listing(catalog)
    sys.stdout.write(text)
    return 0
