"""Signing visits into immutable records, corrections, and reading them back (audited).

`sign_visit` re-checks everything the checklist screen showed, in this order:
permission; the visit parses (check-format) and matches the patient; the safety engine
finds no block and every warning has a typed justification; every drawn signature the
visit's form asks for is there and no other (the initiation asks for the patient's, and a
guardian's under 18; a follow-up or end-of-course visit for none); the prescriber
re-entered the password. Then, in ONE transaction:
the canonical content (the visit exactly as given, the findings, the justifications, the
form id/version/hash, the profile, the signatures with the SHA-256 of each image), the
PDF built from it (naming the content hash) and signed with the prescriber's own key,
unlocked by that password (services.signing_keys), the record, its "sign" audit event
sealed with the same key,
and the removal of the draft it came from. Either all of it is stored, or nothing.
"""

from __future__ import annotations

import base64
import copy
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from isoface_desk.documents.checklist_pdf import build_checklist_pdf
from isoface_desk.documents.signing import sign_pdf
from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.engine import Evaluation
from isoface_desk.domain.findings import Finding
from isoface_desk.domain.visit import Visit
from isoface_desk.errors import InputError, Problem
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.access.signing_keys import require_key
from isoface_desk.services.context import Actor, CatalogServiceBase, Clock, require, utc_now
from isoface_desk.services.visits.record_pdf import PrintContext, SignerInfo, checklist_document
from isoface_desk.services.visits.visit_checks import (
    SigningRefused,
    check_course,
    check_signers,
    check_visit,
    form_for,
    signers_of,
)
from isoface_desk.services.visits.visit_course import CoursePlan, apply_to_course
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.canonical import sha256_hex
from isoface_desk.storage.db import read_scope
from isoface_desk.storage.handles import Engine, Session
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import drafts as drafts_repo
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories import records as records_repo
from isoface_desk.storage.repositories.records import NewRecord, RecordSummary, StoredRecord

__all__ = [
    "RecordService",
    "RecordSummary",
    "SignatureInput",
    "SignedVisit",
    "SigningRefused",
    "StoredRecord",
]

log = logging.getLogger("isoface.records")


@dataclass(frozen=True)
class SignatureInput:
    """A hand-drawn signature: `role` is "patient" or "guardian"; `png` the image."""

    role: str
    name: str
    png: bytes


@dataclass(frozen=True)
class SignedVisit:
    record_id: int
    content_hash: str
    pdf_hash: str | None
    verdict: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    course_id: int | None = None  # the course the record belongs to (an initiation's new one)


@dataclass(frozen=True)
class _Prepared:
    visit: Visit
    visit_dict: dict[str, Any]
    evaluation: Evaluation
    justifications: dict[str, str]


