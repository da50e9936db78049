"""`isoface-desk orders due|print|export-fhir|result|import`: the nurses' lab orders from
the command line.

    isoface-desk orders due --on 2026-10-05 [--json] --user nurse
    isoface-desk orders print --on 2026-10-05 --out orders.pdf [--labels] --user nurse
    isoface-desk orders export-fhir --out labs.json --user nurse
    isoface-desk orders result LO-000061 --date 2026-10-05 --value TG=9.5:mmol/L --user nurse
    isoface-desk orders import results.csv --user nurse       (cli/order_results.py)

Each signs in (`--user`, password from $ISOFACE_PASSWORD or a prompt; cli/login.py) and is
audited; files are written atomically. The due list names patients by clinic number only;
the printed orders carry the names the laboratory needs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isoface_desk.cli import order_results
from isoface_desk.cli.args import iso_date, usage
from isoface_desk.cli.login import add_login_arguments
from isoface_desk.cli.output import add_force_argument, checked_out

if TYPE_CHECKING:
    from isoface_desk.services.labs.lab_work import DueItem, DueList

#: Groups whose orders `orders print` takes (before --within adds those due later).
PRINT_GROUPS = ("overdue", "today")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "orders",
        help="lab orders: the due list, printing order forms, results, FHIR export and "
        "import (sign-in required)",
        description="The nurses' lab orders. Every subcommand signs in with --user.",
    )
    parser.set_defaults(func=lambda _args: usage(parser))
    sub = parser.add_subparsers(dest="orders_command", metavar="SUBCOMMAND")
    due = sub.add_parser(
        "due",
        help="list the orders due, by group (overdue, today, this week, next 30 days)",
        description="The due list on a date: overdue, due today, this week, in the next 30 "
        "days, collected and awaiting results, and recent results. Patients are shown by "
        "clinic number.",
    )
    _on_argument(due)
    due.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_login_arguments(due)
    due.set_defaults(func=run_due)
    _register_print(sub)
    fhir = sub.add_parser(
        "export-fhir",
        help="write every lab order and result as a FHIR R4 Bundle (JSON)",
        description="Write a FHIR R4 collection Bundle of ServiceRequest (orders) and "
        "Observation (results) resources, with their Patients and Practitioners. Audited.",
    )
    fhir.add_argument("--out", type=Path, required=True, metavar="FILE", help="JSON to write")
    add_force_argument(fhir)
    add_login_arguments(fhir)
    fhir.set_defaults(func=run_export_fhir)
    order_results.register(sub)


def _register_print(sub: Any) -> None:
    printing = sub.add_parser(
        "print",
        help="print the orders due (overdue and today) as one PDF and mark them printed",
        description="Render the planned orders that are overdue or due on the date (one order "
        "per page, or tube labels with --labels) into one PDF, write it atomically, then mark "
        "exactly those orders printed (audited).",
    )
    _on_argument(printing)
    printing.add_argument("--out", type=Path, required=True, metavar="FILE", help="PDF to write")
    add_force_argument(printing)
    printing.add_argument("--labels", action="store_true", help="tube labels, not order forms")
    printing.add_argument("--within", type=_days, default=0, metavar="DAYS",
                          help="also orders due up to DAYS days after the date (0-30)")  # fmt: skip
    printing.add_argument("--reprint", action="store_true",
                          help="include orders already printed")  # fmt: skip
    add_login_arguments(printing)
    printing.set_defaults(func=run_print)


def _on_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--on", type=iso_date, default=None, metavar="DATE",
                        help="the day, YYYY-MM-DD (default: today)")  # fmt: skip


def _days(text: str) -> int:
    if not text.isdigit() or int(text) > 30:
        raise argparse.ArgumentTypeError(f"a whole number of days from 0 to 30, not {text!r}")
    return int(text)


def run_due(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in

    with signed_in(args) as (services, actor):
        work = services.lab_work
        due = work.due_list(actor, args.on, audit=True)
    if args.json:
        print(json.dumps(due_json(due), ensure_ascii=False, indent=2))
    else:
        print("\n".join(due_lines(due)))
    return 0


def due_json(due: DueList) -> dict[str, Any]:
    return {
        "on": due.today.isoformat(),
        "counts": due.counts(),
        "orders": [
            {
                "order": item.code,
                "order_id": item.order_id,
                "group": item.group,
                "status": item.status,
                "patient_id": item.patient_id,
                "clinic_number": item.clinic_number,
                "tests": list(item.tests),
                "reason": item.reason,
                "due": item.due.isoformat(),
                "window": [item.due_from.isoformat(), item.due_until.isoformat()],
                "result": item.level,
                "prescriber_id": item.prescriber_id,
            }
            for item in due.items
        ],
    }


def due_lines(due: DueList) -> list[str]:
    from isoface_desk.domain.due_list import GROUPS

    lines = [f"Lab orders on {due.today.isoformat()}: {len(due.items)} listed"]
    for key, title in GROUPS:
        items = due.in_group(key)
        if items:
            lines += ["", f"{title} ({len(items)})"]
            lines += [f"  {_line(item)}" for item in items]
    return lines


def _line(item: DueItem) -> str:
    window = f"{item.due_from:%d %b}–{item.due_until:%d %b %Y}"
    result = "" if item.level == "normal" else f"  RESULT {item.level.upper()}"
    return (f"{item.code}  due {item.due.isoformat()} ({window})  {item.clinic_number}  "
            f"{' '.join(item.tests)}  {item.reason}  [{item.status}]{result}")  # fmt: skip


def run_print(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in

    out = checked_out(args)
    with signed_in(args) as (services, actor):
        printing = services.lab_printing
        due = services.lab_work.due_list(actor, args.on)
        chosen = to_print(due, within_days=args.within, reprint=args.reprint)
        if not chosen:
            print(f"nothing to print on {due.today.isoformat()}: no order is due")
            return 0
        outcome = printing.print_to_file(actor, chosen, out, labels=args.labels,
                                         progress=_progress, force=args.force)  # fmt: skip
    print(file=sys.stderr)
    kind = "label sheet(s)" if args.labels else "page(s)"
    print(f"{outcome.marked} order(s) printed to {args.out} ({outcome.result.pages} {kind}); "
          f"marked printed")  # fmt: skip
    return 0


def to_print(due: DueList, *, within_days: int, reprint: bool) -> list[int]:
    """Ids of the orders `orders print` takes: overdue or due on the day, and those due up
    to `within_days` later; planned ones only unless `reprint`."""
    statuses = ("planned", "printed") if reprint else ("planned",)
    last = due.today + dt.timedelta(days=within_days)
    return [
        item.order_id
        for item in due.items
        if item.status in statuses and (item.group in PRINT_GROUPS or item.due <= last)
    ]


def _progress(done: int, total: int) -> None:
    print(f"\rrendering: {done}/{total}", end="", file=sys.stderr, flush=True)


def run_export_fhir(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in

    out = checked_out(args)
    with signed_in(args) as (services, actor):
        export = services.lab_export
        done = export.export_to_file(actor, out, force=args.force)
    print(f"FHIR R4 Bundle written to {args.out}: {done.orders} order(s), "
          f"{done.results} result(s)")  # fmt: skip
    return 0
