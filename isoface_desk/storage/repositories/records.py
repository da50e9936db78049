"""Signed records: written once with their sign event, then only read.

`insert_signed_record` builds the canonical content (the bytes that are hashed and that
the PDF's QR code and the audit chain refer to), stores it, optionally builds and stores
the PDF once the record's id is known, and appends the "sign" audit event carrying the
record id, the content hash and the PDF hash, all in the caller's transaction. A correction
is a new record with `corrects_record_id` set; the original is never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from isoface_desk.errors import InputError, NotFound
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.canonical import canonical_json, loads, sha256_hex
from isoface_desk.storage.models import RecordPdfRow, SignedRecordRow, utcnow
from isoface_desk.storage.seals import Sealer

CONTENT_FORMAT = "isoface-record/1"
SIGN_ACTION = "sign"
RECORD_TARGET = "record"


@dataclass(frozen=True)
class NewRecord:
    """What a service hands over to sign. Every value must be JSON (dates as ISO text)."""

    patient_id: int
    course_id: int | None
    visit_kind: str
    visit_date: dt.date
    profile_id: str
    verdict: str
    prescriber_id: int
    form_id: str
    form_version: str
    form_hash: str
    answers: Mapping[str, Any]
    findings: Sequence[Mapping[str, Any]] = ()
    justifications: Mapping[str, str] = field(default_factory=dict)
    signatures: Sequence[Mapping[str, Any]] = ()
    corrects_record_id: int | None = None


@dataclass(frozen=True)
class RecordSummary:
    """One line of a record list (no content, no PDF)."""

    id: int
    patient_id: int
    course_id: int | None
    visit_kind: str
    visit_date: dt.date
    profile_id: str
    verdict: str
    prescriber_id: int
    has_justified_warnings: bool
    corrects_record_id: int | None
    content_hash: str
    created_at: dt.datetime


@dataclass(frozen=True)
class StoredRecord:
    """A signed record as stored; `content` is exactly the hashed bytes."""

    id: int
    patient_id: int
    course_id: int | None
    visit_kind: str
    visit_date: dt.date
    profile_id: str
    verdict: str
    prescriber_id: int
    signed_by: str
    form_id: str
    form_version: str
    form_hash: str
    content: bytes
    content_hash: str
    findings: list[Any]
    justifications: dict[str, Any]
    signatures: list[Any]
    has_justified_warnings: bool
    corrects_record_id: int | None
    created_at: dt.datetime
    pdf_hash: str | None

    def payload(self) -> dict[str, Any]:
        """The signed content parsed: answers, findings, justifications, signatures..."""
        value = loads(self.content)
        assert isinstance(value, dict)
        return value

    @property
    def answers(self) -> dict[str, Any]:
        answers = self.payload()["answers"]
        assert isinstance(answers, dict)
        return answers


@dataclass(frozen=True)
class RecordFilter:
    """Search criteria for the auditor's list; None means "any"."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    prescriber_id: int | None = None
    patient_id: int | None = None
    profile_id: str | None = None
    visit_kind: str | None = None
    verdict: str | None = None
    has_justified_warnings: bool | None = None


PdfBuilder = Callable[[StoredRecord], bytes]


def record_content(new: NewRecord, signed_by: str, signed_at: dt.datetime) -> dict[str, Any]:
    """The signed document as a JSON value: what `content` holds, canonicalised."""
    return {
        "format": CONTENT_FORMAT,
        "patient_id": new.patient_id,
        "course_id": new.course_id,
        "visit_kind": new.visit_kind,
        "visit_date": new.visit_date.isoformat(),
        "profile_id": new.profile_id,
        "verdict": new.verdict,
        "prescriber_id": new.prescriber_id,
        "signed_by": signed_by,
        "signed_at": signed_at.astimezone(dt.UTC).isoformat(),
        "form": {"id": new.form_id, "version": new.form_version, "hash": new.form_hash},
        "answers": dict(new.answers),
        "findings": [dict(item) for item in new.findings],
        "justifications": dict(new.justifications),
        "signatures": [dict(item) for item in new.signatures],
        "corrects_record_id": new.corrects_record_id,
    }


