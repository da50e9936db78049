"""`isoface-desk audit export|trail|bench`: the auditor's reports from the command line.

    isoface-desk audit export --from 2026-01-01 --to 2026-03-31 --format pdf --out q1.pdf \\
        --user auditor [--prescriber derm] [--verdict needs-review] [--justified yes] ...
    isoface-desk audit trail 42 --user auditor
    isoface-desk --db sqlite:////tmp/big.sqlite3 audit bench --records 1000000

export and trail sign in (`--user`, password from $ISOFACE_PASSWORD or a prompt) and need
the auditor's `audit.read`; an export is an audit event and its file is written
atomically. bench builds (once) a database of synthetic signed records and times the
auditor's list, a filtered search and `verify` on it; it refuses any database it did not
create (devtools/sandbox.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isoface_desk.cli.args import iso_date, record_id, usage, whole_number
from isoface_desk.cli.login import add_login_arguments
from isoface_desk.cli.output import add_force_argument, checked_out

if TYPE_CHECKING:
    from isoface_desk.services.audit.audit_review import RecordFilter
    from isoface_desk.services.bundle import Services
    from isoface_desk.services.context import Actor


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="auditor reports: export records as CSV or a PDF summary, a record's trail",
        description="The auditor's reports. export and trail sign in with --user.",
    )
    parser.set_defaults(func=lambda _args: usage(parser))
    sub = parser.add_subparsers(dest="audit_command", metavar="SUBCOMMAND")
    _register_export(sub)
    trail = sub.add_parser(
        "trail",
        help="who signed, viewed, printed and exported a record, and when",
        description="The audit trail of one signed record, oldest first (no patient data).",
    )
    trail.add_argument("record", type=_positive, metavar="RECORD_ID")
    add_login_arguments(trail)
    trail.set_defaults(func=run_trail)
    bench = sub.add_parser(
        "bench",
        help="time the record list, a filtered search and verify on many synthetic records",
        description="Create a bench database at --db (a new SQLite file, or a PostgreSQL "
        "database without tables), fill it once with synthetic signed records, then time "
        "the auditor's queries and verify. Runs only on a database it created: any other "
        "is refused before anything is written.",
    )
    bench.add_argument("--records", type=_bench_records, default=1_000_000, metavar="N",
                       help="records to measure, 1 to 10,000,000 (default 1,000,000)")  # fmt: skip
    bench.add_argument("--encryption-cost", action="store_true",
                       help="instead: time the same work on a plain and an encrypted database "
                       "in a temporary folder (needs sqlcipher3)")  # fmt: skip
    bench.set_defaults(func=run_bench)


def _register_export(sub: Any) -> None:
    export = sub.add_parser(
        "export",
        help="write the records of a period as CSV (every record) or a PDF summary",
        description="Select signed records by visit date (and optional filters) and write "
        "them as CSV (one line per record; spreadsheet-safe) or as a PDF summary (visits per "
        "prescriber per month, blocks met, warnings justified, PHQ-9 item 9 positives, "
        "pregnancy tests overdue). Requires an auditor; recorded in the audit trail; the "
        "file is written atomically.",
    )
    export.add_argument("--from", dest="date_from", type=iso_date, required=True, metavar="DATE")
    export.add_argument("--to", dest="date_to", type=iso_date, required=True, metavar="DATE")
    export.add_argument("--format", choices=("csv", "pdf"), required=True)
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    add_force_argument(export)
    export.add_argument("--prescriber", metavar="USERNAME", help="only this prescriber's")
    export.add_argument("--patient", metavar="CLINIC_NUMBER", help="only this patient's")
    export.add_argument("--profile", metavar="ID", help="only records under this profile id")
    export.add_argument("--kind", choices=("initiation", "follow-up", "end-of-course"))
    export.add_argument("--verdict", choices=("clear", "needs-review"))
    export.add_argument(
        "--justified",
        choices=("yes", "no"),
        help="only records with (yes) or without (no) justified warnings",
    )
    add_login_arguments(export)
    export.set_defaults(func=run_export)


def _positive(text: str) -> int:
    return record_id(text)  # 1 to the largest id a database stores


def _bench_records(text: str) -> int:
    return whole_number(text, 1, 10_000_000, "a number of records")


def build_filter(args: argparse.Namespace, services: Services, actor: Actor) -> RecordFilter:
    """The RecordFilter of the export options (user names and clinic numbers resolved)."""
    from isoface_desk.errors import InputError
    from isoface_desk.services.audit.audit_review import RecordFilter

    review = services.audit_review
    prescriber_id = patient_id = None
    if args.prescriber:
        found = [p.id for p in review.people(actor) if p.username == args.prescriber]
        if not found:
            raise InputError(f"--prescriber: there is no user '{args.prescriber}'.")
        prescriber_id = found[0]
    if args.patient:
        patient_id = review.find_patient(actor, args.patient)
        if patient_id is None:
            raise InputError(f"--patient: no patient has clinic number '{args.patient}'.")
    justified = None if args.justified is None else args.justified == "yes"
    return RecordFilter(
        date_from=args.date_from, date_to=args.date_to, prescriber_id=prescriber_id,
        patient_id=patient_id, profile_id=args.profile, visit_kind=args.kind,
        verdict=args.verdict, has_justified_warnings=justified,
    )  # fmt: skip


def run_export(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in

    out = checked_out(args)
    with signed_in(args) as (services, actor):
        flt = build_filter(args, services, actor)
        done = services.reports.export(actor, flt, out, args.format, force=args.force)
    print(f"{done.records:,} records: {done.format} written to {done.path} "
          f"({done.size:,} bytes, sha256 {done.sha256})")  # fmt: skip
    return 0


def run_trail(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in

    with signed_in(args) as (services, actor):
        trail = services.audit_review.trail(actor, args.record)
    if not trail:
        print(f"record {args.record}: no events (no such record?)")
        return 1
    for entry in trail:
        when = entry.time.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        print(f"{entry.seq:>8}  {when}  {entry.action:<8}  {entry.actor}")
    return 0


def run_bench(args: argparse.Namespace) -> int:
    from isoface_desk.devtools.audit_bench import encryption_cost, run

    if args.encryption_cost:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="isoface-bench-") as folder:
            for line in encryption_cost(Path(folder)):
                print(line)
        return 0

    for line in run(args.db_url, args.records, echo=lambda text: print(text, file=sys.stderr)):
        print(line)
    return 0