def _signature_entries(
    actor: Actor, signatures: Sequence[SignatureInput], correction_reason: str | None
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = [
        {
            "role": s.role,
            "name": s.name.strip(),
            "png_sha256": sha256_hex(s.png),
            "png": base64.b64encode(s.png).decode("ascii"),
        }
        for s in signatures
    ]
    prescriber: dict[str, Any] = {
        "role": "prescriber",
        "name": actor.display_name,
        "user_id": actor.user_id,
        "licence_number": actor.licence_number,
        "method": "password re-entered",
    }
    if correction_reason is not None:
        prescriber["correction_reason"] = correction_reason
    entries.append(prescriber)
    return entries


#: Re-authenticates the signed-in person, raising AuthenticationError (and counting the
#: failure towards the lockout) on a wrong password: AuthService.confirm_password.
PasswordCheck = Callable[[Actor, str], None]


class RecordService(CatalogServiceBase):
    def __init__(
        self,
        engine: Engine,
        *,
        confirm_password: PasswordCheck,
        now: Clock = utc_now,
        catalog: Catalog | None = None,
    ) -> None:
        """`confirm_password` re-checks the password before signing: services/bundle
        passes the session's AuthService.confirm_password (a wrong one counts towards
        the sign-in lockout)."""
        super().__init__(engine, now=now, catalog=catalog)
        self._confirm_password = confirm_password

    # ---------------------------------------------------------------- signing

    def sign_visit(
        self,
        actor: Actor,
        patient_id: int,
        course_id: int | None,
        kind: str,
        visit_dict: Mapping[str, Any],
        justifications: Mapping[str, str],
        signatures: Sequence[SignatureInput],
        password: str,
        *,
        draft_id: int | None = None,
        corrects_record_id: int | None = None,
        correction_reason: str | None = None,
        course_plan: CoursePlan | None = None,
    ) -> SignedVisit:
        """Sign a visit into an immutable record (see the module docstring). Unless it is a
        correction, the visit also starts, changes or ends its course (services/visit_course)
        in the same transaction; `course_plan` is what an initiation plans."""
        require(actor, Permission.RECORD_SIGN)
        if corrects_record_id is None:
            require(actor, Permission.COURSE_WRITE)
        try:
            prepared = self._prepare(kind, visit_dict, justifications)
        except SigningRefused as refused:
            if refused.blocked:  # a block met: the audit reports count them (issue 7)
                self._note_block(actor, patient_id, kind, visit_dict, refused.codes)
            raise
        form = form_for(kind, self.catalog)
        asked = signers_of(form, prepared.visit_dict, prepared.evaluation.profile_id)
        check_signers(form, asked, signatures)
        self._confirm_password(actor, password)
        with read_scope(self.engine) as session:  # argon2 before the write lock
            key = require_key(session, actor.user_id, password)
        with self._unit(actor, Permission.RECORD_SIGN) as session:
            patient = patients_repo.get_patient(session, patient_id)
            if patient.birth_date != prepared.visit.patient.birth_date:
                raise InputError(
                    Problem("patient.birth_date", "does not match the patient's record.")
                )
            check_course(session, patient_id, course_id)
            if corrects_record_id is None:
                course_id = apply_to_course(
                    session, actor, patient_id, course_id, prepared.visit, course_plan
                )
            new = NewRecord(
                patient_id=patient_id,
                course_id=course_id,
                visit_kind=kind,
                visit_date=prepared.visit.date,
                profile_id=prepared.evaluation.profile_id,
                verdict=prepared.evaluation.verdict,
                prescriber_id=actor.user_id,
                form_id=form.id,
                form_version=form.version,
                form_hash=form.sha256,
                answers=prepared.visit_dict,
                findings=[_finding_dict(f) for f in prepared.evaluation.findings],
                justifications=prepared.justifications,
                signatures=_signature_entries(actor, signatures, correction_reason),
                corrects_record_id=corrects_record_id,
            )
            signers = [SignerInfo(s.role, s.name, s.png) for s in signatures]
            signers.append(SignerInfo("prescriber", actor.display_name, None))

            def build_pdf(stored: StoredRecord) -> bytes:
                ctx = PrintContext(
                    clinic=_clinic(session),
                    patient=patient,
                    prescriber_name=actor.display_name,
                    prescriber_licence=actor.licence_number,
                    record_id=stored.id,
                    record_hash=stored.content_hash,
                    signed_at=stored.created_at,
                    signers=signers,
                    justifications=prepared.justifications,
                    amends=_amends(session, corrects_record_id, correction_reason),
                )
                document = checklist_document(
                    form,
                    prepared.visit,
                    prepared.visit_dict,
                    prepared.evaluation,
                    self.catalog,
                    ctx,
                )
                pdf = build_checklist_pdf(document)
                return sign_pdf(pdf, key.pdf_signer(), reason="Isoface record")

            stored = records_repo.insert_signed_record(
                session,
                new,
                actor=actor.username,
                pdf_builder=build_pdf,
                event_details={"verdict": new.verdict, "kind": kind},
                sealer=key,
            )
            if draft_id is not None:
                drafts_repo.delete_draft(session, draft_id)
        log.info("record %d signed (verdict %s)", stored.id, stored.verdict)
        return SignedVisit(
            stored.id,
            stored.content_hash,
            stored.pdf_hash,
            stored.verdict,
            prepared.evaluation.findings,
            course_id,
        )

    def _note_block(
        self,
        actor: Actor,
        patient_id: int,
        kind: str,
        visit_dict: Mapping[str, Any],
        codes: Sequence[str],
    ) -> None:
        """Record a "sign refused" event: the safety check blocked this visit."""
        visit = visit_dict.get("visit")
        details = {
            "patient_id": patient_id,
            "kind": kind,
            "visit_date": visit.get("date") if isinstance(visit, Mapping) else None,
            "profile": visit_dict.get("profile"),
            "blocks": list(codes),
        }
        with self._unit(actor, Permission.RECORD_SIGN) as session:
            append_event(session, actor.username, "sign refused", "patient", patient_id, details)

    def _prepare(
        self, kind: str, visit_dict: Mapping[str, Any], justifications: Mapping[str, str]
    ) -> _Prepared:
        data = copy.deepcopy(dict(visit_dict))
        visit, evaluation, kept = check_visit(kind, data, justifications, self.catalog)
        return _Prepared(visit, data, evaluation, kept)

    def correct_record(
        self,
        actor: Actor,
        record_id: int,
        visit_dict: Mapping[str, Any],
        justifications: Mapping[str, str],
        signatures: Sequence[SignatureInput],
        password: str,
        reason: str,
        *,
        draft_id: int | None = None,
    ) -> SignedVisit:
        """Sign a new record that corrects record `record_id` (which stays as it is); the
        correction's draft `draft_id` is deleted with it. Its PDF says what it amends."""
        require(actor, Permission.RECORD_SIGN)
        if not reason.strip():
            raise InputError("A correction needs a reason.")
        with self._read(actor, Permission.RECORD_SIGN) as session:
            original = records_repo.get_record(session, record_id)
        return self.sign_visit(
            actor,
            original.patient_id,
            original.course_id,
            original.visit_kind,
            visit_dict,
            justifications,
            signatures,
            password,
            draft_id=draft_id,
            corrects_record_id=record_id,
            correction_reason=reason.strip(),
        )

    # ---------------------------------------------------------------- reading

    def for_patient(self, actor: Actor, patient_id: int) -> list[RecordSummary]:
        with self._read(actor, Permission.RECORD_READ) as session:
            return records_repo.records_for_patient(session, patient_id)

    def get(self, actor: Actor, record_id: int) -> StoredRecord:
        """A signed record with its content; an audited "view"."""
        with self._unit(actor, Permission.RECORD_READ) as session:
            record = records_repo.get_record(session, record_id)
            append_event(
                session,
                actor.username,
                "view",
                "record",
                record_id,
                {"patient_id": record.patient_id},
            )
            return record

    def pdf(self, actor: Actor, record_id: int, *, purpose: str = "view") -> bytes:
        """The stored signed PDF. `purpose` "view", "print" or "export" is the audit action
        (print and export need the export permission)."""
        if purpose not in ("view", "print", "export"):
            raise InputError(f"Unknown purpose '{purpose}'.")
        permission = Permission.RECORD_READ if purpose == "view" else Permission.RECORD_EXPORT
        with self._unit(actor, permission) as session:
            record = records_repo.get_record(session, record_id)
            pdf = records_repo.get_record_pdf(session, record_id)
            if pdf is None:
                raise InputError(f"Record {record_id} was signed without a PDF.")
            append_event(
                session,
                actor.username,
                purpose,
                "record",
                record_id,
                {"patient_id": record.patient_id, "pdf_hash": record.pdf_hash},
            )
            return pdf


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "basis": f.basis,
        "field": f.field,
    }


def _amends(session: Session, record_id: int | None, reason: str | None) -> str:
    """What a correction's PDF says at the top: the record it amends and why."""
    if record_id is None:
        return ""
    original = records_repo.get_record(session, record_id)
    signed = original.created_at.date().isoformat()
    line = (f"Correction of record {record_id} signed {signed} (the {original.visit_kind} "
            f"visit of {original.visit_date.isoformat()})")  # fmt: skip
    return f"{line}: {reason}" if reason else line


def _clinic(session: Session) -> clinic_repo.Clinic:
    clinic = clinic_repo.get_clinic(session)
    if clinic is None:
        raise InputError("The clinic has not been set up yet.")
    return clinic