def insert_signed_record(
    session: Session,
    new: NewRecord,
    *,
    actor: str,
    pdf_builder: PdfBuilder | None = None,
    event_details: Mapping[str, Any] | None = None,
    sealer: Sealer | None = None,
) -> StoredRecord:
    """Store a signed record (and its PDF) and append its "sign" audit event, sealed with
    the prescriber's unlocked key (`sealer`): the seal covers the content and PDF hashes,
    so neither can change without it breaking.

    `actor` is the signing user's username. `pdf_builder` receives the stored record (id and
    content hash known) and returns the PDF bytes to keep with it.
    """
    _check_correction(session, new)
    signed_at = utcnow()
    payload = record_content(new, actor, signed_at)
    content = canonical_json(payload)
    row = SignedRecordRow(
        patient_id=new.patient_id,
        course_id=new.course_id,
        visit_kind=new.visit_kind,
        visit_date=new.visit_date,
        profile_id=new.profile_id,
        verdict=new.verdict,
        prescriber_id=new.prescriber_id,
        signed_by=actor,
        form_id=new.form_id,
        form_version=new.form_version,
        form_hash=new.form_hash,
        content=content,
        content_hash=sha256_hex(content),
        findings=payload["findings"],
        justifications=payload["justifications"],
        signatures=payload["signatures"],
        has_justified_warnings=bool(payload["justifications"]),
        corrects_record_id=new.corrects_record_id,
        created_at=signed_at,
    )
    session.add(row)
    session.flush()
    stored = _to_stored(row, pdf_hash=None)
    if pdf_builder is not None:
        stored = _store_pdf(session, stored, pdf_builder(stored))
    details = dict(event_details or {})
    details.update(
        content_hash=stored.content_hash,
        pdf_hash=stored.pdf_hash,
        patient_id=new.patient_id,
        corrects_record_id=new.corrects_record_id,
    )
    append_event(session, actor, SIGN_ACTION, RECORD_TARGET, stored.id, details, sealer=sealer)
    return stored


def _check_correction(session: Session, new: NewRecord) -> None:
    if new.corrects_record_id is None:
        return
    original = session.get(SignedRecordRow, new.corrects_record_id)
    if original is None:
        raise NotFound(f"Record {new.corrects_record_id} to correct does not exist.")
    if original.patient_id != new.patient_id:
        raise InputError(f"A correction must be for the same patient as record {original.id}.")


def _store_pdf(session: Session, stored: StoredRecord, pdf: bytes) -> StoredRecord:
    if not pdf:
        raise InputError("The PDF for the signed record is empty.")
    digest = sha256_hex(pdf)
    # The PDF row's time is the signing time (verify compares them: no column is free).
    row = RecordPdfRow(record_id=stored.id, pdf=pdf, pdf_hash=digest, created_at=stored.created_at)
    session.add(row)
    session.flush()
    return replace(stored, pdf_hash=digest)


def _to_stored(row: SignedRecordRow, pdf_hash: str | None) -> StoredRecord:
    return StoredRecord(
        id=row.id,
        patient_id=row.patient_id,
        course_id=row.course_id,
        visit_kind=row.visit_kind,
        visit_date=row.visit_date,
        profile_id=row.profile_id,
        verdict=row.verdict,
        prescriber_id=row.prescriber_id,
        signed_by=row.signed_by,
        form_id=row.form_id,
        form_version=row.form_version,
        form_hash=row.form_hash,
        content=bytes(row.content),
        content_hash=row.content_hash,
        findings=list(row.findings),
        justifications=dict(row.justifications),
        signatures=list(row.signatures),
        has_justified_warnings=row.has_justified_warnings,
        corrects_record_id=row.corrects_record_id,
        created_at=row.created_at,
        pdf_hash=pdf_hash,
    )


