"""Typed SQLAlchemy rows. Only repositories touch them; the rest of the app gets dataclasses.

Timestamps are timezone-aware UTC on both backends (see UTCDateTime). JSON columns use
JSONB on PostgreSQL. Names are Unicode text: SQLite stores UTF-8, and PostgreSQL databases
are created with UTF-8 encoding by initdb's default in every supported locale we test.
Signed records, their PDFs and audit events are append-only: ORM guards at the end of
this module, database triggers in migration 0001.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    event,
)
from sqlalchemy.dialects.postgresql import BYTEA, JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, ORMExecuteState, Session, mapped_column

from isoface_desk.errors import ImmutableRecordError

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")
Blob = LargeBinary().with_variant(BYTEA(), "postgresql")
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored in UTC; SQLite's naive values come back marked as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ClinicRow(Base):
    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    jurisdiction_profile: Mapped[str] = mapped_column(String(60))
    paper_size: Mapped[str] = mapped_column(String(10), default="A4")
    lab_schedule_profile: Mapped[str] = mapped_column(String(60), default="smpc")
    settings: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    #: The certificate of a database from before per-person keys (migration 0003), copied
    #: into the root key's sealed "key issued" event and cleared at the first sign-in of an
    #: administrator, so that older PDFs keep verifying. None in every newer database.
    certificate_pem: Mapped[bytes | None] = mapped_column(Blob, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserRow(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    licence_number: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SigningKeyRow(Base):
    """A person's signing key: the certificate (public; its fingerprint, owner and text are
    also in the key's sealed "key issued" audit event, which verify trusts, not this row)
    and the private key wrapped with a key derived from the owner's password (argon2id,
    AES-256-GCM; `wrap` holds the salt, nonce and parameters). Nothing here signs without
    the password. `retired_at` is set when a reset or a new key replaces it."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    certificate_pem: Mapped[bytes] = mapped_column(Blob)
    wrapped_key: Mapped[bytes] = mapped_column(Blob)
    wrap: Mapped[dict[str, Any]] = mapped_column(JsonType)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PatientRow(Base):
    __tablename__ = "patient"
    __table_args__ = (
        Index("ix_patient_family_given", "family_name", "given_name"),
        Index("ix_patient_search_name", "search_name"),
        Index("ix_patient_birth_date", "birth_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    #: Case- and accent-folded "given family" for search (see repositories.patients).
    search_name: Mapped[str] = mapped_column(String(401))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex_at_birth: Mapped[str] = mapped_column(String(20))
    clinic_number: Mapped[str] = mapped_column(String(60), unique=True)
    other_identifiers: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    can_get_pregnant: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    phone: Mapped[str] = mapped_column(String(60), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseRow(Base):
    __tablename__ = "treatment_course"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    product: Mapped[str] = mapped_column(String(200))
    strength_mg: Mapped[float] = mapped_column(Float)
    target_cumulative_mg_per_kg: Mapped[float] = mapped_column(Float)
    lab_schedule_profile: Mapped[str | None] = mapped_column(String(60), nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class VisitDraftRow(Base):
    __tablename__ = "visit_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("treatment_course.id"), nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    visit_kind: Mapped[str] = mapped_column(String(40))
    visit_date: Mapped[dt.date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    form_id: Mapped[str] = mapped_column(String(80))
    form_version: Mapped[str] = mapped_column(String(40))
    form_hash: Mapped[str] = mapped_column(String(64))
    position: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignedRecordRow(Base):
    """A signed visit. `content` holds the canonical bytes exactly as hashed and signed;
    the other columns are copies of fields inside it, for search (verify cross-checks them).
    """

    __tablename__ = "signed_record"
    __table_args__ = (
        Index("ix_signed_record_visit_date", "visit_date"),
        Index("ix_signed_record_prescriber_date", "prescriber_id", "visit_date"),
        Index("ix_signed_record_patient_date", "patient_id", "visit_date"),
        # Filter column then visit date: the auditor's list in order (migration 0002).
        Index("ix_signed_record_profile_date", "profile_id", "visit_date"),
        Index("ix_signed_record_kind_date", "visit_kind", "visit_date"),
        Index("ix_signed_record_verdict_date", "verdict", "visit_date"),
        Index("ix_signed_record_justified_date", "has_justified_warnings", "visit_date"),
        Index("ix_signed_record_content_hash", "content_hash"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("treatment_course.id"), nullable=True)
    visit_kind: Mapped[str] = mapped_column(String(40))
    visit_date: Mapped[dt.date] = mapped_column(Date)
    profile_id: Mapped[str] = mapped_column(String(60))
    verdict: Mapped[str] = mapped_column(String(20))
    prescriber_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    form_id: Mapped[str] = mapped_column(String(80))
    form_version: Mapped[str] = mapped_column(String(40))
    form_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(Blob)
    content_hash: Mapped[str] = mapped_column(String(64))
    findings: Mapped[list[Any]] = mapped_column(JsonType)
    justifications: Mapped[dict[str, Any]] = mapped_column(JsonType)
    signatures: Mapped[list[Any]] = mapped_column(JsonType)
    has_justified_warnings: Mapped[bool] = mapped_column(Boolean)
    corrects_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("signed_record.id"), nullable=True, index=True
    )
    signed_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RecordPdfRow(Base):
    """The signed PDF of a record, stored once after the record (it prints the record's id
    and content hash, so it can only be built once the record exists). Append-only."""

    __tablename__ = "signed_record_pdf"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("signed_record.id"), primary_key=True, autoincrement=False
    )
    pdf: Mapped[bytes] = mapped_column(Blob)
    pdf_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LabOrderRow(Base):
    __tablename__ = "lab_order"
    __table_args__ = (
        Index("ix_lab_order_status_due", "status", "due_from"),
        Index("ix_lab_order_due_until", "due_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Generated from the schedule (e.g. "course:12:pregnancy:2024-05-01"), for dedupe.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_course.id"), nullable=True, index=True
    )
    prescriber_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    tests: Mapped[list[Any]] = mapped_column(JsonType)
    due_from: Mapped[dt.date] = mapped_column(Date)
    due_until: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    collected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resulted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    results: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    abnormal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEventRow(Base):
    """One link of the audit chain. `hash` = SHA-256 of the canonical bytes of every other
    field (details as stored, canonical JSON text) including `prev_hash`. Append-only."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_target", "target_kind", "target_id"),
        Index("ix_audit_event_actor_time", "actor", "time"),
        Index("ix_audit_event_action_time", "action", "time"),
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    target_kind: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


APPEND_ONLY_TABLES = ("signed_record", "signed_record_pdf", "audit_event")
APPEND_ONLY_MESSAGE = (
    "Signed records and audit events cannot be changed or deleted. "
    "To correct a signed record, sign a new record that corrects it."
)


# Defence in depth, first line: the ORM refuses before any SQL is sent. The database
# triggers created by migration 0001 refuse UPDATE/DELETE from any other path.


def _refuse_change(_mapper: Any, _conn: Any, target: Any) -> None:
    raise ImmutableRecordError(
        f"{APPEND_ONLY_MESSAGE} ({type(target).__tablename__} is append-only)"
    )


for _row in (SignedRecordRow, RecordPdfRow, AuditEventRow):
    event.listen(_row, "before_update", _refuse_change)
    event.listen(_row, "before_delete", _refuse_change)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) in APPEND_ONLY_TABLES:
        raise ImmutableRecordError(f"{APPEND_ONLY_MESSAGE} ({table.name} is append-only)")
