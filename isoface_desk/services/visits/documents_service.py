"""Signed record PDFs outside the app: check a file offline, export a stored one.

`verify_pdf` needs no sign-in and reports no patient data (a record id, the signer's
certificate subject, the signing time): it validates the file's signature against the
certificates the audit chain announced (each person's key, retired ones too), fetching
nothing, checks that the content hash the PDF names is the record's, and that the file is
byte-identical to the PDF of a stored record whose "sign" audit event names the same hash.
Any one changed byte fails both checks.

`export_pdf` writes a stored signed PDF to a file: permission `record.export`, an "export"
audit event, and an atomic write (temporary file in the same folder, fsync, os.replace), so
a crash never leaves half a file. The event and the file are made together: the temporary
file is written inside the unit of work, so if the write fails nothing is audited, and if
the audit cannot be committed the file is not put in place.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from isoface_desk.documents.signing import SignatureStatus, validate_pdf
from isoface_desk.domain.record_marks import content_hash_in
from isoface_desk.errors import InputError, IntegrityError, NotFound
from isoface_desk.fileio import (
    checked_target,
    replace_durably,
    write_bytes_atomically,
    write_temp,
)
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, ServiceBase, require
from isoface_desk.storage.audit import append_event, events_for_target
from isoface_desk.storage.canonical import sha256_hex
from isoface_desk.storage.db import make_engine, read_scope, require_existing
from isoface_desk.storage.handles import Session
from isoface_desk.storage.migrate import ensure_schema
from isoface_desk.storage.repositories import keys as keys_repo
from isoface_desk.storage.repositories import records as records_repo

__all__ = [
    "MODIFIED",
    "NO_MATCHING_RECORD",
    "SIGNATURE_INVALID",
    "UNKNOWN_SIGNER",
    "DocumentService",
    "ExportedPdf",
    "PdfProblem",
    "PdfVerification",
    "documents_at",
    "read_pdf_file",
    "write_bytes_atomically",
]

SIGNATURE_INVALID = "signature invalid"
UNKNOWN_SIGNER = "unknown signer"
NO_MATCHING_RECORD = "no matching record"
MODIFIED = "modified"

#: Files larger than this are not a record PDF (a signed checklist is well under 1 MB).
MAX_PDF_BYTES = 64 * 1024 * 1024

#: Words of documents.signing's reasons that say which check failed (intact signatures).
_REASON_KINDS = (
    ("more than one signature", MODIFIED),
    ("added to the file", MODIFIED),
    ("not one of the clinic", UNKNOWN_SIGNER),
)

#: pyHanko logs what it finds wrong in a tampered file (with tracebacks); the verdict says
#: it plainly, so those records stop here instead of reaching stderr or the log (issue 11):
#: a NullHandler alone would still pass them up to any handler on the root logger.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


@dataclass(frozen=True)
class PdfProblem:
    kind: str  # one of SIGNATURE_INVALID, UNKNOWN_SIGNER, NO_MATCHING_RECORD, MODIFIED
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass(frozen=True)
class PdfVerification:
    """The verdict on one file. `record_id` is set when a stored record has these bytes."""

    record_id: int | None
    problems: tuple[PdfProblem, ...]
    signer: str = ""
    signed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.record_id is not None and not self.problems

    def kinds(self) -> list[str]:
        return [p.kind for p in self.problems]


@dataclass(frozen=True)
class ExportedPdf:
    record_id: int
    path: Path
    pdf_hash: str
    size: int


def signature_problem(status: SignatureStatus) -> PdfProblem | None:
    """What the signature check found wrong, by kind; None for a valid signature."""
    if status.valid:
        return None
    if not status.intact:
        # No signature, or one that cannot be read, is invalid; a readable one whose
        # digest no longer matches the bytes means the file was changed.
        kind = MODIFIED if status.signer_subject else SIGNATURE_INVALID
        return PdfProblem(kind, status.reason)
    reason = status.reason.lower()
    kind = next((k for words, k in _REASON_KINDS if words in reason), SIGNATURE_INVALID)
    return PdfProblem(kind, status.reason)


class DocumentService(ServiceBase):
    # ---------------------------------------------------------------- verify

    def verify_pdf(self, pdf: bytes) -> PdfVerification:
        """Check a file against the certificates the chain announced (every person's, the
        retired ones too) and the stored records (no login)."""
        with read_scope(self.engine) as session:
            certificates = keys_repo.announced_certificates(session)
            if not certificates:
                raise InputError(
                    "This database has announced no signing certificate to check against."
                )
            status = validate_pdf(pdf, b"".join(certificates))
            record_id, match_problem = _stored_match(session, pdf)
        problems = [p for p in (signature_problem(status), match_problem) if p is not None]
        return PdfVerification(
            record_id=record_id,
            problems=tuple(problems),
            signer=status.signer_subject,
            signed_at=status.signed_at,
        )

    # ---------------------------------------------------------------- export

    def export_pdf(
        self, actor: Actor, record_id: int | None, out: Path, *, force: bool = False
    ) -> ExportedPdf:
        """Write record `record_id`'s stored signed PDF (None: the newest record) to `out`
        (never over the database; over an existing file only with `force`)."""
        require(actor, Permission.RECORD_EXPORT)
        database = self.database
        target = checked_target(out, database=database, force=force)
        temp: Path | None = None
        try:
            with self._unit(actor, Permission.RECORD_EXPORT) as session:
                record = records_repo.get_record(
                    session, _latest(session) if record_id is None else record_id
                )
                pdf = _stored_pdf(session, record)
                temp = write_temp(target, pdf)
                append_event(
                    session,
                    actor.username,
                    "export",
                    records_repo.RECORD_TARGET,
                    record.id,
                    {"patient_id": record.patient_id, "pdf_hash": record.pdf_hash},
                )
            replace_durably(temp, target, database=database, force=force)
            temp = None
        finally:
            if temp is not None:
                temp.unlink(missing_ok=True)
        return ExportedPdf(record.id, target, sha256_hex(pdf), len(pdf))


@contextmanager
def documents_at(db_url: str) -> Iterator[DocumentService]:
    """For the CLI's `verify-pdf` (no sign-in): the service over the existing database at
    `db_url`, closed afterwards."""
    require_existing(db_url)
    engine = make_engine(db_url)
    try:
        ensure_schema(engine)
        yield DocumentService(engine)
    finally:
        engine.dispose()


def read_pdf_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_PDF_BYTES:
            raise InputError(f"{path} is too large to be a signed record PDF.")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc


# -------------------------------------------------------------------- helpers


def _stored_match(session: Session, pdf: bytes) -> tuple[int | None, PdfProblem | None]:
    """(id of the record whose stored PDF is exactly `pdf`, or None; the problem if any)."""
    digest = sha256_hex(pdf)
    summary = records_repo.find_record_by_pdf_hash(session, digest)
    if summary is None:
        detail = "No signed record in this database has exactly these bytes."
        return None, PdfProblem(NO_MATCHING_RECORD, detail)
    stored = records_repo.get_record_pdf(session, summary.id)
    if stored != pdf:
        detail = f"The stored PDF of record {summary.id} differs from its hash (run verify)."
        return None, PdfProblem(NO_MATCHING_RECORD, detail)
    signed = [
        e
        for e in events_for_target(session, records_repo.RECORD_TARGET, summary.id)
        if e.action == records_repo.SIGN_ACTION
    ]
    named = content_hash_in(pdf)
    if named is not None and named != summary.content_hash:
        detail = f"The PDF names other content than record {summary.id} holds (run verify)."
        return None, PdfProblem(NO_MATCHING_RECORD, detail)
    if not signed or signed[0].details.get("pdf_hash") != digest:
        detail = f"The audit trail does not record this PDF for record {summary.id} (run verify)."
        return None, PdfProblem(NO_MATCHING_RECORD, detail)
    return summary.id, None


def _latest(session: Session) -> int:
    rid = records_repo.latest_record_id(session)
    if rid is None:
        raise NotFound("There are no signed records yet.")
    return rid


def _stored_pdf(session: Session, record: records_repo.StoredRecord) -> bytes:
    pdf = records_repo.get_record_pdf(session, record.id)
    if pdf is None or record.pdf_hash is None:
        raise InputError(f"Record {record.id} was signed without a PDF.")
    if sha256_hex(pdf) != record.pdf_hash:
        raise IntegrityError(
            f"The stored PDF of record {record.id} does not match its hash: not exported. "
            "Run `isoface-desk verify`."
        )
    return pdf