_SUMMARY_COLUMNS = (
    SignedRecordRow.id,
    SignedRecordRow.patient_id,
    SignedRecordRow.course_id,
    SignedRecordRow.visit_kind,
    SignedRecordRow.visit_date,
    SignedRecordRow.profile_id,
    SignedRecordRow.verdict,
    SignedRecordRow.prescriber_id,
    SignedRecordRow.has_justified_warnings,
    SignedRecordRow.corrects_record_id,
    SignedRecordRow.content_hash,
    SignedRecordRow.created_at,
)


def get_record(session: Session, record_id: int) -> StoredRecord:
    row = session.get(SignedRecordRow, record_id)
    if row is None:
        raise NotFound(f"Signed record {record_id} does not exist.")
    pdf_hash = session.scalar(
        select(RecordPdfRow.pdf_hash).where(RecordPdfRow.record_id == record_id)
    )
    return _to_stored(row, pdf_hash)


def get_record_pdf(session: Session, record_id: int) -> bytes | None:
    """The stored signed PDF of a record, or None if it was signed without one."""
    pdf = session.scalar(select(RecordPdfRow.pdf).where(RecordPdfRow.record_id == record_id))
    return bytes(pdf) if pdf is not None else None


def find_record_by_pdf_hash(session: Session, pdf_hash: str) -> RecordSummary | None:
    """The record whose stored PDF has this SHA-256 (for verify-pdf)."""
    query = (
        select(*_SUMMARY_COLUMNS)
        .join(RecordPdfRow, RecordPdfRow.record_id == SignedRecordRow.id)
        .where(RecordPdfRow.pdf_hash == pdf_hash)
        .limit(1)
    )
    row = session.execute(query).first()
    return _summary(row) if row is not None else None


def latest_record_id(session: Session) -> int | None:
    return session.scalar(select(func.max(SignedRecordRow.id)))


def _conditions(flt: RecordFilter) -> list[ColumnElement[bool]]:
    row = SignedRecordRow
    found: list[ColumnElement[bool]] = []
    if flt.date_from is not None:
        found.append(row.visit_date >= flt.date_from)
    if flt.date_to is not None:
        found.append(row.visit_date <= flt.date_to)
    equal: list[tuple[Any, object]] = [
        (row.prescriber_id, flt.prescriber_id),
        (row.patient_id, flt.patient_id),
        (row.profile_id, flt.profile_id),
        (row.visit_kind, flt.visit_kind),
        (row.verdict, flt.verdict),
        (row.has_justified_warnings, flt.has_justified_warnings),
    ]
    found.extend(column == value for column, value in equal if value is not None)
    return found


def _summary(row: Any) -> RecordSummary:
    return RecordSummary(**row._mapping)


def search_records(
    session: Session, flt: RecordFilter | None = None, *, limit: int = 200, offset: int = 0
) -> list[RecordSummary]:
    """Records matching `flt`, newest visit first (then newest id)."""
    query = select(*_SUMMARY_COLUMNS).where(*_conditions(flt or RecordFilter()))
    query = query.order_by(SignedRecordRow.visit_date.desc(), SignedRecordRow.id.desc())
    rows = session.execute(query.limit(limit).offset(offset))
    return [_summary(row) for row in rows]


def count_records(session: Session, flt: RecordFilter | None = None) -> int:
    query = select(func.count(SignedRecordRow.id)).where(*_conditions(flt or RecordFilter()))
    return int(session.scalar(query) or 0)


def records_for_patient(session: Session, patient_id: int) -> list[RecordSummary]:
    """Every record of one patient, oldest visit first (for the course timeline)."""
    query = (
        select(*_SUMMARY_COLUMNS)
        .where(SignedRecordRow.patient_id == patient_id)
        .order_by(SignedRecordRow.visit_date, SignedRecordRow.id)
    )
    return [_summary(row) for row in session.execute(query)]


def corrections_of(session: Session, record_id: int) -> list[RecordSummary]:
    query = (
        select(*_SUMMARY_COLUMNS)
        .where(SignedRecordRow.corrects_record_id == record_id)
        .order_by(SignedRecordRow.id)
    )
    return [_summary(row) for row in session.execute(query)]
