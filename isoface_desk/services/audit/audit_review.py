"""The auditor's workspace: search signed records, open one as stored, its trail, verify.

Read-only for the records: nothing here changes a record, a patient or a user. What it
writes is audit events, because reading is what an audit trail must show: a new search
("search", with the filter, no names), opening a record ("view", with the PDF hash) and
running the integrity check ("verify", with the outcome).

    review = AuditReviewService(engine)
    page = review.search(actor, RecordFilter(date_from=..., verdict="needs-review"))
    more = review.search(actor, flt, after=page.next_cursor)
    opened = review.open_record(actor, page.items[0].id)   # PDF, hashes, signature, trail
    report = review.verify(actor, progress, should_cancel)   # same code as `verify`

Permissions: searching, opening and the trail need `audit.read` (the auditor); verifying
needs `integrity.verify` (auditor and administrator).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from isoface_desk.errors import InputError
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.audit.integrity import IntegrityService
from isoface_desk.services.context import Actor, Clock, ServiceBase, require, utc_now
from isoface_desk.services.visits.documents_service import DocumentService, PdfVerification
from isoface_desk.storage.audit import AuditEvent, append_event, events_for_target, recent_events
from isoface_desk.storage.canonical import sha256_hex
from isoface_desk.storage.handles import Engine, Session
from isoface_desk.storage.integrity import Progress, ShouldCancel, VerifyReport
from isoface_desk.storage.repositories import audit_queries as queries
from isoface_desk.storage.repositories import records as records_repo
from isoface_desk.storage.repositories.audit_queries import PersonName, RecordCursor
from isoface_desk.storage.repositories.records import RecordFilter, RecordSummary

__all__ = [
    "AuditReviewService",
    "OpenedRecord",
    "PersonName",
    "RecordCursor",
    "RecordFilter",
    "RecordListItem",
    "RecordPage",
    "TrailEntry",
    "filter_details",
]

PAGE = 100
COUNT_CAP = 10_000_000
TRAIL_LIMIT = 1000


@dataclass(frozen=True)
class RecordListItem:
    """One row of the record list (the patient's name and clinic number for the auditor)."""

    id: int
    visit_date: dt.date
    visit_kind: str
    patient_id: int
    patient_name: str
    clinic_number: str
    prescriber_id: int
    prescriber_name: str
    profile_id: str
    verdict: str
    has_justified_warnings: bool
    corrects_record_id: int | None
    content_hash: str


@dataclass(frozen=True)
class RecordPage:
    items: tuple[RecordListItem, ...]
    next_cursor: RecordCursor | None  # None: this was the last page


@dataclass(frozen=True)
class TrailEntry:
    seq: int
    time: dt.datetime
    actor: str
    action: str
    details: dict[str, Any]
    target: str = ""  # e.g. "record 42", "patient 7"

    @classmethod
    def of(cls, event: AuditEvent) -> TrailEntry:
        target = f"{event.target_kind} {event.target_id}".strip()
        return cls(event.seq, event.time, event.actor, event.action, dict(event.details), target)


@dataclass(frozen=True)
class OpenedRecord:
    """A signed record as stored, with what an auditor checks about it."""

    item: RecordListItem
    signed_by: str
    signed_at: dt.datetime
    pdf: bytes | None
    pdf_hash: str | None
    content_hash_ok: bool  # SHA-256 of the stored content equals content_hash
    pdf_hash_ok: bool  # SHA-256 of the stored PDF equals pdf_hash
    verification: PdfVerification | None  # signature and stored-match of the PDF
    trail: tuple[TrailEntry, ...]
    justifications: dict[str, Any]

    @property
    def signature_text(self) -> str:
        if self.pdf is None:
            return "Signed without a PDF."
        v = self.verification
        if v is None:
            return "Not checked: this database announced no signing certificate."
        if v.ok:
            when = v.signed_at.astimezone().strftime("%Y-%m-%d %H:%M") if v.signed_at else ""
            return f"Valid signature by {v.signer} {when}".strip()
        return "; ".join(str(p) for p in v.problems)


def filter_details(flt: RecordFilter) -> dict[str, Any]:
    """The filter as audit-event details (ids and codes; dates as ISO text)."""
    out: dict[str, Any] = {}
    for key, value in asdict(flt).items():
        if value is None:
            continue
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def check_filter(flt: RecordFilter) -> None:
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise InputError("The 'from' date is after the 'to' date.")


class AuditReviewService(ServiceBase):
    def __init__(
        self,
        engine: Engine,
        *,
        now: Clock = utc_now,
        documents: DocumentService | None = None,
        integrity: IntegrityService | None = None,
    ) -> None:
        """`documents` checks an opened record's PDF signature and `integrity` runs verify;
        the composition root (services/bundle.py) passes its own, on the same clock."""
        super().__init__(engine, now=now)
        self.documents = documents or DocumentService(engine, now=now)
        self.integrity = integrity or IntegrityService(engine, now=now)

    # ------------------------------------------------------------- choices

    def people(self, actor: Actor) -> list[PersonName]:
        """Every user, for the prescriber filter and for names in the trail."""
        with self._read(actor, Permission.AUDIT_READ) as session:
            return queries.people(session)

    def find_patient(self, actor: Actor, clinic_number: str) -> int | None:
        """The id of the patient with exactly this clinic number (None if none)."""
        with self._read(actor, Permission.AUDIT_READ) as session:
            return queries.patient_id_by_clinic_number(session, clinic_number)

    # ------------------------------------------------------------- the list

    def search(
        self,
        actor: Actor,
        flt: RecordFilter,
        *,
        after: RecordCursor | None = None,
        limit: int = PAGE,
    ) -> RecordPage:
        """A page of records matching `flt`, newest visit first. A new search (no `after`)
        is an audited "search"; the next pages are plain reads."""
        require(actor, Permission.AUDIT_READ)
        check_filter(flt)
        if after is None:
            with self._unit(actor, Permission.AUDIT_READ) as session:
                page = self._page(session, flt, None, limit)
                details = {"filter": filter_details(flt), "first_page": len(page.items)}
                append_event(session, actor.username, "search", "records", "", details)
                return page
        with self._read(actor, Permission.AUDIT_READ) as session:
            return self._page(session, flt, after, limit)

    def count(self, actor: Actor, flt: RecordFilter, *, cap: int = COUNT_CAP) -> int:
        """How many records match, counting no further than `cap` (the list then says
        "or more"), so that a count can never hold the database for long."""
        check_filter(flt)
        with self._read(actor, Permission.AUDIT_READ) as session:
            return queries.count_records_capped(session, flt, cap)

    def _page(
        self, session: Session, flt: RecordFilter, after: RecordCursor | None, limit: int
    ) -> RecordPage:
        rows = queries.search_page(session, flt, after=after, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        items = tuple(list_items(session, rows))
        cursor = RecordCursor.after(rows[-1]) if more and rows else None
        return RecordPage(items, cursor)

    # ------------------------------------------------------------- one record

    def open_record(self, actor: Actor, record_id: int) -> OpenedRecord:
        """The stored record and PDF, their hash checks, the PDF's signature and the
        record's trail; an audited "view"."""
        require(actor, Permission.AUDIT_READ)
        with self._unit(actor, Permission.AUDIT_READ) as session:
            record = records_repo.get_record(session, record_id)
            pdf = records_repo.get_record_pdf(session, record_id)
            item = list_items(session, [_summary_of(record)])[0]
            append_event(session, actor.username, "view", records_repo.RECORD_TARGET, record_id,
                         {"patient_id": record.patient_id, "pdf_hash": record.pdf_hash,
                          "purpose": "audit review"})  # fmt: skip
            trail = events_for_target(session, records_repo.RECORD_TARGET, record_id, TRAIL_LIMIT)
        verification = None
        if pdf is not None:
            verification = _verify_pdf(self.documents, pdf)
        return OpenedRecord(
            item=item,
            signed_by=record.signed_by,
            signed_at=record.created_at,
            pdf=pdf,
            pdf_hash=record.pdf_hash,
            content_hash_ok=sha256_hex(record.content) == record.content_hash,
            pdf_hash_ok=pdf is not None and sha256_hex(pdf) == record.pdf_hash,
            verification=verification,
            trail=tuple(TrailEntry.of(e) for e in trail),
            justifications=dict(record.justifications),
        )

    def trail(self, actor: Actor, record_id: int) -> list[TrailEntry]:
        """Who signed, viewed, printed or exported record `record_id`, and when (oldest
        first)."""
        with self._read(actor, Permission.AUDIT_READ) as session:
            events = events_for_target(session, records_repo.RECORD_TARGET, record_id,
                                       TRAIL_LIMIT)  # fmt: skip
            return [TrailEntry.of(e) for e in events]

    def recent_events(
        self, actor: Actor, *, limit: int = 200, action: str | None = None
    ) -> list[TrailEntry]:
        """The newest audit events of anyone, newest first."""
        with self._read(actor, Permission.AUDIT_READ) as session:
            return [TrailEntry.of(e) for e in recent_events(session, limit, action=action)]

    # ------------------------------------------------------------- integrity

    def verify(
        self,
        actor: Actor,
        progress: Progress | None = None,
        should_cancel: ShouldCancel | None = None,
    ) -> VerifyReport:
        """Verify every record, PDF and the chain (the code of `isoface-desk verify`), then
        record a "verify" event with the outcome."""
        with self._read(actor, Permission.INTEGRITY_VERIFY):
            pass  # the account is still active and allowed before the long read starts
        report = self.integrity.verify(progress, should_cancel)
        details = {
            "records": report.records,
            "events": report.events,
            "problems": len(report.problems),
            "cancelled": report.cancelled,
            "head_seq": report.head_seq,
            "head_hash": report.head_hash,
        }
        with self._unit(actor, Permission.INTEGRITY_VERIFY) as session:
            append_event(session, actor.username, "verify", "database", "", details)
        return report


def _verify_pdf(documents: DocumentService, pdf: bytes) -> PdfVerification | None:
    try:
        return documents.verify_pdf(pdf)
    except InputError:  # no clinic certificate to check against
        return None


def _summary_of(record: records_repo.StoredRecord) -> RecordSummary:
    return RecordSummary(
        id=record.id,
        patient_id=record.patient_id,
        course_id=record.course_id,
        visit_kind=record.visit_kind,
        visit_date=record.visit_date,
        profile_id=record.profile_id,
        verdict=record.verdict,
        prescriber_id=record.prescriber_id,
        has_justified_warnings=record.has_justified_warnings,
        corrects_record_id=record.corrects_record_id,
        content_hash=record.content_hash,
        created_at=record.created_at,
    )


def list_items(session: Session, rows: list[RecordSummary]) -> list[RecordListItem]:
    """List rows with the patients' and prescribers' names (one query each per page)."""
    patients = queries.patient_labels(session, {r.patient_id for r in rows})
    names = {p.id: p.display_name for p in queries.people(session)}
    items = []
    for r in rows:
        name, number = patients.get(r.patient_id, ("", ""))
        items.append(
            RecordListItem(
                id=r.id,
                visit_date=r.visit_date,
                visit_kind=r.visit_kind,
                patient_id=r.patient_id,
                patient_name=name,
                clinic_number=number,
                prescriber_id=r.prescriber_id,
                prescriber_name=names.get(r.prescriber_id, f"user {r.prescriber_id}"),
                profile_id=r.profile_id,
                verdict=r.verdict,
                has_justified_warnings=r.has_justified_warnings,
                corrects_record_id=r.corrects_record_id,
                content_hash=r.content_hash,
            )
        )
    return items
