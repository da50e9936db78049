"""Auditor reports over the records a filter selects: CSV of every record, PDF summary.

    reports = ReportService(engine)
    reports.export(actor, flt, Path("q1.csv"), "csv")
    reports.export(actor, flt, Path("q1.pdf"), "pdf")

Both need `audit.read`. Each export is one "export" audit event (target "records
report": format, filter, number of records, SHA-256 of the file) and an atomic write: the
file is staged beside its target inside the unit of work and put in place only once the
event is committed, so there is never an unaudited export or half a file.

The CSV is safe to open in a spreadsheet: a cell that starts with = + - @ (or a tab or
carriage return) is prefixed with an apostrophe, so it is never run as a formula
(CSV/formula injection). It names patients by clinic number and id, not by name or birth
date: what an audit needs, no more.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isoface_desk.documents.audit_report import AuditSummary, build_audit_summary_pdf
from isoface_desk.errors import InputError
from isoface_desk.fileio import checked_target, replace_durably, write_temp
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.audit import checkpoints
from isoface_desk.services.audit.audit_review import check_filter, filter_details
from isoface_desk.services.audit.report_data import (
    build_summary,
    item9_of,
    justification_pairs,
)
from isoface_desk.services.context import Actor, ServiceBase, require
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.canonical import sha256_hex
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import audit_queries as queries
from isoface_desk.storage.repositories.records import RecordFilter

__all__ = ["CSV_COLUMNS", "FORMATS", "ExportedReport", "ReportService", "safe_cell"]

FORMATS = ("csv", "pdf")
REPORT_TARGET = "records report"
CSV_COLUMNS = (
    "record_id",
    "visit_date",
    "visit_kind",
    "patient_id",
    "clinic_number",
    "prescriber",
    "prescriber_username",
    "profile",
    "verdict",
    "has_justified_warnings",
    "warnings_justified",
    "justifications",
    "phq9_item9",
    "phq9_action",
    "corrects_record_id",
    "signed_at",
    "content_sha256",
    "pdf_sha256",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportedReport:
    path: Path
    format: str
    records: int
    size: int
    sha256: str


def safe_cell(value: object) -> str:
    """A CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class ReportService(ServiceBase):
    def summary(self, actor: Actor, flt: RecordFilter) -> AuditSummary:
        """The PDF summary's content for `flt` (not audited: nothing leaves the app)."""
        check_filter(flt)
        with self._read(actor, Permission.AUDIT_READ) as session:
            return build_summary(session, flt, actor, self.now(), self.today())

    def _csv_text(self, actor: Actor, flt: RecordFilter) -> tuple[str, int]:
        """The CSV of every record `flt` selects, and how many records it holds (only
        `export` hands it out, audited)."""
        check_filter(flt)
        with self._read(actor, Permission.AUDIT_READ) as session:
            return _csv(session, flt)

    def export(
        self, actor: Actor, flt: RecordFilter, out: Path, fmt: str, *, force: bool = False
    ) -> ExportedReport:
        """Write the CSV or PDF report of `flt` to `out` (atomic, audited; never over the
        database, over an existing file only with `force`)."""
        if fmt not in FORMATS:
            raise InputError(f"Unknown report format '{fmt}': use csv or pdf.")
        require(actor, Permission.AUDIT_READ)
        database = self.database
        target = checked_target(out, database=database, force=force)
        if fmt == "csv":
            text, count = self._csv_text(actor, flt)
            data = text.encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8
        else:
            summary = self.summary(actor, flt)
            data, count = build_audit_summary_pdf(summary), summary.records
        digest = sha256_hex(data)
        temp = write_temp(target, data)
        try:
            with self._unit(actor, Permission.AUDIT_READ) as session:
                details = {"format": fmt, "filter": filter_details(flt), "records": count,
                           "sha256": digest, "file": target.name}  # fmt: skip
                append_event(session, actor.username, "export", REPORT_TARGET, "", details)
                replace_durably(temp, target, database=database, force=force)
        finally:
            temp.unlink(missing_ok=True)
        if fmt == "pdf":  # the head it prints, signed, beside it (services.checkpoints)
            mark = checkpoints.current_for(self.engine, actor, self.now())
            checkpoints.write(database, [target.parent], mark)
        return ExportedReport(target, fmt, count, len(data), digest)


def _csv(session: Session, flt: RecordFilter) -> tuple[str, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in _csv_rows(session, flt):
        writer.writerow([safe_cell(v) for v in row])
        count += 1
    return buffer.getvalue(), count


def _csv_rows(session: Session, flt: RecordFilter) -> Iterator[list[Any]]:
    names = {p.id: (p.display_name, p.username) for p in queries.people(session)}
    batch: list[queries.ReportRow] = []
    for report_row in queries.iter_report_rows(session, flt):
        batch.append(report_row)
        if len(batch) >= queries.REPORT_BATCH:
            yield from _rows_of(session, batch, names)
            batch = []
    yield from _rows_of(session, batch, names)


def _rows_of(
    session: Session, batch: list[queries.ReportRow], names: dict[int, tuple[str, str]]
) -> Iterable[list[Any]]:
    numbers = queries.patient_labels(session, {r.summary.patient_id for r in batch})
    for r in batch:
        s = r.summary
        answers = r.payload.get("answers") or {}
        pairs = justification_pairs(r.payload)
        name, username = names.get(s.prescriber_id, (f"user {s.prescriber_id}", ""))
        yield [
            s.id,
            s.visit_date.isoformat(),
            s.visit_kind,
            s.patient_id,
            numbers.get(s.patient_id, ("", ""))[1],
            name,
            username,
            s.profile_id,
            s.verdict,
            "yes" if s.has_justified_warnings else "no",
            " | ".join(code for code, _ in pairs),
            " | ".join(f"{code}: {text}" for code, text in pairs),
            "" if item9_of(answers) is None else item9_of(answers),
            answers.get("phq9_action") or "",
            s.corrects_record_id or "",
            s.created_at.isoformat(timespec="seconds"),
            s.content_hash,
            r.pdf_hash or "",
        ]
