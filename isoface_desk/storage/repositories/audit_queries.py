"""Read queries of the auditor's workspace and reports, fast on a million signed records.

The record list pages by keyset, not by offset: each page continues after the last row of
the previous one, `(visit_date, id) < (cursor)`, newest first. With the indexes of
migration 0002 (every filter column followed by visit_date and id) a page costs the same
at row 10 as at row 900,000. Counting is capped (`count_records_capped`) so that a broad
filter never scans the whole table just to print a number.

Reports stream the records of a filter in id batches (`iter_report_rows`) with their
signed content, so memory stays bounded whatever the date range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from isoface_desk.storage.canonical import loads
from isoface_desk.storage.models import (
    AuditEventRow,
    LabOrderRow,
    PatientRow,
    RecordPdfRow,
    SignedRecordRow,
    UserRow,
)
from isoface_desk.storage.repositories.lab_orders import OPEN_STATUSES
from isoface_desk.storage.repositories.records import (
    _SUMMARY_COLUMNS as SUMMARY_COLUMNS,
)
from isoface_desk.storage.repositories.records import (
    RecordFilter,
    RecordSummary,
    _conditions,
    _summary,
)

__all__ = [
    "OverdueTest",
    "PersonName",
    "RecordCursor",
    "ReportRow",
    "count_records_capped",
    "iter_report_rows",
    "overdue_orders_with",
    "patient_id_by_clinic_number",
    "patient_labels",
    "people",
    "refused_signings",
    "search_page",
]

REPORT_BATCH = 500


@dataclass(frozen=True)
class RecordCursor:
    """Where a page ended: the next page starts after this (visit date, id)."""

    visit_date: dt.date
    id: int

    @classmethod
    def after(cls, row: RecordSummary) -> RecordCursor:
        return cls(row.visit_date, row.id)


@dataclass(frozen=True)
class PersonName:
    id: int
    username: str
    display_name: str
    roles: str
    active: bool


@dataclass(frozen=True)
class ReportRow:
    """One record for the reports: its list fields and its parsed signed content."""

    summary: RecordSummary
    pdf_hash: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class OverdueTest:
    order_id: int
    patient_id: int
    prescriber_id: int | None
    due_from: dt.date
    due_until: dt.date
    status: str


def search_page(
    session: Session, flt: RecordFilter, *, after: RecordCursor | None = None, limit: int = 100
) -> list[RecordSummary]:
    """Up to `limit` records matching `flt`, newest visit first, after `after`."""
    query = select(*SUMMARY_COLUMNS).where(*_conditions(flt))
    if after is not None:
        row = SignedRecordRow
        query = query.where(
            or_(
                row.visit_date < after.visit_date,
                and_(row.visit_date == after.visit_date, row.id < after.id),
            )
        )
    query = query.order_by(SignedRecordRow.visit_date.desc(), SignedRecordRow.id.desc())
    return [_summary(r) for r in session.execute(query.limit(limit))]


def count_records_capped(session: Session, flt: RecordFilter, cap: int) -> int:
    """How many records match, counting no further than `cap` (returns cap when reached)."""
    inner = select(SignedRecordRow.id).where(*_conditions(flt)).limit(cap).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def patient_id_by_clinic_number(session: Session, clinic_number: str) -> int | None:
    number = clinic_number.strip()
    if not number:
        return None
    return session.scalar(select(PatientRow.id).where(PatientRow.clinic_number == number))


def patient_labels(session: Session, patient_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(full name, clinic number) of each patient id (a page of a list: a few hundred)."""
    if not patient_ids:
        return {}
    rows = session.execute(
        select(PatientRow.id, PatientRow.given_name, PatientRow.family_name,
               PatientRow.clinic_number).where(PatientRow.id.in_(sorted(patient_ids)))
    )  # fmt: skip
    return {r.id: (f"{r.given_name} {r.family_name}".strip(), r.clinic_number) for r in rows}


def people(session: Session) -> list[PersonName]:
    """Every user (a clinic has a few dozen), active or not, by display name."""
    rows = session.execute(
        select(
            UserRow.id, UserRow.username, UserRow.display_name, UserRow.role, UserRow.active
        ).order_by(UserRow.display_name, UserRow.id)
    )
    return [PersonName(r.id, r.username, r.display_name, r.role, bool(r.active)) for r in rows]


def iter_report_rows(
    session: Session, flt: RecordFilter, *, batch: int = REPORT_BATCH
) -> Iterator[ReportRow]:
    """Every record matching `flt` with its content, oldest id first, in batches."""
    last_id = 0
    columns = (*SUMMARY_COLUMNS, SignedRecordRow.content, RecordPdfRow.pdf_hash)
    while True:
        rows = session.execute(
            select(*columns)
            .outerjoin(RecordPdfRow, RecordPdfRow.record_id == SignedRecordRow.id)
            .where(*_conditions(flt), SignedRecordRow.id > last_id)
            .order_by(SignedRecordRow.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        for r in rows:
            values = dict(r._mapping)
            content = values.pop("content")
            pdf_hash = values.pop("pdf_hash")
            payload = loads(bytes(content))
            parsed = payload if isinstance(payload, dict) else {}
            yield ReportRow(RecordSummary(**values), pdf_hash, parsed)
        last_id = int(rows[-1].id)


def overdue_orders_with(
    session: Session, test: str, *, due_from: dt.date | None, due_to: dt.date, limit: int = 10_000
) -> list[OverdueTest]:
    """Open lab orders holding `test` whose window closed in [due_from, due_to]."""
    query = (
        select(LabOrderRow)
        .where(LabOrderRow.status.in_(list(OPEN_STATUSES)))
        .where(LabOrderRow.due_until <= due_to)
        .order_by(LabOrderRow.due_until, LabOrderRow.id)
    )
    if due_from is not None:
        query = query.where(LabOrderRow.due_until >= due_from)
    found: list[OverdueTest] = []
    for row in session.scalars(query):
        if test in (str(t) for t in row.tests):
            found.append(OverdueTest(row.id, row.patient_id, row.prescriber_id, row.due_from,
                                     row.due_until, row.status))  # fmt: skip
            if len(found) >= limit:
                break
    return found


def refused_signings(
    session: Session, since: dt.datetime | None, until: dt.datetime | None
) -> list[tuple[str, dt.datetime, dict[str, Any]]]:
    """(actor, time, details) of every "sign refused" audit event in the time range."""
    query = select(AuditEventRow.actor, AuditEventRow.time, AuditEventRow.details).where(
        AuditEventRow.action == "sign refused"
    )
    if since is not None:
        query = query.where(AuditEventRow.time >= since)
    if until is not None:
        query = query.where(AuditEventRow.time < until)
    out = []
    for actor, time, details in session.execute(query.order_by(AuditEventRow.time)):
        value = loads(details)
        out.append((str(actor), time, value if isinstance(value, dict) else {}))
    return out
