"""`isoface-desk verify-pdf FILE` and `isoface-desk export-pdf (--record ID | --latest) --out FILE`.

verify-pdf needs no login and prints no patient data: exit 0 with the record id when the
file's signature is valid for a certificate the database announced (each person's
signing key, retired ones included) and the file is
byte-identical to a stored record; exit 1 with one line per failed check (signature
invalid, unknown signer, no matching record, modified).

export-pdf reads patient data, so it signs in (`--user`, see cli/login.py), needs the
`record.export` permission (dermatologist or auditor), is an "export" audit event, and
writes the file atomically.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isoface_desk.cli.args import record_id
from isoface_desk.cli.login import add_login_arguments
from isoface_desk.cli.output import add_force_argument, checked_out

if TYPE_CHECKING:
    from isoface_desk.services.visits.documents_service import PdfVerification


def register(subparsers: Any) -> None:
    _register_verify(subparsers)
    _register_export(subparsers)


def _register_verify(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify-pdf",
        help="check a printed or exported record PDF: clinic signature and stored copy",
        description=(
            "Validate the PDF's digital signature offline against the certificates announced in "
            "the database, and check that the file is byte-identical to a stored signed "
            "record. Exit 0 printing the record id; exit 1 saying what failed (signature "
            "invalid, unknown signer, no matching record, modified). No login needed; no "
            "patient data is printed."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the PDF file to check")
    parser.set_defaults(func=run_verify)


def _register_export(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export-pdf",
        help="write a signed record's stored PDF to a file (sign-in required, audited)",
        description=(
            "Write the stored, digitally signed PDF of a record, exactly as signed. Requires "
            "--user (dermatologist or auditor); the export is recorded in the audit trail. "
            "The file is written atomically: it is complete or not there."
        ),
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--record", type=_record_id, metavar="ID", help="the record id")
    which.add_argument("--latest", action="store_true", help="the newest signed record")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to write")
    add_force_argument(parser)
    add_login_arguments(parser)
    parser.set_defaults(func=run_export)


def _record_id(text: str) -> int:
    return record_id(text)  # 1 to the largest id a database stores, else exit 2


def run_verify(args: argparse.Namespace) -> int:
    from isoface_desk.services.visits.documents_service import documents_at, read_pdf_file

    pdf = read_pdf_file(args.file)
    with documents_at(args.db_url) as documents:
        result = documents.verify_pdf(pdf)
    for line in verification_lines(result):
        print(line)
    return 0 if result.ok else 1


def verification_lines(result: PdfVerification) -> list[str]:
    """What verify-pdf prints: no patient data, only the record id and the signer."""
    signed = ""
    if result.signed_at is not None:
        signed = f", signed {result.signed_at.astimezone().strftime('%Y-%m-%d %H:%M %Z')}"
    signer = f" (signer: {result.signer}{signed})" if result.signer else ""
    if result.ok:
        return [
            f"record {result.record_id}: OK: signature valid{signer}; "
            "identical to the stored signed PDF"
        ]
    head = f"record {result.record_id}" if result.record_id is not None else "file"
    lines = [f"{head}: FAILED{signer}"]
    lines += [f"  {problem}" for problem in result.problems]
    return lines


def run_export(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in

    out = checked_out(args)
    with signed_in(args) as (services, actor):
        documents = services.documents
        record_id = None if args.latest else args.record
        exported = documents.export_pdf(actor, record_id, out, force=args.force)
    print(
        f"record {exported.record_id}: exported to {exported.path} "
        f"({exported.size:,} bytes, sha256 {exported.pdf_hash})"
    )
    return 0
