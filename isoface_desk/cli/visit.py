"""`isoface-desk visit prefill`: the visit a checklist would open with, from the command line.

    isoface-desk visit prefill --patient C-0042 --kind follow-up --on 2026-12-17 --json \\
        --user derm > visit.json
    isoface-desk check visit.json          # after answering what is still missing (PHQ-9 …)

The data come from the checklist's own path (services/visits/visit_preview.py over
VisitStartService.prepare): stored lab results and pregnancy tests, and the answers carried
from the last signed visit. It is the prefill of a new visit, never an unsigned draft (a
note on stderr says when the user has one). Without --json a short summary: what is
carried "as on <date>", the stored results with their sources, what is still to answer.
A visit that cannot start (no such clinic number, a follow-up without an open course) is
one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from isoface_desk.cli.args import iso_date, usage
from isoface_desk.cli.login import add_login_arguments
from isoface_desk.errors import InputError

if TYPE_CHECKING:
    from isoface_desk.services.visits.visit_preview import VisitPreview

#: The visit kinds (domain.visit.VISIT_KINDS, spelled out so that --help starts fast).
KINDS = ("initiation", "follow-up", "end-of-course")
#: The summary's two groups of section notes: carried (to confirm) and found on file.
HEADINGS = (
    ("Carried, to confirm before signing", True),
    ("From the patient record and stored results", False),
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "visit",
        help="a visit's data from the command line: the prefill a checklist opens with",
        description="Visits from the command line. Visits are filled in and signed in the app.",
    )
    parser.set_defaults(func=lambda _args: usage(parser))
    sub = parser.add_subparsers(dest="visit_command", metavar="SUBCOMMAND")
    prefill = sub.add_parser(
        "prefill",
        help="print the visit a new checklist would open with (isoface-check/1 with --json)",
        description="Print what a new checklist of this kind would open with for the "
        "patient: the stored lab results and pregnancy tests, and the answers carried from "
        "the last signed visit. With --json it is an isoface-check/1 visit for "
        "`isoface-desk check` (incomplete where a person still has to answer, e.g. the "
        "weight at an initiation, the PHQ-9: check then lists missing fields or finds "
        "PHQ9_MISSING). This is the prefill of a NEW visit, "
        "not your unsigned draft (a note on stderr says when you have one; a visit with a "
        "draft opens on the draft's date). Audited as a view of the patient. Exit 2 when "
        "the visit cannot start (unknown clinic number, a follow-up without an open "
        "course). Requires --user (a dermatologist).",
    )
    prefill.add_argument("--patient", required=True, metavar="CLINIC_NUMBER",
                         help="the patient's clinic number (exactly)")  # fmt: skip
    prefill.add_argument("--kind", required=True, choices=KINDS, help="the visit kind")
    prefill.add_argument("--on", type=iso_date, default=None, metavar="DATE",
                         help="the visit date, YYYY-MM-DD (default: today)")  # fmt: skip
    prefill.add_argument("--json", action="store_true",
                         help="print the isoface-check/1 visit instead of a summary")  # fmt: skip
    add_login_arguments(prefill)
    prefill.set_defaults(func=run_prefill)


@contextmanager
def _cannot_start() -> Iterator[None]:
    """InputError as one line per problem on stderr, exit 2."""
    try:
        yield
    except InputError as exc:
        for problem in exc.problems:
            print(f"isoface-desk: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def run_prefill(args: argparse.Namespace) -> int:
    from isoface_desk.cli.login import signed_in

    with signed_in(args) as (services, actor):
        previews = services.visit_previews
        with _cannot_start():
            preview = previews.prefill(actor, args.patient, args.kind, args.on)
    for line in draft_notes(preview):
        print(f"note: {line}", file=sys.stderr)
    if args.json:
        print(json.dumps(preview.visit, ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary_lines(preview, args.patient.strip())))
    return 0


def draft_notes(preview: VisitPreview) -> list[str]:
    start = preview.start
    notes = []
    if start.draft is not None:
        day = start.draft.visit_date.isoformat()
        notes.append(
            f"you have an unsigned {start.kind} visit of {day} for this patient: the "
            "checklist would resume it; this is the prefill of a new visit, not the draft"
        )
    if start.others_drafts:
        days = ", ".join(sorted({d.visit_date.isoformat() for d in start.others_drafts}))
        notes.append(f"another prescriber has an unsigned {start.kind} visit ({days})")
    return notes


def summary_lines(preview: VisitPreview, clinic_number: str) -> list[str]:
    """The human summary: carried sections, stored results, what is still to answer."""
    start = preview.start
    titles = {s.id: s.title for s in start.form.sections}
    notes = start.prefill.notes
    day, profile = start.context.visit_date.isoformat(), start.context.profile_id
    lines = [f"{start.kind.capitalize()} visit of {day} for {clinic_number} ({profile}): "
             "what the checklist opens with"]  # fmt: skip
    for heading, confirm in HEADINGS:
        chosen = [f"  {titles.get(s, s)}: {n.text}" for s, n in notes.items()
                  if n.confirm == confirm]  # fmt: skip
        if chosen:
            lines += ["", f"{heading}:", *chosen]
    if not notes:
        lines += ["", "Nothing on file to open with: every question starts empty."]
    if preview.missing:
        lines += ["", f"Still to answer ({len(preview.missing)}):"]
        lines += [f"  {label}" for label in preview.missing]
    lines += ["", "Add --json for the isoface-check/1 visit (input for `isoface-desk check`)."]
    return lines
